//! Finding the instance a create made when its answer was lost: the one
//! with the requested name and element, created since the attempt started.

use super::{ApiError, Client, CreateInstance, CreateOutcome, Instance, Paging, Search};
use std::future::Future;
use std::ops::ControlFlow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// How far the platform's clock may be behind ours and an instance still
/// count as created by this attempt.
pub const CLOCK_SKEW_ALLOWANCE: Duration = Duration::from_secs(120);

/// What a create under way is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateStage {
    /// The answer to `POST /instances`.
    Sending,
    /// The instance list, to learn whether a create whose answer was lost
    /// made its instance.
    Checking,
}

/// `POST /instances`, sent once, and when its answer is lost the check of
/// the instance list for what it made, as
/// [`Client::create_instance_safely`] describes; with a `budget`, both share
/// it: the check gets what the create left, and a budget spent counts as
/// no answer ([`ApiError::Timeout`]). `on_stage` hears when the check starts.
pub async fn create_within(
    client: &Client,
    body: &CreateInstance,
    budget: Option<Duration>,
    on_stage: impl Fn(CreateStage),
) -> Result<CreateOutcome, ApiError> {
    let deadline = budget.map(|b| Instant::now() + b);
    let started = SystemTime::now();
    on_stage(CreateStage::Sending);
    let cause = match within(deadline, client.create_instance(body)).await {
        Ok(instance) => return Ok(CreateOutcome::Created(instance)),
        Err(e) if e.create_outcome_unknown() => e,
        Err(e) => return Err(e),
    };
    crate::log::event(
        "recover",
        format!(
            "the create's answer was lost ({cause}); looking for the instance in GET /instances"
        ),
    );
    on_stage(CreateStage::Checking);
    let name = body.name.trim().to_string();
    match within(
        deadline,
        find_created_in(client, &body.element.key, &name, started),
    )
    .await
    {
        Ok(found) => match found {
            Some(instance) => {
                crate::log::event(
                    "recover",
                    format!(
                        "found instance {} \"{name}\": it was created once, not again",
                        instance.id
                    ),
                );
                Ok(CreateOutcome::Recovered { instance, cause })
            }
            None => {
                crate::log::event("recover", format!("no instance \"{name}\" was created"));
                Err(ApiError::NothingCreated {
                    cause: Box::new(cause),
                    name,
                })
            }
        },
        Err(check) => {
            crate::log::event("recover", format!("cannot list the instances: {check}"));
            Err(ApiError::OutcomeUnknown {
                cause: Box::new(cause),
                check: Box::new(check),
                name,
            })
        }
    }
}

/// [`find_created`] over the platform's search for the name
/// (`searchText`, one page on a large account), and when that finds it
/// not, over the account's whole list, read page by page: only this
/// name's instances of this element are kept while the list streams past.
/// The search is loose and may be ignored, so what it answers is only
/// candidates, and its finding nothing proves nothing. Any failure, and
/// any bound of the listing reached ([`Paging`]), is an error, so the
/// caller says "check first", never "nothing was created".
pub async fn find_created_in(
    client: &Client,
    element_key: &str,
    name: &str,
    since: SystemTime,
) -> Result<Option<Instance>, ApiError> {
    let wanted = name.trim();
    // A blank name is no search: the whole list at once.
    let searches = match wanted.is_empty() {
        true => vec![Search::default()],
        false => vec![Search::text(wanted), Search::default()],
    };
    for search in searches {
        let mut candidates = Vec::new();
        client
            .for_each_instance_page_searching(Paging::default(), &search, |page| {
                candidates.extend(page.instances.into_iter().filter(|i| {
                    i.name.trim() == wanted && i.element_key.eq_ignore_ascii_case(element_key)
                }));
                ControlFlow::Continue(())
            })
            .await?;
        if let Some(found) = find_created(candidates, element_key, name, since) {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// A call cut off at the deadline, if there is one.
async fn within<T>(
    deadline: Option<Instant>,
    call: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    match deadline {
        None => call.await,
        Some(d) => tokio::time::timeout_at(d, call)
            .await
            .unwrap_or(Err(ApiError::Timeout)),
    }
}

/// The instance among `instances` that the create started at `since` most
/// likely made: same element key and name (surrounding spaces ignored),
/// `createdDate` at or after `since` minus [`CLOCK_SKEW_ALLOWANCE`]; the
/// newest of those. When none of the candidates carries a readable
/// `createdDate`, the newest by name and element (highest id) is taken, as
/// the only evidence there is.
pub fn find_created(
    instances: Vec<Instance>,
    element_key: &str,
    name: &str,
    since: SystemTime,
) -> Option<Instance> {
    let name = name.trim();
    let candidates: Vec<Instance> = instances
        .into_iter()
        .filter(|i| i.name.trim() == name && i.element_key.eq_ignore_ascii_case(element_key))
        .collect();
    let dated: Vec<(u64, &Instance)> = candidates
        .iter()
        .filter_map(|i| {
            i.created_date
                .as_deref()
                .and_then(epoch_seconds)
                .map(|t| (t, i))
        })
        .collect();
    if dated.is_empty() {
        return candidates.into_iter().max_by_key(|i| i.id);
    }
    let earliest = since
        .checked_sub(CLOCK_SKEW_ALLOWANCE)
        .unwrap_or(UNIX_EPOCH)
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    dated
        .into_iter()
        .filter(|(t, _)| *t >= earliest)
        .max_by_key(|(t, i)| (*t, i.id))
        .map(|(_, i)| i.clone())
}

/// Seconds since 1970 from the forms `createdDate` takes: RFC 3339
/// (`2024-05-01T12:34:56Z`, fractions and `+01:00`/`+0100` offsets allowed,
/// a space for the `T`), or a number of seconds or milliseconds.
pub fn epoch_seconds(text: &str) -> Option<u64> {
    let t = text.trim().trim_matches('"');
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = t.parse().ok()?;
        // Anything past the year 5138 in seconds is milliseconds.
        return Some(if n > 99_999_999_999 { n / 1000 } else { n });
    }
    let b = t.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = t.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &t[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let h: i64 = digits[..2].parse().ok()?;
            let m: i64 = digits[2..].parse().ok()?;
            sign * (h * 3600 + m * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    u64::try_from(secs).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inst(id: i64, name: &str, key: &str, created: Option<&str>) -> Instance {
        let mut v = json!({"id": id, "name": name, "token": "t", "element": {"key": key}});
        if let Some(c) = created {
            v["createdDate"] = json!(c);
        }
        Instance::from_value(v).unwrap()
    }

    #[test]
    fn dates_in_the_forms_the_platform_uses() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(
            epoch_seconds("2023-11-14T22:13:20.123Z"),
            Some(1_700_000_000)
        );
        assert_eq!(
            epoch_seconds("2023-11-14T23:13:20+01:00"),
            Some(1_700_000_000)
        );
        assert_eq!(
            epoch_seconds("2023-11-14T21:13:20-0100"),
            Some(1_700_000_000)
        );
        assert_eq!(epoch_seconds("2023-11-14 22:13:20"), Some(1_700_000_000));
        assert_eq!(epoch_seconds("1700000000"), Some(1_700_000_000));
        assert_eq!(epoch_seconds("1700000000123"), Some(1_700_000_000));
        for bad in [
            "",
            "yesterday",
            "2023-13-01T00:00:00Z",
            "2023-11-14T22:13",
            "2023-11-14T22:13:20+1",
        ] {
            assert_eq!(epoch_seconds(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_instance_made_since_the_attempt_is_found() {
        let since = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let found = find_created(
            vec![
                inst(1, "shop", "ecwid", Some("2023-11-01T00:00:00Z")),
                inst(2, "shop", "bigcommerce", Some("2023-11-14T22:13:25Z")),
                inst(3, "other", "ecwid", Some("2023-11-14T22:13:25Z")),
                inst(4, " shop ", "ecwid", Some("2023-11-14T22:13:21Z")),
            ],
            "ecwid",
            "shop",
            since,
        );
        assert_eq!(found.map(|i| i.id), Some(4));
    }

    #[test]
    fn an_older_instance_of_the_same_name_is_not_taken_for_a_new_one() {
        let since = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let old = inst(1, "shop", "ecwid", Some("2023-11-14T22:00:00Z"));
        assert!(find_created(vec![old], "ecwid", "shop", since).is_none());
    }

    #[test]
    fn the_platform_clock_may_lag_a_little() {
        let since = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let lagging = inst(1, "shop", "ecwid", Some("2023-11-14T22:12:00Z"));
        assert!(find_created(vec![lagging], "ecwid", "shop", since).is_some());
    }

    #[test]
    fn without_dates_the_newest_by_name_is_taken() {
        let found = find_created(
            vec![
                inst(7, "shop", "ecwid", None),
                inst(9, "shop", "ecwid", None),
                inst(8, "shop", "ecwid", None),
            ],
            "ecwid",
            "shop",
            SystemTime::now(),
        );
        assert_eq!(found.map(|i| i.id), Some(9));
    }
}
