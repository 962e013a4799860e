//! `ce-wizard elements`: the platform's catalog when the account secrets are
//! known (the cached copy when it is under a day old, `--refresh` to fetch it
//! again), else the bundled elements. Stderr says which; stdout has the list.

use super::{resolve_connection, ElementsArgs, Failure, GlobalArgs};
use crate::catalog::{self, bundled_spec, Catalog, CatalogEntry};
use crate::config::{ORG_SECRET_ENV, USER_SECRET_ENV};
use std::time::{Duration, SystemTime};

pub async fn run(g: &GlobalArgs, args: &ElementsArgs) -> Result<i32, Failure> {
    let (catalog, note) = load(g, args.refresh).await;
    eprintln!("{note}");
    if args.json {
        let json = crate::sanitize::json_text(catalog.entries(), true);
        Ok(super::output::printed(
            super::output::print_out(&format!("{json}\n")),
            "list",
        ))
    } else {
        Ok(super::output::printed(
            super::output::print_out(&table(catalog.entries())),
            "list",
        ))
    }
}

/// The catalog to list and a line saying where it comes from. Every failure
/// falls back (cache, then bundled) with the reason in that line: a list is
/// still useful when the platform cannot be reached.
async fn load(g: &GlobalArgs, refresh: bool) -> (Catalog, String) {
    let bundled = |why: String| {
        let c = Catalog::bundled();
        let note = format!("{} bundled elements only: {why}", c.len());
        (c, note)
    };
    let conn = match resolve_connection(g) {
        Ok(conn) => conn,
        Err(f) => return bundled(f.message),
    };
    if conn.credentials().is_none() {
        return bundled(format!(
            "set {USER_SECRET_ENV} and {ORG_SECRET_ENV} (or run ce-wizard once and let it remember them) to list your Cloud Elements catalog"
        ));
    }
    let base = conn.base_url();
    let now = SystemTime::now();
    if !refresh {
        if let Some(cached) = catalog::load_cached(&base).filter(|c| !c.is_stale(now)) {
            let note = format!(
                "{} elements in the catalog of {base}, as cached {} ago (--refresh fetches it again)",
                cached.catalog.len(),
                age(now, cached.fetched_at)
            );
            return (cached.catalog, note);
        }
    }
    let fetched = match conn.client() {
        Ok(client) => catalog::refresh(&client)
            .await
            .map_err(|e| format!("{e}. {}", e.advice())),
        Err(f) => Err(f.message),
    };
    match fetched {
        Ok(c) => {
            let note = format!("{} elements in the catalog of {base}, fetched now", c.len());
            (c, note)
        }
        Err(why) => match catalog::load_cached(&base) {
            Some(cached) => {
                let note = format!(
                    "could not fetch the catalog of {base} ({why}); {} elements as cached {} ago",
                    cached.catalog.len(),
                    age(now, cached.fetched_at)
                );
                (cached.catalog, note)
            }
            None => bundled(format!("could not fetch the catalog of {base}: {why}")),
        },
    }
}

/// `3m`, `2h 5m`: whole minutes, or seconds under a minute.
fn age(now: SystemTime, then: SystemTime) -> String {
    let secs = now.duration_since(then).unwrap_or_default().as_secs();
    let rounded = if secs < 60 { secs } else { secs - secs % 60 };
    humantime::format_duration(Duration::from_secs(rounded)).to_string()
}

fn table(entries: &[CatalogEntry]) -> String {
    let kw = entries
        .iter()
        .map(|e| e.key.len())
        .max()
        .unwrap_or(3)
        .max(3);
    let nw = entries
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let hw = entries
        .iter()
        .map(|e| e.hub.len())
        .max()
        .unwrap_or(3)
        .max(3);
    let mut out = format!(
        "{:kw$}  {:nw$}  {:hw$}  {:11}  NEEDS\n",
        "KEY", "NAME", "HUB", "AUTH"
    );
    for e in entries {
        let auth = if e.beta {
            format!("{} beta", e.auth.platform_name())
        } else {
            e.auth.platform_name().to_string()
        };
        // Only bundled specs know what they need without asking the platform.
        let needs = bundled_spec(&e.key)
            .map(|s| s.needs().join(", "))
            .unwrap_or_default();
        let line = format!(
            "{:kw$}  {:nw$}  {:hw$}  {auth:11}  {needs}",
            e.key, e.name, e.hub
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::AuthKind;

    #[test]
    fn the_table_lists_every_bundled_element() {
        let t = table(Catalog::bundled().entries());
        for key in [
            "woocommerce",
            "ecwid",
            "bigcommerce",
            "magentov20",
            "infusionsoftecommerce",
        ] {
            assert!(
                t.lines().any(|l| l.starts_with(key)),
                "{key} missing in\n{t}"
            );
        }
        assert!(t.contains("Store API URL, API username, API token"));
    }

    #[test]
    fn live_rows_mark_beta_and_leave_needs_blank() {
        let entry = CatalogEntry {
            key: "nimbusdesk".into(),
            name: "Nimbus Desk".into(),
            hub: "helpdesk".into(),
            description: String::new(),
            auth: AuthKind::Oauth1,
            beta: true,
            bundled: false,
        };
        let t = table(&[entry]);
        let row = t.lines().nth(1).unwrap();
        assert_eq!(row, "nimbusdesk  Nimbus Desk  helpdesk  oauth1 beta");
    }

    #[test]
    fn ages_round_to_minutes() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(10_000);
        assert_eq!(age(t, t - Duration::from_secs(42)), "42s");
        assert_eq!(age(t, t - Duration::from_secs(200)), "3m");
        assert_eq!(age(t, t - Duration::from_secs(7_530)), "2h 5m");
        assert_eq!(age(t, t + Duration::from_secs(5)), "0s");
    }
}
