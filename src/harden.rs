//! Process hardening done first thing at start.
//!
//! The process holds the account secrets in its memory and environment.
//! On Linux it is made non-dumpable, so another process of the same user
//! cannot read `/proc/PID/environ` or `mem` or attach a debugger, and the
//! core-file limit is set to zero, so a crash leaves no core holding them.

/// Applies the hardening this system supports; failures are ignored (the
/// run goes on without it rather than not at all).
pub fn process() {
    #[cfg(target_os = "linux")]
    linux::apply();
}

#[cfg(target_os = "linux")]
mod linux {
    pub fn apply() {
        // SAFETY: plain system calls on this process, with constant
        // arguments and a valid pointer to a local struct.
        unsafe {
            libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
    }
}
