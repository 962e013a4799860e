//! The default instance name: the element key and a UTC time stamp, unique
//! enough to find the instance again later.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `<element key>-<stamp>`.
pub fn default_name(element_key: &str, stamp: &str) -> String {
    format!("{element_key}-{stamp}")
}

/// `base`, or `base-2`, `base-3`… when `taken` already has it: a second
/// instance of the same element made in one run of the wizard gets a name
/// of its own, not the first one's again.
pub fn unused_name(base: &str, taken: &[&str]) -> String {
    if !taken.contains(&base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|name| !taken.contains(&name.as_str()))
        .expect("an unused suffix exists")
}

/// The stamp of this moment.
pub fn stamp_now() -> String {
    name_stamp(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default(),
    )
}

/// `yyyymmdd-hhmm` in UTC for a time since the Unix epoch; UTC keeps names
/// from one machine comparable whatever its time zone.
pub fn name_stamp(since_epoch: Duration) -> String {
    let secs = since_epoch.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_next_free_suffix() {
        assert_eq!(unused_name("ecwid-1", &[]), "ecwid-1");
        assert_eq!(unused_name("ecwid-1", &["ecwid-1"]), "ecwid-1-2");
        assert_eq!(
            unused_name("ecwid-1", &["ecwid-1", "ecwid-1-2", "other"]),
            "ecwid-1-3"
        );
    }

    #[test]
    fn name_stamps() {
        assert_eq!(name_stamp(Duration::from_secs(0)), "19700101-0000");
        // 2024-02-29 13:37:59 UTC
        assert_eq!(
            name_stamp(Duration::from_secs(1_709_213_879)),
            "20240229-1337"
        );
    }

    #[test]
    fn default_names_carry_the_key_and_time() {
        let n = default_name("ecwid", &stamp_now());
        assert!(n.starts_with("ecwid-"), "{n}");
        assert_eq!(n.len(), "ecwid-20261123-1813".len());
        assert!(n["ecwid-".len()..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-'));
    }
}
