//! An X display of the test's own (Xvfb) and its clipboard (xclip), to
//! prove that a copied value is still there after the wizard has exited.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

/// Fails the test, with how to fix it, when `program` is not on `PATH`.
pub fn require_program(program: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    assert!(
        found,
        "this test needs `{program}`: install it with `apt-get install -y {package}` (./scripts/test does)"
    );
}

/// A private X server; dropping it stops the server, and with it any
/// clipboard owner connected to it.
pub struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts `Xvfb` on a display number it picks itself (`-displayfd`),
    /// so parallel tests and other X servers never collide.
    pub fn start() -> Xvfb {
        require_program("Xvfb", "xvfb");
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "640x480x24",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        // Xvfb writes the display number once it accepts connections.
        let display = match rx.recv_timeout(DEADLINE) {
            Ok(line) if !line.trim().is_empty() => format!(":{}", line.trim()),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Xvfb did not report a display within {DEADLINE:?}");
            }
        };
        Xvfb { child, display }
    }

    /// The value for `DISPLAY`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The CLIPBOARD selection's text, read with `xclip -o`.
    pub fn clipboard(&self) -> String {
        require_program("xclip", "xclip");
        let mut child = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run xclip -o");
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > DEADLINE {
                let _ = child.kill();
                let _ = child.wait();
                panic!("xclip -o did not answer within {DEADLINE:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "xclip -o failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("the clipboard holds UTF-8")
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
