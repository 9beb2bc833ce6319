//! `.databrickscfg` as anyone may have written it: parsing never panics, and appending a
//! profile keeps every existing byte.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cfg = lakegate::profiles::parse(text);
    let _ = cfg.default_profile();
    for section in cfg.profiles() {
        let _ = lakegate::connections::registry::from_profile(section);
    }
    if let Ok(out) =
        lakegate::profiles::append_profile(text, "fuzzed", &[("host", "https://h")], "cfg")
    {
        assert!(out.starts_with(text));
        assert!(lakegate::profiles::parse(&out).section("fuzzed").is_some());
    }
});
