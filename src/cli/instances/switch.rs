//! `ce-wizard instances enable|disable ID|NAME`: turns an instance on or
//! off with `PUT` / `DELETE /instances/{id}/enabled` (the platform's own
//! test, churros `instances.js`, does both with the account's header; a
//! disabled instance answers 403 through the hubs until it is enabled).

use super::{connect, printable, read_failed, resolve, target, TargetArgs};
use crate::cli::{Failure, GlobalArgs};
use crate::exit;

/// Which way the switch goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Enable,
    Disable,
}

impl Switch {
    fn verb(self) -> &'static str {
        match self {
            Switch::Enable => "enable",
            Switch::Disable => "disable",
        }
    }
}

/// What the person is told after the switch: stderr, as `update` and
/// `delete` report theirs.
fn told(switch: Switch, already: bool, id: i64, name: &str) -> String {
    let name = printable(name);
    match (switch, already) {
        (Switch::Enable, false) => format!(
            "Enabled instance {id} \"{name}\": calls go through it again (check it: ce-wizard instances test {id})."
        ),
        (Switch::Enable, true) => format!(
            "Instance {id} \"{name}\" was not disabled; it is enabled (check it: ce-wizard instances test {id})."
        ),
        (Switch::Disable, false) => format!(
            "Disabled instance {id} \"{name}\": calls through it are refused (403) until `ce-wizard instances enable {id}`."
        ),
        (Switch::Disable, true) => format!(
            "Instance {id} \"{name}\" was already disabled; it stays off until `ce-wizard instances enable {id}`."
        ),
    }
}

pub async fn run(g: &GlobalArgs, args: &TargetArgs, switch: Switch) -> Result<i32, Failure> {
    let t = target(&args.instance, args.read_as.read_as())?;
    let (_conn, client) = connect(g).await?;
    let found = resolve(&client, &t).await?;
    // Sent even when it is already so: the switch is the platform's to
    // make, and a second one changes nothing.
    let already = found.disabled() == (switch == Switch::Disable);
    let sent = match switch {
        Switch::Enable => client.enable_instance(found.id).await,
        Switch::Disable => client.disable_instance(found.id).await,
    };
    sent.map_err(|e| {
        read_failed(
            &format!("cannot {} instance {}", switch.verb(), found.id),
            &e,
        )
    })?;
    eprintln!("{}", told(switch, already, found.id, &found.name));
    Ok(exit::CREATED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_switch_says_how_to_undo_or_check_it() {
        let off = told(Switch::Disable, false, 7, "shop");
        assert!(off.contains("ce-wizard instances enable 7"), "{off}");
        let on = told(Switch::Enable, false, 7, "shop");
        assert!(on.contains("ce-wizard instances test 7"), "{on}");
        assert!(told(Switch::Enable, true, 7, "shop").contains("was not disabled"));
        assert!(told(Switch::Disable, true, 7, "shop").contains("already disabled"));
        assert!(!told(Switch::Disable, false, 7, "a\u{1b}[2Jb").contains('\u{1b}'));
    }
}
