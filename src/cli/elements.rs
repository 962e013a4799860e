//! `ce-wizard elements`: the elements the wizard knows.

use super::Failure;
use crate::catalog::{bundled, ElementSpec};

pub fn run(args: &super::ElementsArgs) -> Result<i32, Failure> {
    if args.json {
        let json = serde_json::to_string_pretty(bundled()).map_err(|e| Failure {
            code: 1,
            message: e.to_string(),
        })?;
        println!("{json}");
    } else {
        print!("{}", table(bundled()));
    }
    Ok(0)
}

fn table(specs: &[ElementSpec]) -> String {
    let kw = specs.iter().map(|s| s.key.len()).max().unwrap_or(3).max(3);
    let nw = specs.iter().map(|s| s.name.len()).max().unwrap_or(4).max(4);
    let mut out = format!("{:kw$}  {:nw$}  {:6}  NEEDS\n", "KEY", "NAME", "AUTH");
    for s in specs {
        out.push_str(&format!(
            "{:kw$}  {:nw$}  {:6}  {}\n",
            s.key,
            s.name,
            s.auth.platform_name(),
            s.needs().join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_lists_every_bundled_element() {
        let t = super::table(crate::catalog::bundled());
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
}
