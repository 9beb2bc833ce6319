//! Any text typed as a workspace address: normalised to an https origin or refused.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(url) = lakegate::oauth::normalize_host(text) {
        assert_eq!(url.scheme(), "https");
        assert_eq!(url.path(), "/");
        assert_eq!(
            lakegate::oauth::normalize_host(url.as_str()).ok(),
            Some(url)
        );
    }
});
