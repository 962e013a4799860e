//! `instance.json` as `create --from` reads it: any bytes a wrong file can
//! hold. It must never panic, and a refusal must never quote the file's
//! values (they can be passwords).
#![no_main]

use ce_wizard::cli::parse_instance_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = parse_instance_json(text, "instance.json") {
        assert!(!e.0.is_empty());
    }
});
