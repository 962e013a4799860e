//! Which way a link can reach the person's browser from where ce-wizard
//! runs: WSL's own opener, the desktop's opener, or none at all because a
//! browser started here would not be in front of the person.
//!
//! The choice is a pure function of the environment variables, the kernel's
//! release string and what is on `PATH`, so every case is tested without
//! changing this process's environment.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// How a link is to be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// `wslview URL` (wslu): under WSL it opens the Windows browser.
    Wslview(PathBuf),
    /// The desktop's opener: `xdg-open` and its fallbacks.
    Desktop,
    /// No browser is started; the link is shown instead, for this reason.
    ShowLink(NoBrowser),
}

/// Why no browser is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoBrowser {
    /// An SSH session with no graphical display: a browser would start on
    /// this machine, not in front of the person.
    SshWithoutDisplay,
    /// `$BROWSER` names a browser that runs in the terminal (its name, from
    /// [`CONSOLE_BROWSERS`]): it would take over the wizard's screen.
    ConsoleBrowser(&'static str),
}

impl fmt::Display for NoBrowser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoBrowser::SshWithoutDisplay => f.write_str(
                "this SSH session has no display, so a browser started here would not reach you; \
                 open the address yourself on your own machine",
            ),
            NoBrowser::ConsoleBrowser(name) => write!(
                f,
                "$BROWSER is {name}, which runs in this terminal and would cover this screen; \
                 open the address yourself in a graphical browser"
            ),
        }
    }
}

/// Browsers that draw in the terminal they are started from.
pub const CONSOLE_BROWSERS: &[&str] = &[
    "w3m",
    "lynx",
    "links",
    "links2",
    "elinks",
    "browsh",
    "carbonyl",
    // Debian's alternative for a text-mode browser.
    "www-browser",
];

/// What the choice depends on: environment variables, the kernel's release
/// string (`/proc/sys/kernel/osrelease`) and a lookup of programs on `PATH`.
pub struct Surroundings<'a> {
    pub var: &'a dyn Fn(&str) -> Option<OsString>,
    pub os_release: Option<&'a str>,
    pub find: &'a dyn Fn(&str) -> Option<PathBuf>,
}

impl Surroundings<'_> {
    fn set(&self, name: &str) -> bool {
        (self.var)(name).is_some_and(|v| !v.is_empty())
    }
}

/// The way to open a link here. In this order: no browser in an SSH session
/// without a display; no browser when `$BROWSER` starts with a console
/// browser; `wslview` under WSL when it is on `PATH`; otherwise the
/// desktop's opener.
pub fn choose(s: &Surroundings<'_>) -> Launch {
    if ssh_without_display(s) {
        return Launch::ShowLink(NoBrowser::SshWithoutDisplay);
    }
    if let Some(name) = (s.var)("BROWSER").and_then(|b| console_browser(&b)) {
        return Launch::ShowLink(NoBrowser::ConsoleBrowser(name));
    }
    if is_wsl(s) {
        if let Some(path) = (s.find)("wslview") {
            return Launch::Wslview(path);
        }
    }
    Launch::Desktop
}

/// True when `SSH_CONNECTION` or `SSH_TTY` is set and neither `DISPLAY`
/// nor `WAYLAND_DISPLAY` is (empty values count as unset).
pub fn ssh_without_display(s: &Surroundings<'_>) -> bool {
    (s.set("SSH_CONNECTION") || s.set("SSH_TTY")) && !s.set("DISPLAY") && !s.set("WAYLAND_DISPLAY")
}

/// WSL says so in `WSL_DISTRO_NAME`, and its kernels name Microsoft in
/// their release ("5.15.90.1-microsoft-standard-WSL2", "4.4.0-19041-Microsoft").
fn is_wsl(s: &Surroundings<'_>) -> bool {
    s.set("WSL_DISTRO_NAME")
        || s.os_release
            .is_some_and(|r| r.to_ascii_lowercase().contains("microsoft"))
}

/// The console browser that `$BROWSER` starts with, if it does. `$BROWSER`
/// is a colon-separated list tried in order (`xdg-open`'s generic mode), so
/// its first entry decides; an entry may be a path and carry arguments
/// (`/usr/bin/w3m -o display_image=0 %s`).
fn console_browser(value: &OsString) -> Option<&'static str> {
    let value = value.to_string_lossy();
    let first = value.split(':').find(|e| !e.trim().is_empty())?;
    let entry = first.trim_start();
    let program = match entry.chars().next() {
        Some(quote @ ('"' | '\'')) => entry[1..].split(quote).next()?,
        _ => entry.split_whitespace().next()?,
    };
    let name = Path::new(program)
        .file_name()?
        .to_string_lossy()
        .to_ascii_lowercase();
    CONSOLE_BROWSERS.iter().copied().find(|b| *b == name)
}

/// An executable file named `name` in one of `path`'s directories.
pub fn find_on_path(name: &str, path: Option<&OsString>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The choice for this process: its environment, its kernel, its `PATH`.
pub fn choose_here() -> Launch {
    let os_release = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok();
    let path = std::env::var_os("PATH");
    choose(&Surroundings {
        var: &|name| std::env::var_os(name),
        os_release: os_release.as_deref(),
        find: &|name| find_on_path(name, path.as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// The choice for these variables, this kernel release and these
    /// programs on `PATH`.
    fn choice(vars: &[(&str, &str)], os_release: Option<&str>, on_path: &[&str]) -> Launch {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        let on_path: Vec<String> = on_path.iter().map(|p| p.to_string()).collect();
        choose(&Surroundings {
            var: &|name| vars.get(name).cloned(),
            os_release,
            find: &|name| {
                on_path
                    .iter()
                    .any(|p| p == name)
                    .then(|| PathBuf::from("/usr/bin").join(name))
            },
        })
    }

    const WSL2: &str = "5.15.153.1-microsoft-standard-WSL2";
    const WSL1: &str = "4.4.0-19041-Microsoft";
    const LINUX: &str = "6.1.0-18-amd64";

    #[test]
    fn a_desktop_uses_the_desktops_opener() {
        assert_eq!(choice(&[], Some(LINUX), &["xdg-open"]), Launch::Desktop);
        assert_eq!(
            choice(
                &[("DISPLAY", ":0"), ("BROWSER", "firefox")],
                Some(LINUX),
                &[]
            ),
            Launch::Desktop
        );
    }

    #[test]
    fn wsl_uses_wslview_when_it_is_installed() {
        let wslview = Launch::Wslview(PathBuf::from("/usr/bin/wslview"));
        assert_eq!(choice(&[], Some(WSL2), &["wslview"]), wslview);
        assert_eq!(choice(&[], Some(WSL1), &["wslview"]), wslview);
        assert_eq!(
            choice(&[("WSL_DISTRO_NAME", "Ubuntu")], None, &["wslview"]),
            wslview
        );
        // wslu sets BROWSER=wslview itself.
        assert_eq!(
            choice(&[("BROWSER", "wslview")], Some(WSL2), &["wslview"]),
            wslview
        );
        // Without it, the desktop's opener (which tries PowerShell on WSL).
        assert_eq!(choice(&[], Some(WSL2), &["xdg-open"]), Launch::Desktop);
        // wslview on a machine that is not WSL is not used.
        assert_eq!(choice(&[], Some(LINUX), &["wslview"]), Launch::Desktop);
        assert_eq!(
            choice(&[("WSL_DISTRO_NAME", "")], Some(LINUX), &["wslview"]),
            Launch::Desktop
        );
    }

    #[test]
    fn a_console_browser_in_browser_is_never_started() {
        for browser in [
            "w3m",
            "lynx",
            "links",
            "elinks",
            "/usr/bin/w3m",
            "/usr/local/bin/lynx -accept_all_cookies %s",
            "w3m:firefox",
            ":elinks",
            "\"/opt/text browsers/links\" %s",
            "LYNX",
        ] {
            let got = choice(&[("BROWSER", browser), ("DISPLAY", ":0")], Some(LINUX), &[]);
            assert!(
                matches!(got, Launch::ShowLink(NoBrowser::ConsoleBrowser(_))),
                "{browser:?}: {got:?}"
            );
        }
        assert_eq!(
            choice(&[("BROWSER", "/usr/bin/w3m %s")], Some(WSL2), &["wslview"]),
            Launch::ShowLink(NoBrowser::ConsoleBrowser("w3m"))
        );
        // A graphical browser first is tried first; names that only contain
        // a console browser's are not one.
        for browser in ["firefox:w3m", "w3m-launcher", "/opt/lynxfox/firefox", ""] {
            assert_eq!(
                choice(&[("BROWSER", browser)], Some(LINUX), &[]),
                Launch::Desktop,
                "{browser:?}"
            );
        }
    }

    #[test]
    fn ssh_without_a_display_starts_nothing() {
        let ssh = Launch::ShowLink(NoBrowser::SshWithoutDisplay);
        assert_eq!(
            choice(&[("SSH_CONNECTION", "10.0.0.2 5 10.0.0.1 22")], None, &[]),
            ssh
        );
        assert_eq!(
            choice(&[("SSH_TTY", "/dev/pts/3"), ("BROWSER", "w3m")], None, &[]),
            ssh
        );
        assert_eq!(
            choice(&[("SSH_TTY", "/dev/pts/3")], Some(WSL2), &["wslview"]),
            ssh
        );
        // With X forwarding (or Wayland) the browser does reach the person.
        assert_eq!(
            choice(
                &[("SSH_TTY", "/dev/pts/3"), ("DISPLAY", "localhost:10.0")],
                None,
                &[]
            ),
            Launch::Desktop
        );
        assert_eq!(
            choice(
                &[("SSH_TTY", "/dev/pts/3"), ("WAYLAND_DISPLAY", "wayland-0")],
                None,
                &[]
            ),
            Launch::Desktop
        );
    }

    #[test]
    fn the_reasons_say_what_to_do_and_never_echo_the_variable() {
        let console = NoBrowser::ConsoleBrowser("w3m").to_string();
        assert!(console.starts_with("$BROWSER is w3m, "), "{console}");
        assert!(console.contains("yourself"), "{console}");
        let ssh = NoBrowser::SshWithoutDisplay.to_string();
        assert!(ssh.contains("SSH session has no display"), "{ssh}");
        // What is shown is the list's own name, never the variable's text.
        assert_eq!(
            choice(
                &[("BROWSER", "/tmp/\u{1b}[2Jx/w3m --evil")],
                Some(LINUX),
                &[]
            ),
            Launch::ShowLink(NoBrowser::ConsoleBrowser("w3m"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_executable_files_on_path_are_found() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let exe = dir.path().join("wslview");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(other.path().join("plain"), "").unwrap();
        std::fs::create_dir(other.path().join("adir")).unwrap();
        let path = std::env::join_paths([other.path(), dir.path()]).unwrap();
        assert_eq!(find_on_path("wslview", Some(&path)), Some(exe));
        assert_eq!(find_on_path("plain", Some(&path)), None);
        assert_eq!(find_on_path("adir", Some(&path)), None);
        assert_eq!(find_on_path("wslview", None), None);
        // A relative directory in PATH is never searched.
        assert_eq!(
            find_on_path("wslview", Some(&OsString::from("relative/dir"))),
            None
        );
    }
}
