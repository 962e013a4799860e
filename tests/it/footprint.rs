//! What the built binary costs before it does anything: the shared
//! libraries the loader maps for it (docs/performance.md, "RSS at the first
//! frame").

use std::process::Command;

/// libm.so was loaded for one `pow` in tokio's scheduler and cost about
/// 0.3 MiB of RSS at the first frame; the binary defines `pow` itself
/// (src/main.rs), so the linker leaves libm out.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_loads_no_libm() {
    // The loader lists the libraries it would map, and runs nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_ce-wizard"))
        .env("LD_TRACE_LOADED_OBJECTS", "1")
        .output()
        .expect("the binary starts");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("libc.so"), "no library listing: {listed}");
    assert!(
        !listed.contains("libm.so"),
        "the binary loads libm again: a new call into it (nm -D --undefined-only \
         target/release/ce-wizard names it) costs its RSS at every start:\n{listed}"
    );
}
