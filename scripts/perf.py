#!/usr/bin/env python3
"""Whole-process figures of ce-wizard, measured the way a person feels them.

  python3 scripts/perf.py              # builds the release binary, then measures
  python3 scripts/perf.py --no-build --runs 20 --json perf.json

Every program runs in a real pseudo-terminal (80x24 unless said otherwise)
and its output goes through a small terminal emulator, so "on screen" means
what a terminal would show. Figures:

  first frame   spawn to the first complete screen, median of --runs runs:
                ce-wizard (header step and footer drawn), and on the same run
                the tools people know: `rclone config` (empty RCLONE_CONFIG)
                and `gh auth login` (empty GH_CONFIG_DIR), up to their first
                prompt. Runs are interleaved so load hits every tool alike.
  journey       peak RSS (VmHWM) of a whole BigCommerce journey by keys,
                read from /proc at the Done screen: with the in-process
                `--sandbox`, and against a standalone sandbox (the wizard
                alone, as with the real platform).
  OAuth         Infusionsoft: the browser's request to the loopback callback
                to the Review screen on the terminal (and to the browser's
                answer), with a standalone sandbox as platform and provider.
  instances     `ce-wizard instances list --json` of --instances instances
                (default 10,000) from a standalone sandbox seeded with them
                (`ce-wizard sandbox --instances N`): wall time, spawn to exit,
                median of --list-runs runs, its CPU time (user + system, the
                figure load does not move), and its peak RSS. Every
                page is read (200 a page), so this is 50 round trips.
  instances-view  the wizard's Instances view (`ce-wizard instances` on a
                terminal, 120x40) listing --instances instances from a
                standalone sandbox: spawn to the first page on screen, spawn
                to every page listed, and peak RSS (VmHWM) once all are
                listed and one filter typed. Not run by default
                (`--only instances-view`).
  fleet         `ce-wizard instances test --all --json` over a standalone
                sandbox of 1,000 instances whose every answer takes 50 ms more
                (`--latency 50`), at the default concurrency; then 10,000
                without latency, for the peak RSS: wall and CPU time, peak
                RSS, and how many ended in each status. Not run by default
                (`--only fleet`).
  batch         `ce-wizard create --batch` of 200 Ecwid rows (no sign-in)
                against a sandbox at 50 ms a call, with `--no-verify` and
                with each instance checked after: wall and CPU time, peak
                RSS. Not run by default (`--only batch`).
  size          the release binary.
  keystrokes    instructions per keystroke (update + a whole frame, escapes
                included) on each screen at 80x24 and 250x70, counted by
                callgrind in the `screens` bench binary: load-proof, so two
                builds can be compared on a busy machine. Not run by default
                (`--only keystrokes`; valgrind needed).

Everything binds to 127.0.0.1 and nothing leaves the machine. Needs Python
3.8+ only; `rclone` and `gh` (Debian packages) are measured when installed.
"""

import argparse
import codecs
import fcntl
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEADLINE = 20.0  # seconds for any one wait


# --------------------------------------------------------------------------
# A terminal emulator, just enough for full-screen TUIs and line prompts.

CSI = re.compile(r"\x1b\[([0-9;?<>=]*)[ -/]*([@-~])")
OTHER_ESC = re.compile(r"\x1b(?:\][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+][0-9A-Za-z]|[ -/]*[0-Z\\^-~])", re.S)
TEXT = re.compile(r"[^\x00-\x1f\x7f\x1b]+")


class Screen:
    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.grid = self._blank()
        self.saved_grid = None
        self.row = self.col = 0
        self.saved_cursor = (0, 0)
        self.pending = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def _blank(self):
        return [[" "] * self.cols for _ in range(self.rows)]

    def text(self):
        return "\n".join("".join(r) for r in self.grid)

    def line(self, i):
        return "".join(self.grid[i])

    def cursor_report(self):
        return f"\x1b[{self.row + 1};{min(self.col, self.cols - 1) + 1}R".encode()

    def _linefeed(self):
        if self.row == self.rows - 1:
            self.grid.pop(0)
            self.grid.append([" "] * self.cols)
        else:
            self.row += 1

    def _put(self, run):
        for ch in run:
            w = 1
            if not ch.isascii():
                if unicodedata.combining(ch):
                    continue
                if unicodedata.east_asian_width(ch) in ("W", "F"):
                    w = 2
            if self.col + w > self.cols:
                self.col = 0
                self._linefeed()
            self.grid[self.row][self.col] = ch
            if w == 2 and self.col + 1 < self.cols:
                self.grid[self.row][self.col + 1] = ""
            self.col += w

    def _csi(self, params, final):
        private = params.startswith("?")
        nums = [int(p) if p.isdigit() else 0 for p in params.lstrip("?<>=").split(";")] if params else []
        n = nums[0] if nums and nums[0] else 1
        if final in "Hf":
            r = nums[0] if len(nums) > 0 and nums[0] else 1
            c = nums[1] if len(nums) > 1 and nums[1] else 1
            self.row, self.col = min(r, self.rows) - 1, min(c, self.cols) - 1
        elif final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            self.row = min(self.rows - 1, self.row + n)
        elif final == "C":
            self.col = min(self.cols - 1, self.col + n)
        elif final == "D":
            self.col = max(0, min(self.col, self.cols - 1) - n)
        elif final == "G":
            self.col = min(n, self.cols) - 1
        elif final == "d":
            self.row = min(n, self.rows) - 1
        elif final == "J":
            mode = nums[0] if nums else 0
            c = min(self.col, self.cols - 1)
            if mode in (2, 3):
                self.grid = self._blank()
            elif mode == 0:
                self.grid[self.row][c:] = [" "] * (self.cols - c)
                for r in range(self.row + 1, self.rows):
                    self.grid[r] = [" "] * self.cols
            elif mode == 1:
                for r in range(self.row):
                    self.grid[r] = [" "] * self.cols
                self.grid[self.row][: c + 1] = [" "] * (c + 1)
        elif final == "K":
            mode = nums[0] if nums else 0
            c = min(self.col, self.cols - 1)
            line = self.grid[self.row]
            if mode == 0:
                line[c:] = [" "] * (self.cols - c)
            elif mode == 1:
                line[: c + 1] = [" "] * (c + 1)
            else:
                self.grid[self.row] = [" "] * self.cols
        elif final == "X":
            c = min(self.col, self.cols - 1)
            end = min(self.cols, c + n)
            self.grid[self.row][c:end] = [" "] * (end - c)
        elif final in "hl" and private and 1049 in nums:
            if final == "h":
                self.saved_grid = self.grid
                self.grid = self._blank()
            else:
                self.grid = self.saved_grid or self._blank()
                self.saved_grid = None
        # Colours, modes and everything else change nothing on the grid.

    def feed(self, data):
        text = self.pending + self.decoder.decode(data)
        self.pending = ""
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\x1b":
                m = CSI.match(text, i)
                if m:
                    self._csi(m.group(1), m.group(2))
                    i = m.end()
                    continue
                m = OTHER_ESC.match(text, i)
                if m:
                    seq = m.group(0)
                    if seq == "\x1b7":
                        self.saved_cursor = (self.row, self.col)
                    elif seq == "\x1b8":
                        self.row, self.col = self.saved_cursor
                    elif seq == "\x1bM":
                        self.row = max(0, self.row - 1)
                    i = m.end()
                    continue
                if n - i < 256:  # an escape cut by the read: finish it next time
                    self.pending = text[i:]
                    return
                i += 1
            elif ch == "\r":
                self.col = 0
                i += 1
            elif ch == "\n":
                self._linefeed()
                i += 1
            elif ch == "\b":
                self.col = max(0, self.col - 1)
                i += 1
            elif ch == "\t":
                self.col = min(self.cols - 1, (self.col // 8 + 1) * 8)
                i += 1
            elif ch < " " or ch == "\x7f":
                i += 1
            else:
                m = TEXT.match(text, i)
                self._put(m.group(0))
                i = m.end()


# --------------------------------------------------------------------------
# A program in a pseudo-terminal.


class Timeout(Exception):
    pass


class PtyProgram:
    """A program with a new pseudo-terminal as its controlling terminal and
    standard streams. Spawned with posix_spawn (vfork-like, as a shell
    spawns), not fork(), whose copy of this Python process would be
    counted as the program's startup."""

    def __init__(self, argv, env, cols=80, rows=24, cwd=None):
        self.screen = Screen(rows, cols)
        self.argv = argv
        self.exit_status = None
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        slave_path = os.ttyname(slave)
        if cwd and os.getcwd() != cwd:
            os.chdir(cwd)  # posix_spawn has no cwd of its own here
        self.t_spawn = time.perf_counter()
        # A new session whose first terminal opened becomes the controlling one.
        self.pid = os.posix_spawn(
            argv[0],
            argv,
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, slave_path, os.O_RDWR, 0),
                (os.POSIX_SPAWN_DUP2, 0, 1),
                (os.POSIX_SPAWN_DUP2, 0, 2),
            ],
            setsid=True,
        )
        os.close(slave)
        self.fd = master
        self.raw = bytearray()

    def pump(self, timeout):
        """Reads what is there (waiting up to `timeout`); returns the time
        the last chunk was read, or None when nothing came."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return None
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the program ended and closed the terminal
            data = b""
        t = time.perf_counter()
        if not data:
            raise EOFError
        self.raw += data
        self.screen.feed(data)
        # Answer cursor-position queries as a terminal does.
        for _ in range(data.count(b"\x1b[6n")):
            os.write(self.fd, self.screen.cursor_report())
        return t

    def wait_until(self, what, pred, deadline=DEADLINE):
        """Waits until `pred(screen)` holds; returns the time the chunk that
        made it hold was read."""
        end = time.perf_counter() + deadline
        if pred(self.screen):
            return time.perf_counter()
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                raise Timeout(f"{' '.join(self.argv)}: timed out waiting for {what}; the screen:\n{self.screen.text()}")
            try:
                t = self.pump(min(left, 0.5))
            except EOFError:
                raise Timeout(f"{' '.join(self.argv)}: ended while waiting for {what}; the screen:\n{self.screen.text()}")
            if t is not None and pred(self.screen):
                return t

    def wait_for(self, text, deadline=DEADLINE):
        return self.wait_until(repr(text), lambda s: text in s.text(), deadline)

    def settle(self, quiet=0.05):
        """Reads until nothing comes for `quiet` seconds."""
        try:
            while self.pump(quiet) is not None:
                pass
        except EOFError:
            pass

    def send(self, data):
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def type_text(self, text):
        for ch in text:
            self.send(ch)
            time.sleep(0.002)

    def status(self):
        """Fields of /proc/<pid>/status, kB figures as ints."""
        out = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                v = v.strip()
                out[k] = int(v.split()[0]) if v.endswith("kB") or v.isdigit() else v
        return out

    def cpu_ms(self):
        """CPU time the program's live threads have run so far (schedstat),
        which the machine's load does not inflate as it does wall time."""
        total = 0
        for tid in os.listdir(f"/proc/{self.pid}/task"):
            try:
                with open(f"/proc/{self.pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        return total / 1e6

    def wait_exit(self, deadline=DEADLINE):
        end = time.perf_counter() + deadline
        while time.perf_counter() < end:
            try:
                self.pump(0.05)
            except EOFError:
                pass
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = os.waitstatus_to_exitcode(st)
                os.close(self.fd)
                return self.exit_status
        raise Timeout(f"{self.argv[0]} did not exit; the screen:\n{self.screen.text()}")

    def kill(self):
        if self.exit_status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.exit_status = -9
            os.close(self.fd)


# --------------------------------------------------------------------------
# The pieces of a run.


def base_env(home):
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
    }


class StandaloneSandbox:
    """`ce-wizard sandbox --port 0`: a platform and OAuth provider on loopback."""

    def __init__(self, binary, home, extra_args=()):
        self.proc = subprocess.Popen(
            [binary, "sandbox", "--port", "0", *extra_args],
            env=base_env(home),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        banner = ""
        end = time.time() + DEADLINE
        while "organization secret" not in banner:
            line = self.proc.stderr.readline()
            if not line or time.time() > end:
                raise RuntimeError(f"the sandbox did not start: {banner}")
            banner += line
        self.base_url = re.search(r"listening on (\S+)", banner).group(1)
        self.user = re.search(r"user secret:\s+(\S+)", banner).group(1)
        self.org = re.search(r"organization secret:\s+(\S+)", banner).group(1)
        # Its request log goes nowhere, without ever blocking it.
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def wizard_env(home, sandbox=None):
    env = base_env(home)
    env["CE_WIZARD_CONFIG"] = os.path.join(home, "ce-wizard.toml")
    if sandbox:
        env["CE_USER_SECRET"] = sandbox.user
        env["CE_ORG_SECRET"] = sandbox.org
    return env


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def footer_drawn(marker_top, marker_bottom):
    """A whole ratatui frame is on screen once its last row (the footer,
    drawn last) shows its last hint and the header names the step."""

    def pred(s):
        return marker_top in s.line(0) and marker_bottom in s.line(s.rows - 1)

    return pred


def first_frame_cases(binary, sandbox, home):
    """(name, argv, env, size, predicate) of every first-frame measurement."""
    cases = []
    wiz_args = ["--callback-port", "0", "--no-browser"]
    cases.append((
        "ce-wizard (secrets set: Element)",
        [binary, "--base-url", sandbox.base_url, *wiz_args],
        wizard_env(home, sandbox),
        (80, 24),
        footer_drawn("Element", "Ctrl-C quit"),
    ))
    cases.append((
        "ce-wizard (first run: Connection)",
        [binary, *wiz_args],
        wizard_env(home),
        (80, 24),
        footer_drawn("Connection", "quit"),
    ))
    cases.append((
        "ce-wizard --sandbox (in-process platform)",
        [binary, "--sandbox", *wiz_args],
        wizard_env(home),
        (80, 24),
        footer_drawn("Element", "Ctrl-C quit"),
    ))
    cases.append((
        "ce-wizard 250x70 (secrets set: Element)",
        [binary, "--base-url", sandbox.base_url, *wiz_args],
        wizard_env(home, sandbox),
        (250, 70),
        footer_drawn("Element", "Ctrl-C quit"),
    ))
    # The floor: what spawning in a pseudo-terminal and reading the screen
    # back costs this harness for a program that does nothing else.
    cases.append((
        "floor: /usr/bin/printf",
        ["/usr/bin/printf", "ready\\n"],
        base_env(home),
        (80, 24),
        lambda s: "ready" in s.text(),
    ))
    rclone = shutil.which("rclone")
    if rclone:
        conf = os.path.join(home, "rclone.conf")
        open(conf, "w").close()
        env = base_env(home)
        env["RCLONE_CONFIG"] = conf
        cases.append((
            "rclone config",
            [rclone, "config"],
            env,
            (80, 24),
            lambda s: "n/s/q>" in s.text(),
        ))
    gh = shutil.which("gh")
    if gh:
        env = base_env(home)
        env["GH_CONFIG_DIR"] = os.path.join(home, "gh")
        env["GH_NO_UPDATE_NOTIFIER"] = "1"
        # Its first prompt's last choice ("GitHub Enterprise Server", or
        # "Other" in newer releases) ends the prompt.
        cases.append((
            "gh auth login",
            [gh, "auth", "login"],
            env,
            (80, 24),
            lambda s: "> GitHub.com" in s.text() and ("Enterprise Server" in s.text() or "Other" in s.text()),
        ))
    return cases


def measure_first_frames(binary, sandbox, home, runs, warmup=3):
    cases = first_frame_cases(binary, sandbox, home)
    results = {name: {"ms": [], "cpu_ms": [], "hwm_kb": [], "threads": []} for name, *_ in cases}
    for i in range(warmup + runs):
        for name, argv, env, (cols, rows), pred in cases:
            p = PtyProgram(argv, env, cols, rows, cwd=home)
            try:
                t = p.wait_until(f"{name}'s first screen", pred)
                try:
                    cpu, st = p.cpu_ms(), p.status()
                except OSError:  # it has already ended (the floor)
                    cpu, st = None, {}
            finally:
                p.kill()
            if i >= warmup:
                r = results[name]
                r["ms"].append((t - p.t_spawn) * 1000)
                r["cpu_ms"].append(cpu)
                r["hwm_kb"].append(st.get("VmHWM"))
                r["threads"].append(st.get("Threads"))
    out = {}
    for name, r in results.items():
        out[name] = {
            "median_ms": median(r["ms"]),
            "p10_ms": quantile(r["ms"], 0.1),
            "p90_ms": quantile(r["ms"], 0.9),
            "min_ms": min(r["ms"]),
            "cpu_median_ms": median(r["cpu_ms"]),
            "runs": len(r["ms"]),
            "rss_at_first_frame_kb": median(r["hwm_kb"]),
            "threads_at_first_frame": median(r["threads"]),
        }
    return out


def bigcommerce_journey(binary, args, env, home):
    """The whole BigCommerce journey by keys; VmHWM read at the Done screen."""
    p = PtyProgram([binary, *args], env, 80, 24, cwd=home)
    try:
        p.wait_for("Choose an element")
        p.type_text("bigc")
        p.wait_until("the filter", lambda s: "bigc" in s.text())
        p.settle()
        p.send("\r")
        p.wait_for("BigCommerce: configuration")
        p.type_text("https://store-abc123.mybigcommerce.com/api/v2/")
        p.send("\r")
        p.type_text("integration")
        p.send("\r")
        p.send("\x1b[200~bc-api-token-123\x1b[201~")
        p.send("\r")
        p.settle()
        p.send("\x13")  # Ctrl-S: done
        p.wait_for("Review: a new BigCommerce instance")
        p.send("\r")
        p.wait_for("Copy it (c) or save it (s) now")
        p.settle()
        st = p.status()
        p.send("q")
        code = p.wait_exit()
        if code != 0:
            raise RuntimeError(f"the wizard exited with {code}")
        return {"peak_rss_kb": st["VmHWM"], "rss_at_done_kb": st["VmRSS"], "threads_at_done": st["Threads"]}
    finally:
        p.kill()


SIGN_IN = re.compile(r"http://127\.0\.0\.1:\d+/provider/oauth/authorize\S*&state=\S+")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def oauth_once(binary, sandbox, home):
    """Infusionsoft by keys up to the sign-in link; then the browser's part
    over HTTP. Returns (callback to Review on screen, callback to the
    browser's result page), in ms."""
    env = wizard_env(home, sandbox)
    args = ["--base-url", sandbox.base_url, "--callback-port", "0", "--no-browser", "--element", "infusionsoftecommerce"]
    p = PtyProgram([binary, *args], env, 300, 30, cwd=home)
    try:
        p.wait_for("Infusionsoft eCommerce: configuration")
        p.type_text("keap-client-id")
        p.send("\r")
        p.type_text("keap-client-secret")
        p.send("\x13")
        p.wait_until("the sign-in link", lambda s: SIGN_IN.search(s.text()))
        p.settle()
        link = SIGN_IN.search(p.screen.text()).group(0)
        plain = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)
        with plain.open(link, timeout=10) as page:
            assert page.status == 200, "the consent page loads"
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
        decision = urllib.parse.urlsplit(link)._replace(
            path="/provider/oauth/decision",
            query=urllib.parse.urlencode({
                "client_id": q["client_id"],
                "redirect_uri": q["redirect_uri"],
                "state": q["state"],
                "decision": "allow",
            }),
        )
        try:
            plain.open(urllib.parse.urlunsplit(decision), timeout=10)
            raise RuntimeError("the provider did not redirect")
        except urllib.error.HTTPError as e:
            if e.code != 302:
                raise
            callback = e.headers["Location"]
        # The browser follows the redirect into the wizard's listener (and
        # on to its result page) while the terminal is watched.
        browser = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        answered = {}

        def follow():
            with browser.open(callback, timeout=10) as r:
                r.read()
                answered["t"] = time.perf_counter()
                answered["status"] = r.status

        t0 = time.perf_counter()
        th = threading.Thread(target=follow)
        th.start()
        t1 = p.wait_for("Review: a new Infusionsoft eCommerce instance")
        th.join(10)
        if answered.get("status") != 200:
            raise RuntimeError(f"the callback page answered {answered.get('status')}")
        return (t1 - t0) * 1000, (answered["t"] - t0) * 1000
    finally:
        p.kill()


def bench_binary(build):
    """The `screens` bench executable (built by `cargo bench --no-run`)."""
    if build:
        out = subprocess.run(
            ["cargo", "bench", "--bench", "screens", "--no-run", "--message-format=json"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
        for line in out.splitlines():
            msg = json.loads(line)
            if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "screens" and msg.get("executable"):
                return msg["executable"]
    deps = os.path.join(ROOT, "target", "release", "deps")
    found = [os.path.join(deps, f) for f in os.listdir(deps) if f.startswith("screens-") and os.access(os.path.join(deps, f), os.X_OK) and "." not in f]
    if not found:
        raise RuntimeError("no screens bench binary: run without --no-build, or `cargo bench --bench screens --no-run`")
    return max(found, key=os.path.getmtime)


def callgrind_ir(argv):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"callgrind failed: {r.stderr[-2000:]}")
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
    raise RuntimeError("no totals in the callgrind output")


def keystroke_instructions(bench, presses):
    cases = subprocess.run([bench, "--keystrokes", "--list"], check=True, capture_output=True, text=True).stdout.splitlines()
    out = {}
    for case in cases:
        for size in ("80x24", "250x70"):
            base = callgrind_ir([bench, "--keystrokes", case, size, "0"])
            full = callgrind_ir([bench, "--keystrokes", case, size, str(presses)])
            out[f"{case} {size}"] = (full - base) / presses
    return out


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        pass
    mem = "?"
    with open("/proc/meminfo") as f:
        mem = f.readline().split(":")[1].strip()
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("rustc") else "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "rustc": rustc,
        "load_average_at_start": os.getloadavg(),
    }


def version_of(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def print_first_frames(ff):
    base = ff["ce-wizard (secrets set: Element)"]["median_ms"]
    for name, r in ff.items():
        ratio = f"  {r['median_ms'] / base:5.1f}x ce-wizard" if name in ("rclone config", "gh auth login") else ""
        line = f"  {name:44} median {r['median_ms']:7.2f} ms  (p10 {r['p10_ms']:6.2f}, p90 {r['p90_ms']:6.2f})"
        # A program that has already ended (the floor) has no RSS to read.
        if r["cpu_median_ms"] is not None:
            line += f"  CPU {r['cpu_median_ms']:6.2f} ms"
        if r["rss_at_first_frame_kb"] is not None:
            line += f"  RSS {r['rss_at_first_frame_kb'] / 1024:5.1f} MiB  threads {r['threads_at_first_frame']:g}"
        print(line + ratio)


def measure_processes(a, parts, binary, report):
    """The parts that run the wizard, beside one standalone sandbox."""
    with tempfile.TemporaryDirectory(prefix="ce-perf-") as home:
        sandbox = StandaloneSandbox(binary, os.path.join(home, "sandbox"))
        try:
            if "first-frame" in parts:
                print(f"\nfirst complete screen, spawn to drawn ({a.runs} runs each, interleaved):")
                report["first_frame"] = measure_first_frames(binary, sandbox, home, a.runs)
                report["versions"] = {"rclone": version_of(["rclone", "version"]), "gh": version_of(["gh", "--version"])}
                print_first_frames(report["first_frame"])
            if "journey" in parts:
                print(f"\npeak RSS over a BigCommerce journey (VmHWM at Done, max of {a.journeys}):")
                report["journey"] = {}
                modes = {
                    "--sandbox (in-process platform)": (["--sandbox", "--callback-port", "0", "--no-browser"], wizard_env(home)),
                    "standalone platform (the wizard alone)": (
                        ["--base-url", sandbox.base_url, "--callback-port", "0", "--no-browser"],
                        wizard_env(home, sandbox),
                    ),
                }
                for mode, (args, env) in modes.items():
                    rs = [bigcommerce_journey(binary, args, env, home) for _ in range(a.journeys)]
                    peak = max(r["peak_rss_kb"] for r in rs)
                    report["journey"][mode] = {"peak_rss_kb": peak, "runs": rs}
                    print(f"  {mode:44} {peak / 1024:5.1f} MiB  (threads at Done: {rs[-1]['threads_at_done']})")
            if "oauth" in parts:
                print(f"\nOAuth (Infusionsoft): browser hits the callback -> ({a.oauth_runs} runs)")
                screen, page = [], []
                for _ in range(a.oauth_runs):
                    s, b = oauth_once(binary, sandbox, home)
                    screen.append(s)
                    page.append(b)

                def stats(xs):
                    return {"median": median(xs), "p10": quantile(xs, 0.1), "p90": quantile(xs, 0.9)}

                report["oauth"] = {
                    "callback_to_review_screen_ms": stats(screen),
                    "callback_to_browser_page_ms": stats(page),
                    "runs": len(screen),
                }
                for label, xs in (("Review screen drawn:     ", screen), ("browser's page answered: ", page)):
                    print(f"  {label} median {median(xs):6.2f} ms  (p10 {quantile(xs, 0.1):.2f}, p90 {quantile(xs, 0.9):.2f})")
        finally:
            sandbox.stop()


def vm_hwm_kb(pid):
    """A running process's peak RSS so far; None once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run_measured(argv, env, out):
    """Runs one command to its end, its stdout into `out`: wall and CPU time
    in ms, its peak RSS in KiB, its exit code and its stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
    # The peak from /proc while it runs (VmHWM starts anew at exec; the
    # rusage's maxrss would count this Python's forked copy).
    peak = [0]

    def watch():
        while True:
            kb = vm_hwm_kb(proc.pid)
            if kb is None:
                return
            peak[0] = max(peak[0], kb)
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    # stderr is read beside the wait: a chatty child must never block on it.
    err = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    watcher.join()
    reader.join()
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return (elapsed * 1000, (usage.ru_utime + usage.ru_stime) * 1000, peak[0], code,
            b"".join(err).decode(errors="replace"))


def instances_list(binary, count, runs):
    """`instances list --json` against a sandbox seeded with `count` instances."""
    with tempfile.TemporaryDirectory(prefix="ce-perf-") as home:
        sandbox = StandaloneSandbox(binary, os.path.join(home, "sandbox"), ["--instances", str(count)])
        try:
            env = wizard_env(home, sandbox)
            env["CE_BASE_URL"] = sandbox.base_url
            times, cpus, peaks = [], [], []
            for _ in range(runs):
                with tempfile.NamedTemporaryFile() as out:
                    elapsed, cpu, peak, code, err = run_measured([binary, "instances", "list", "--json"], env, out)
                    if code != 0:
                        raise RuntimeError(f"instances list failed ({code}): {err}")
                    # Parsed elsewhere, so this process stays small.
                    listed = int(subprocess.run(
                        [sys.executable, "-c", "import json,sys; print(len(json.load(open(sys.argv[1]))))", out.name],
                        check=True, capture_output=True, text=True).stdout)
                    if listed != count:
                        raise RuntimeError(f"listed {listed} instances, expected {count}")
                peaks.append(peak)
                times.append(elapsed)
                cpus.append(cpu)
            return {"instances": count, "runs": runs, "wall_ms": {"median": median(times), "max": max(times)},
                    "cpu_ms": {"median": median(cpus)}, "peak_rss_kb": max(peaks)}
        finally:
            sandbox.stop()


def json_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_all(binary, count, latency_ms, jobs=None):
    """`instances test --all --json` over a sandbox of `count` instances whose
    every answer takes `latency_ms` more: wall time, peak RSS, the statuses."""
    with tempfile.TemporaryDirectory(prefix="ce-perf-") as home:
        sandbox = StandaloneSandbox(binary, os.path.join(home, "sandbox"),
                                    ["--instances", str(count), "--latency", str(latency_ms)])
        try:
            env = wizard_env(home, sandbox)
            env["CE_BASE_URL"] = sandbox.base_url
            argv = [binary, "instances", "test", "--all", "--json"] + (["--jobs", str(jobs)] if jobs else [])
            with tempfile.NamedTemporaryFile() as out:
                elapsed, cpu, peak, code, err = run_measured(argv, env, out)
                # 5: some of the seeded instances are invalid or disabled.
                if code not in (0, 5):
                    raise RuntimeError(f"instances test --all failed ({code}): {err}")
                rows = json_lines(out.name)
            if len(rows) != count:
                raise RuntimeError(f"{len(rows)} instances reported, expected {count}")
            statuses = {}
            for row in rows:
                statuses[row["status"]] = statuses.get(row["status"], 0) + 1
            return {"instances": count, "latency_ms": latency_ms, "jobs": jobs or "default",
                    "wall_ms": elapsed, "cpu_ms": cpu, "peak_rss_kb": peak, "statuses": statuses}
        finally:
            sandbox.stop()


def batch_create(binary, rows, latency_ms, verify):
    """`create --batch` of `rows` Ecwid instances (no sign-in) against a
    sandbox whose every answer takes `latency_ms` more."""
    with tempfile.TemporaryDirectory(prefix="ce-perf-") as home:
        sandbox = StandaloneSandbox(binary, os.path.join(home, "sandbox"), ["--latency", str(latency_ms)])
        try:
            env = wizard_env(home, sandbox)
            env["CE_BASE_URL"] = sandbox.base_url
            batch = os.path.join(home, "batch.jsonl")
            with open(batch, "w") as f:
                for i in range(rows):
                    f.write(json.dumps({
                        "element": {"key": "ecwid"},
                        "name": f"perf-store-{i}",
                        "configuration": {"ecwid.store.id": str(1000 + i), "ecwid.order.key": f"o{i}",
                                          "ecwid.product.key": f"p{i}"},
                    }) + "\n")
            argv = [binary, "create", "--batch", batch] + ([] if verify else ["--no-verify"])
            with tempfile.NamedTemporaryFile() as out:
                elapsed, cpu, peak, code, err = run_measured(argv, env, out)
                if code != 0:
                    raise RuntimeError(f"create --batch failed ({code}): {err}")
                made = [r for r in json_lines(out.name) if r.get("status") == "created"]
            if len(made) != rows:
                raise RuntimeError(f"{len(made)} rows created, expected {rows}")
            return {"rows": rows, "latency_ms": latency_ms, "verified": verify,
                    "wall_ms": elapsed, "cpu_ms": cpu, "peak_rss_kb": peak}
        finally:
            sandbox.stop()


def instances_view(binary, count):
    """The Instances view listing `count` instances; VmHWM after a filter."""
    with tempfile.TemporaryDirectory(prefix="ce-perf-") as home:
        sandbox = StandaloneSandbox(binary, os.path.join(home, "sandbox"), ["--instances", str(count)])
        try:
            env = wizard_env(home, sandbox)
            env["CE_BASE_URL"] = sandbox.base_url
            start = time.perf_counter()
            p = PtyProgram([binary, "instances"], env, 120, 40, cwd=home)
            try:
                p.wait_until("the first page", lambda s: "store 00001" in s.text())
                first = (time.perf_counter() - start) * 1000
                p.wait_until("every page", lambda s: f"{count} instances" in s.text() and "loading" not in s.text())
                whole = (time.perf_counter() - start) * 1000
                p.type_text("store 0999")
                p.wait_until("the filter", lambda s: "store 0999" in s.text() and " of " in s.text())
                p.settle()
                st = p.status()
                p.send("\x1b")
                p.settle()
                p.send("\x1b")
                p.wait_exit()
                return {"instances": count, "first_page_ms": first, "all_listed_ms": whole,
                        "peak_rss_kb": st["VmHWM"], "rss_kb": st["VmRSS"]}
            finally:
                p.kill()
        finally:
            sandbox.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "ce-wizard"), help="the binary to measure")
    ap.add_argument("--no-build", action="store_true", help="measure the binaries as they are")
    ap.add_argument("--runs", type=int, default=50, help="first-frame runs per program (default 50)")
    ap.add_argument("--oauth-runs", type=int, default=15, help="OAuth callback runs (default 15)")
    ap.add_argument("--journeys", type=int, default=3, help="BigCommerce journeys per mode (default 3)")
    ap.add_argument("--instances", type=int, default=10000, help="instances listed by the instances part (default 10000)")
    ap.add_argument("--list-runs", type=int, default=5, help="instances list runs (default 5)")
    ap.add_argument("--only", default="size,first-frame,journey,oauth,instances",
                    help="comma-separated parts: size, first-frame, journey, oauth, instances, instances-view, "
                         "keystrokes, fleet (checking 1,000 instances at 50 ms a call, and 10,000 for memory), "
                         "batch (200 creates at 50 ms a call)")
    ap.add_argument("--bench-bin", help="the `screens` bench binary, for keystrokes")
    ap.add_argument("--presses", type=int, default=200, help="keystrokes counted per case (default 200)")
    ap.add_argument("--json", help="also write the figures to this file")
    a = ap.parse_args()
    parts = set(a.only.split(","))
    unknown = parts - {"size", "first-frame", "journey", "oauth", "instances", "instances-view", "keystrokes",
                       "fleet", "batch"}
    if unknown:
        ap.error(f"unknown parts: {', '.join(sorted(unknown))}")

    binary = os.path.abspath(a.bin)
    wizard_parts = parts & {"size", "first-frame", "journey", "oauth", "instances", "instances-view", "fleet", "batch"}
    if wizard_parts and not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--bin", "ce-wizard"], cwd=ROOT, check=True)
    report = {"machine": machine(), "binary": binary}
    print(f"machine: {report['machine']['cpu']}, {report['machine']['cores']} cores, "
          f"load {', '.join(f'{x:.2f}' for x in report['machine']['load_average_at_start'])}")

    if "size" in parts:
        size = os.path.getsize(binary)
        report["size"] = {"ce-wizard": size}
        print(f"\nrelease binary: {size / 1e6:.2f} MB ({size / 2**20:.2f} MiB)")
        for tool in ("rclone", "gh"):
            path = shutil.which(tool)
            if path:
                report["size"][tool] = os.path.getsize(os.path.realpath(path))
                print(f"  {tool}: {report['size'][tool] / 1e6:.1f} MB")

    if "keystrokes" in parts:
        bench = a.bench_bin or bench_binary(not a.no_build)
        print(f"\ninstructions per keystroke, update + whole frame (callgrind, {a.presses} presses):")
        report["keystroke_instructions"] = keystroke_instructions(bench, a.presses)
        for name, ir in report["keystroke_instructions"].items():
            print(f"  {name:56} {ir / 1e3:8.1f} k")

    if parts & {"first-frame", "journey", "oauth"}:
        measure_processes(a, parts, binary, report)

    if "instances" in parts:
        print(f"\n`instances list --json` of {a.instances} from a standalone sandbox ({a.list_runs} runs):")
        report["instances_list"] = r = instances_list(binary, a.instances, a.list_runs)
        print(f"  wall time, spawn to exit: median {r['wall_ms']['median']:7.1f} ms  (max {r['wall_ms']['max']:.1f})")
        print(f"  CPU time of the list:     median {r['cpu_ms']['median']:7.1f} ms  (load-proof)")
        print(f"  peak RSS:                 {r['peak_rss_kb'] / 1024:7.1f} MiB")

    if "instances-view" in parts:
        print(f"\nthe Instances view listing {a.instances} from a standalone sandbox:")
        report["instances_view"] = r = instances_view(binary, a.instances)
        print(f"  spawn to the first page on screen: {r['first_page_ms']:7.1f} ms")
        print(f"  spawn to every page listed:        {r['all_listed_ms']:7.1f} ms")
        print(f"  peak RSS (listed, filtered):       {r['peak_rss_kb'] / 1024:7.1f} MiB")

    if "fleet" in parts:
        print("\n`instances test --all --json` from a standalone sandbox:")
        report["fleet"] = []
        for count, latency in ((1000, 50), (10000, 0)):
            r = check_all(binary, count, latency)
            report["fleet"].append(r)
            print(f"  {count:6} instances, {latency:3} ms a call: {r['wall_ms'] / 1000:6.2f} s, "
                  f"CPU {r['cpu_ms'] / 1000:5.2f} s, peak RSS {r['peak_rss_kb'] / 1024:5.1f} MiB, {r['statuses']}")

    if "batch" in parts:
        print("\n`create --batch` of 200 Ecwid rows, 50 ms a call, from a standalone sandbox:")
        report["batch"] = []
        for verify in (False, True):
            r = batch_create(binary, 200, 50, verify)
            report["batch"].append(r)
            what = "each checked after" if verify else "--no-verify"
            print(f"  {what:20} {r['wall_ms'] / 1000:6.2f} s, CPU {r['cpu_ms'] / 1000:5.2f} s, "
                  f"peak RSS {r['peak_rss_kb'] / 1024:5.1f} MiB")

    report["machine"]["load_average_at_end"] = os.getloadavg()
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in report['machine']['load_average_at_end'])}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=2)
        print(f"written to {a.json}")


if __name__ == "__main__":
    main()
