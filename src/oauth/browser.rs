//! Opening the authorization URL in the person's browser, and knowing when
//! not to try.

use super::browser_choice::{self, Launch, Surroundings};
use super::url_check::check_authorization_url;
use std::ffi::OsString;
use std::io;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether this is an SSH session with no graphical display: a browser
/// opened here would start on the remote machine (or fail), not in front of
/// the person. True when `SSH_CONNECTION` or `SSH_TTY` is set and neither
/// `DISPLAY` nor `WAYLAND_DISPLAY` is (empty values count as unset).
pub fn ssh_session_without_display() -> bool {
    ssh_without_display(|name| std::env::var_os(name))
}

fn ssh_without_display(var: impl Fn(&str) -> Option<OsString>) -> bool {
    browser_choice::ssh_without_display(&Surroundings {
        var: &var,
        os_release: None,
        find: &|_| None,
    })
}

/// The command that makes the listener on this machine reachable from the
/// browser on the person's own machine, for when the wizard runs over SSH:
/// `ssh -L 48213:127.0.0.1:48213 <you>@<this machine>`.
pub fn port_forward_hint(port: u16) -> String {
    format!("ssh -L {port}:127.0.0.1:{port} <you>@<this machine>")
}

/// Opens `url` in the default browser without waiting for the browser. The
/// URL is never logged or put into the error, because it carries the state.
///
/// The URL is checked first ([`check_authorization_url`]): anything but
/// `https://`, or `http://` to this machine, is refused and never opened.
/// The launcher runs without the account secrets in its environment
/// ([`crate::child_env::scrub`]): it is detached and outlives ce-wizard, and
/// so does the browser it may start.
///
/// Where a browser would not be in front of the person, nothing is started
/// and the error says why ([`browser_choice::choose`]): an SSH session
/// without a display, or `$BROWSER` naming a browser that runs in the
/// terminal (w3m, lynx, links, elinks and the like), which would take over
/// the screen. Under WSL, `wslview URL` is tried first when it is on `PATH`
/// and the URL holds nothing PowerShell would expand (`$`, `` ` ``: see
/// [`safe_for_wslview`]).
///
/// Otherwise what runs is `open`'s (5.4) list of launchers for this system
/// (`open::commands`), tried in order as `open::that_detached` tries them.
/// On Linux and the other Unix-likes it treats alike:
///
/// 1. Under WSL only (`/proc/sys/kernel/osrelease` or `/proc/version`
///    mentions "microsoft", outside Docker): `powershell.exe -NoProfile
///    -NonInteractive -Command <script>`, the URL in `OPEN_RS_TARGET`.
/// 2. Then, each looked up on `PATH`, in this order: `xdg-open URL`,
///    `gio open URL`, `gnome-open URL`, `kde-open6 -- URL`,
///    `kde-open5 -- URL`, `kde-open -- URL`. The URL is the only argument
///    (after `open` for gio, after `--` for kde-open); a target starting with
///    `-` would get a `./` prefix, which an `http://` URL never does.
///
/// Each launcher runs in a new session (`setsid`) with stdin, stdout and
/// stderr on /dev/null and is watched for 250 ms: exit status 0, or still
/// running after 250 ms, counts as success and nothing else is tried; a
/// non-zero exit within 250 ms, or a missing program, moves on to the next
/// launcher. So a stand-in must exit 0 (or keep running): failing quickly
/// makes the next launcher run too.
///
/// `open` itself ignores `$BROWSER`. The real `xdg-open` (xdg-utils 1.1)
/// honours it only when it recognises no desktop environment (its "generic"
/// mode): after asking `xdg-mime` for the `x-scheme-handler/http` handler
/// (only when `DISPLAY` or `WAYLAND_DISPLAY` is set), it tries each
/// colon-separated entry of `$BROWSER`, with `%s` replaced by the URL or the
/// URL appended, until one exits 0. Under GNOME, KDE, Xfce and the like it
/// uses the desktop's own opener and `$BROWSER` has no effect.
///
/// To drive a test browser (headless Chromium), put an executable named
/// `xdg-open` first on `PATH`: it receives the URL as `$1`.
pub fn open_browser(url: &str) -> Result<(), String> {
    let checked = check_authorization_url(url).map_err(|refused| refused.to_string())?;
    open_checked(checked.as_str())
}

/// Opens an element's documentation page, as [`open_browser`] opens a
/// sign-in link: only `https://` (or `http://` to this machine), and only
/// where a browser can reach the person.
pub fn open_docs(url: &str) -> Result<(), String> {
    let checked = check_authorization_url(url)
        .map_err(|refused| format!("the address was refused: {}", refused.why))?;
    open_checked(checked.as_str())
}

fn open_checked(url: &str) -> Result<(), String> {
    let launchers = match browser_choice::choose_here() {
        Launch::ShowLink(why) => return Err(why.to_string()),
        Launch::Wslview(wslview) if safe_for_wslview(url) => {
            let mut command = Command::new(wslview);
            command.arg(url);
            std::iter::once(command)
                .chain(open::commands(url))
                .collect()
        }
        Launch::Wslview(_) | Launch::Desktop => open::commands(url),
    };
    launch(launchers).map_err(|e| browser_failure(&e))
}

/// Whether `url` can go through `wslview`. wslview (wslu 4) hands the
/// address to PowerShell inside a double-quoted string
/// (`powershell.exe -Command "Start "URL""`), where `$(…)` runs a command
/// and `$name` and `` ` `` are expanded; a URL may hold them unencoded (in
/// its query, `$` anywhere), and the platform chose the URL. Such a URL
/// goes to `open`'s launchers instead, whose WSL launcher passes it to
/// PowerShell in an environment variable, never as code.
fn safe_for_wslview(url: &str) -> bool {
    !url.contains(['$', '`'])
}

/// How long a launcher is watched for a quick failure.
const LAUNCH_WATCH: Duration = Duration::from_millis(250);

fn launch(launchers: Vec<Command>) -> io::Result<()> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no launcher");
    for mut command in launchers {
        crate::child_env::scrub(&mut command);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: setsid is async-signal-safe and touches nothing of
            // the parent's memory.
            unsafe {
                command.pre_exec(|| {
                    if libc::setsid() == -1 {
                        return Err(io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                // A missing fallback must not hide that an earlier launcher
                // was there and failed: "all missing" would be untrue.
                if e.kind() != io::ErrorKind::NotFound || last.kind() == io::ErrorKind::NotFound {
                    last = e;
                }
                continue;
            }
        };
        let deadline = Instant::now() + LAUNCH_WATCH;
        loop {
            match child.try_wait()? {
                Some(status) if status.success() => return Ok(()),
                Some(_) => {
                    last = io::Error::other("the launcher failed");
                    break;
                }
                None if Instant::now() >= deadline => {
                    // Handed off: reap it whenever it ends.
                    std::thread::spawn(move || child.wait());
                    return Ok(());
                }
                None => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }
    Err(last)
}

/// A message for a failed launch. `open`'s own error text quotes the whole
/// command line, URL included, so only the kind of failure is used.
fn browser_failure(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no program to open a browser was found: xdg-open, gio, \
             gnome-open and kde-open are all missing; install xdg-utils, or open the address \
             shown here in a browser yourself"
            .to_owned(),
        io::ErrorKind::PermissionDenied => "the program that opens the browser, xdg-open or \
             a fallback, could not be run: permission denied; open the address shown here in \
             a browser yourself"
            .to_owned(),
        _ => "the program that opens the browser, xdg-open or a fallback, reported a failure; \
             open the address shown here in a browser yourself"
            .to_owned(),
    }
}

// The tests drive shell scripts standing in for browsers.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_launcher_that_failed_is_not_called_missing_for_the_fallbacks_missing() {
        let failed = launch(vec![
            Command::new("false"),
            Command::new("/nonexistent/ce-wizard-test-gio"),
        ])
        .unwrap_err();
        let message = browser_failure(&failed);
        assert!(!message.contains("missing"), "{message}");
        assert!(message.contains("reported a failure"), "{message}");
        // Only when none was there does the message say so.
        let none = launch(vec![Command::new("/nonexistent/ce-wizard-test-xdg-open")]).unwrap_err();
        assert!(browser_failure(&none).contains("all missing"));
    }
    use std::collections::HashMap;
    use std::path::Path;
    use std::process::Command;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn ssh_without_a_display_is_detected() {
        assert!(ssh_without_display(env(&[(
            "SSH_CONNECTION",
            "10.0.0.2 5 10.0.0.1 22"
        )])));
        assert!(ssh_without_display(env(&[("SSH_TTY", "/dev/pts/3")])));
        assert!(ssh_without_display(env(&[
            ("SSH_TTY", "/dev/pts/3"),
            ("DISPLAY", "")
        ])));
    }

    #[test]
    fn a_display_or_no_ssh_means_a_browser_can_open() {
        assert!(!ssh_without_display(env(&[])));
        assert!(!ssh_without_display(env(&[("DISPLAY", ":0")])));
        assert!(!ssh_without_display(env(&[
            ("SSH_CONNECTION", "10.0.0.2 5 10.0.0.1 22"),
            ("DISPLAY", "localhost:10.0")
        ])));
        assert!(!ssh_without_display(env(&[
            ("SSH_TTY", "/dev/pts/3"),
            ("WAYLAND_DISPLAY", "wayland-0")
        ])));
        assert!(!ssh_without_display(env(&[("SSH_TTY", "")])));
    }

    #[test]
    fn port_forward_hint_forwards_the_same_port_to_loopback() {
        assert_eq!(
            port_forward_hint(48213),
            "ssh -L 48213:127.0.0.1:48213 <you>@<this machine>"
        );
        assert_eq!(
            port_forward_hint(5000),
            "ssh -L 5000:127.0.0.1:5000 <you>@<this machine>"
        );
    }

    #[test]
    fn failure_messages_never_quote_the_url() {
        let url = "https://provider.example/authorize?state=SECRETSTATE";
        for kind in [
            io::ErrorKind::NotFound,
            io::ErrorKind::PermissionDenied,
            io::ErrorKind::Other,
        ] {
            let error = io::Error::new(kind, format!("Launcher \"xdg-open\" \"{url}\" failed"));
            let message = browser_failure(&error);
            assert!(!message.contains("SECRETSTATE"), "{message}");
            assert!(message.contains("yourself"), "{message}");
        }
    }

    // The two tests below run this test binary again as a child with its own
    // PATH, because changing PATH in this process would race other tests.
    const CHILD: &str = "CE_WIZARD_BROWSER_TEST_CHILD";
    const OPENED_FILE: &str = "CE_WIZARD_BROWSER_TEST_OPENED";
    /// Written by the child once its checks passed, so a test name that
    /// matches nothing (and a child that runs no test) cannot pass.
    const DONE_FILE: &str = "CE_WIZARD_BROWSER_TEST_DONE";
    const URL: &str = "http://127.0.0.1:48213/authorize?client_id=a&state=b%2Bc";

    fn run_child(test: &str, dir: &Path) -> bool {
        run_child_with(test, dir, &[])
    }

    /// Runs the child with `PATH` set to `dir` and `vars` set; none of the
    /// variables that steer the choice of browser is inherited.
    fn run_child_with(test: &str, dir: &Path, vars: &[(&str, &str)]) -> bool {
        let done = dir.join("done");
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([test, "--exact", "--test-threads=1", "--quiet"])
            .env(CHILD, "1")
            .env("PATH", dir)
            .env(OPENED_FILE, dir.join("opened.txt"))
            .env(DONE_FILE, &done);
        for name in [
            "SSH_CONNECTION",
            "SSH_TTY",
            "BROWSER",
            "WSL_DISTRO_NAME",
            crate::config::USER_SECRET_ENV,
        ] {
            command.env_remove(name);
        }
        command.envs(vars.iter().copied());
        let output = command.output().unwrap();
        if !output.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&output.stdout));
        }
        output.status.success() && done.exists()
    }

    fn child_done() {
        std::fs::write(std::env::var_os(DONE_FILE).unwrap(), "done").unwrap();
    }

    fn write_executable(path: &Path, script: &str) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(path, script).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn opens_the_url_with_xdg_open_from_path() {
        if std::env::var_os(CHILD).is_some() {
            open_browser(URL).expect("the stand-in xdg-open succeeds");
            child_done();
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let opened = dir.path().join("opened.txt");
        write_executable(
            &dir.path().join("xdg-open"),
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$CE_WIZARD_BROWSER_TEST_OPENED\"\n",
        );
        assert!(run_child(
            "oauth::browser::tests::opens_the_url_with_xdg_open_from_path",
            dir.path()
        ));
        // The URL is xdg-open's one and only argument, unchanged.
        assert_eq!(
            std::fs::read_to_string(&opened).unwrap(),
            format!("{URL}\n")
        );
    }

    #[test]
    fn no_launcher_on_path_gives_a_clear_error() {
        if std::env::var_os(CHILD).is_some() {
            let message = open_browser(URL).expect_err("nothing can open a browser");
            assert!(message.contains("xdg-open"), "{message}");
            assert!(!message.contains("state=b"), "{message}");
            child_done();
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let opened = dir.path().join("opened.txt");
        assert!(run_child(
            "oauth::browser::tests::no_launcher_on_path_gives_a_clear_error",
            dir.path()
        ));
        assert!(!opened.exists());
    }

    /// A stand-in that writes its arguments, and whether it saw the user
    /// secret in its environment, to the file the test names.
    const RECORDER: &str = "#!/bin/sh\n{ printf '%s\\n' \"$0\" \"$@\"; \
        echo \"${CE_USER_SECRET:+secret}${CE_USER_SECRET:-none}\"; } \
        > \"$CE_WIZARD_BROWSER_TEST_OPENED\"\n";

    #[test]
    fn under_wsl_wslview_gets_the_url_and_no_secret() {
        if std::env::var_os(CHILD).is_some() {
            open_browser(URL).expect("the stand-in wslview succeeds");
            child_done();
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        write_executable(&dir.path().join("wslview"), RECORDER);
        write_executable(&dir.path().join("xdg-open"), RECORDER);
        assert!(run_child_with(
            "oauth::browser::tests::under_wsl_wslview_gets_the_url_and_no_secret",
            dir.path(),
            &[
                ("WSL_DISTRO_NAME", "Ubuntu"),
                (crate::config::USER_SECRET_ENV, "u-secret-for-the-test"),
            ]
        ));
        let recorded = std::fs::read_to_string(dir.path().join("opened.txt")).unwrap();
        let lines: Vec<&str> = recorded.lines().collect();
        assert_eq!(
            lines,
            [dir.path().join("wslview").to_str().unwrap(), URL, "none"],
            "wslview alone ran, with the URL, without the secret"
        );
    }

    /// An address PowerShell would run code from: `$(…)` in its query.
    const POWERSHELL_URL: &str = "https://provider.example/authorize?state=$(calc.exe)&x=`a";

    #[test]
    fn under_wsl_a_url_powershell_would_expand_never_goes_to_wslview() {
        if std::env::var_os(CHILD).is_some() {
            let checked = check_authorization_url(POWERSHELL_URL).unwrap();
            assert!(checked.as_str().contains("$(calc.exe)"), "{checked}");
            open_browser(POWERSHELL_URL).expect("the stand-in xdg-open succeeds");
            child_done();
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        write_executable(&dir.path().join("wslview"), RECORDER);
        write_executable(&dir.path().join("xdg-open"), RECORDER);
        assert!(run_child_with(
            "oauth::browser::tests::under_wsl_a_url_powershell_would_expand_never_goes_to_wslview",
            dir.path(),
            &[("WSL_DISTRO_NAME", "Ubuntu")]
        ));
        let recorded = std::fs::read_to_string(dir.path().join("opened.txt")).unwrap();
        let first = recorded.lines().next().unwrap();
        assert_eq!(
            first,
            dir.path().join("xdg-open").to_str().unwrap(),
            "not wslview: {recorded}"
        );
    }

    #[test]
    fn a_console_browser_is_not_started_and_the_error_says_why() {
        if std::env::var_os(CHILD).is_some() {
            let message = open_browser(URL).expect_err("w3m is not started");
            assert!(message.starts_with("$BROWSER is w3m, "), "{message}");
            assert!(!message.contains("state=b"), "{message}");
            child_done();
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        write_executable(&dir.path().join("w3m"), RECORDER);
        write_executable(&dir.path().join("xdg-open"), RECORDER);
        let w3m = dir.path().join("w3m");
        assert!(run_child_with(
            "oauth::browser::tests::a_console_browser_is_not_started_and_the_error_says_why",
            dir.path(),
            &[("BROWSER", &format!("{} %s", w3m.display()))]
        ));
        assert!(!dir.path().join("opened.txt").exists(), "nothing ran");
    }

    #[test]
    fn docs_open_like_a_sign_in_link_and_other_schemes_never_do() {
        if std::env::var_os(CHILD).is_some() {
            let docs = "https://developers.cloud-elements.com/docs/elements/woocommerce/";
            open_docs(docs).expect("the stand-in xdg-open succeeds");
            for refused in [
                "file:///etc/passwd",
                "javascript:alert(1)",
                "http://example.com/",
            ] {
                let message = open_docs(refused).expect_err(refused);
                assert!(message.starts_with("the address was refused"), "{message}");
            }
            child_done();
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        write_executable(
            &dir.path().join("xdg-open"),
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"$CE_WIZARD_BROWSER_TEST_OPENED\"\n",
        );
        assert!(run_child(
            "oauth::browser::tests::docs_open_like_a_sign_in_link_and_other_schemes_never_do",
            dir.path()
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("opened.txt")).unwrap(),
            "https://developers.cloud-elements.com/docs/elements/woocommerce/\n",
            "only the https page was opened"
        );
    }
}
