//! The binary: process hardening, then the command line with the
//! full-screen wizard as its front end.

fn main() {
    ce_wizard::harden::process();
    std::process::exit(ce_wizard::cli::main(&ce_wizard::tui::launch::Wizard));
}

/// The C library's `pow`, defined here so the binary needs no libm.
///
/// The only call into libm was `f64::powf` in tokio's scheduler (each
/// worker's running average of a task's poll time). Loading libm.so for
/// it cost about 0.3 MiB of RSS at the first frame: its code and tables
/// mapped, and its relocations run at start (docs/performance.md, "RSS at
/// the first frame"). With `pow` defined in the program the linker
/// resolves the call here and, linking with `--as-needed`, leaves libm
/// out. `libm` is the Rust port of musl's, exact to the same ulp.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[no_mangle]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    #[test]
    fn pow_answers_as_the_c_library_does() {
        assert_eq!(super::pow(2.0, 10.0), 1024.0);
        assert!((super::pow(0.9, 2.0) - 0.81).abs() < 1e-15);
        assert_eq!(super::pow(4.0, 0.5), 2.0);
        assert_eq!(super::pow(f64::NAN, 0.0), 1.0);
        assert!(super::pow(-8.0, 1.0 / 3.0).is_nan());
        assert_eq!(super::pow(0.0, -1.0), f64::INFINITY);
        let ewma = 1.0 - super::pow(1.0 - 0.1, 3.0);
        assert!((ewma - 0.271).abs() < 1e-15, "{ewma}");
    }
}
