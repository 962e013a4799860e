//! Where the wizard runs decides how a link reaches the browser: a console
//! browser in `$BROWSER` is never started over the screen, WSL's `wslview`
//! is given the link, the element's documentation opens the same way, and
//! a sign-in that comes back after the wait timed out is still taken when
//! pasted. Stand-ins on `PATH` record what they were run with.

use crate::common;

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use common::browser::consent;
use common::pty::{keys, Pty};
use common::wizard::{
    assert_stored, pick_element, quit_keeping_nothing, sign_in_link, token_on_done, Expected, Home,
    Wizard,
};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// A directory of stand-ins, first on a `PATH` that keeps the system's
/// tools after it.
struct StandIns {
    dir: tempfile::TempDir,
}

impl StandIns {
    fn new() -> StandIns {
        StandIns {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A program `name` that writes its arguments, one a line, then its
    /// environment, to `<name>.ran`, and exits 0.
    fn recorder(&self, name: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.path().join(name);
        let record = self.ran(name);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\n{{ printf '%s\\n' \"$@\"; echo ---; env; }} > '{}.part'\nmv '{0}.part' '{0}'\n",
                record.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn ran(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.ran"))
    }

    fn path_env(&self) -> String {
        format!(
            "{}:{}",
            self.dir.path().display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

/// Waits for a stand-in's record: its arguments and its environment.
fn wait_record(path: &Path) -> (Vec<String>, String) {
    let deadline = Instant::now() + common::pty::DEADLINE;
    while !path.exists() {
        assert!(Instant::now() < deadline, "{} never ran", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(path).unwrap();
    let (args, env) = text.split_once("---\n").unwrap();
    (args.lines().map(str::to_string).collect(), env.to_string())
}

/// Infusionsoft eCommerce's form filled, and the sign-in asked for.
fn authorize(pty: &mut Pty) {
    pty.wait_for("Infusionsoft eCommerce: configuration");
    pty.type_text("keap-app");
    pty.send(keys::ENTER);
    pty.type_text("keap-secret");
    pty.send(keys::ENTER);
    pty.wait_for("› Callback URL");
    pty.send(&keys::ctrl('s'));
}

#[test]
fn a_console_browser_is_not_started_and_the_link_is_shown() {
    let sb = sandbox();
    let home = Home::new();
    let stand_ins = StandIns::new();
    let w3m = stand_ins.recorder("w3m");
    stand_ins.recorder("xdg-open");
    let mut pty = Wizard::new(&sb, &home)
        .opening_browsers_through(&stand_ins.path_env())
        .env(
            "BROWSER",
            &format!("{} -o display_image=0 %s", w3m.display()),
        )
        .args(&["--element", "infusionsoftecommerce"])
        .size(300, 30)
        .spawn();
    authorize(&mut pty);
    let screen =
        pty.wait_for("No browser was opened: $BROWSER is w3m, which runs in this terminal");
    assert!(
        sign_in_link(&screen).is_some(),
        "the link is shown:\n{screen}"
    );
    // The choice is made before anything would start: with the message on
    // screen, nothing ran.
    assert!(!stand_ins.ran("w3m").exists());
    assert!(!stand_ins.ran("xdg-open").exists());
    // o says the same, and starts nothing either.
    pty.send("o");
    std::thread::sleep(Duration::from_millis(300));
    pty.wait_for("$BROWSER is w3m");
    assert!(!stand_ins.ran("w3m").exists() && !stand_ins.ran("xdg-open").exists());
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}

#[test]
fn under_wsl_wslview_is_given_the_link_and_no_secret() {
    let sb = sandbox();
    let home = Home::new();
    let stand_ins = StandIns::new();
    stand_ins.recorder("wslview");
    stand_ins.recorder("xdg-open");
    let mut pty = Wizard::new(&sb, &home)
        .opening_browsers_through(&stand_ins.path_env())
        .env("WSL_DISTRO_NAME", "Ubuntu")
        .args(&["--element", "infusionsoftecommerce"])
        .size(300, 30)
        .spawn();
    authorize(&mut pty);
    let screen = pty.wait_for("Your browser was opened");
    let link = sign_in_link(&screen).expect("the link on screen");
    let (args, env) = wait_record(&stand_ins.ran("wslview"));
    assert_eq!(args, [link]);
    assert!(!stand_ins.ran("xdg-open").exists(), "wslview sufficed");
    for secret in [sb.user_secret(), sb.org_secret()] {
        assert!(!env.contains(secret), "a secret reached wslview:\n{env}");
    }
    assert!(env.contains("WSL_DISTRO_NAME=Ubuntu"), "{env}");
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}

#[test]
fn ctrl_o_on_the_element_step_opens_its_documentation() {
    let sb = sandbox();
    let home = Home::new();
    let stand_ins = StandIns::new();
    stand_ins.recorder("xdg-open");
    let mut pty = Wizard::new(&sb, &home)
        .opening_browsers_through(&stand_ins.path_env())
        .size(120, 30)
        .spawn();
    pty.wait_for("Choose an element");
    pty.type_text("woo");
    pty.wait_for("Ctrl-O opens it in your browser");
    pty.send(&keys::ctrl('o'));
    let (args, env) = wait_record(&stand_ins.ran("xdg-open"));
    assert_eq!(
        args,
        ["https://developers.cloud-elements.com/docs/elements/woocommerce/"]
    );
    assert!(!env.contains(sb.user_secret()), "{env}");
    pty.wait_for("The documentation was sent to your browser");
    // The filter kept what was typed; Ctrl-O typed nothing into it.
    assert!(pty.screen().contains("Filter: woo "), "{}", pty.screen());
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}

#[test]
fn after_the_wait_times_out_p_takes_the_address_the_browser_ended_on() {
    let sb = sandbox();
    let home = Home::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pty = Wizard::new(&sb, &home)
        .args(&["--oauth-timeout", "2s"])
        .size(300, 30)
        .spawn();
    pick_element(&mut pty, "infus", "Infusionsoft eCommerce");
    pty.type_text("keap-late");
    pty.send(keys::ENTER);
    pty.type_text("keap-late-secret");
    pty.send(keys::ENTER);
    let form = pty.wait_for("› Callback URL");
    let callback = common::wizard::form_value(&form, "Callback URL").unwrap();
    pty.send(&keys::ctrl('s'));
    let link = pty.wait_value("a sign-in link", sign_in_link);
    let screen = pty.wait_for("No answer came from the browser within 2 seconds.");
    assert!(
        screen.contains("Press p and paste the address the browser ended on"),
        "{screen}"
    );
    assert!(screen.contains("p paste address"), "{screen}");
    // The person allows access just too late; the browser ends on the
    // listener's address, which they copy.
    let ended_on = rt.block_on(consent(&link, "allow"));
    pty.send("p");
    pty.wait_for("paste the address here");
    pty.send(&keys::paste(&ended_on));
    pty.send(keys::ENTER);
    pty.wait_for("Review: a new Infusionsoft eCommerce instance");
    pty.send(keys::ENTER);
    let token = token_on_done(&pty);
    let name = common::pty::value_after(&pty.screen(), "Name").unwrap();
    assert_stored(
        &sb,
        &token,
        &Expected {
            element: "infusionsoftecommerce",
            name: &name,
            tags: &[],
            configuration: &[
                ("oauth.api.key", "keap-late"),
                ("oauth.api.secret", "keap-late-secret"),
                ("oauth.callback.url", &callback),
                ("document.tagging", "false"),
            ],
        },
    );
    quit_keeping_nothing(&mut pty);
    assert_eq!(pty.finish(), 0);
}

#[test]
fn over_ssh_without_a_display_the_link_and_the_port_forward_are_shown() {
    let sb = sandbox();
    let home = Home::new();
    let stand_ins = StandIns::new();
    stand_ins.recorder("xdg-open");
    // Port 0: the listener takes any free port, which the command must name.
    let mut pty = Wizard::new(&sb, &home)
        .opening_browsers_through(&stand_ins.path_env())
        .env("SSH_CONNECTION", "10.0.0.2 50022 10.0.0.1 22")
        .args(&["--element", "infusionsoftecommerce"])
        .size(300, 30)
        .spawn();
    authorize(&mut pty);
    let screen = pty.wait_for("No browser was started: this SSH session has no display.");
    assert!(sign_in_link(&screen).is_some(), "{screen}");
    let callback = common::pty::value_after(&screen, "Callback URL").unwrap();
    let port = url::Url::parse(&callback).unwrap().port().unwrap();
    assert_ne!(port, 0);
    assert!(
        screen.contains(&format!(
            "ssh -L {port}:127.0.0.1:{port} <you>@<this machine>"
        )),
        "{screen}"
    );
    // o starts nothing either, and says why.
    pty.send("o");
    pty.wait_for("No browser was opened: this SSH session has no display");
    assert!(!stand_ins.ran("xdg-open").exists());
    pty.send(&keys::ctrl('c'));
    pty.wait_for("Quit ce-wizard?");
    pty.send("y");
    pty.wait_exit();
}
