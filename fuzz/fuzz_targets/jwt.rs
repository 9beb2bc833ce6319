//! Any text pasted as a token: the reader answers or explains, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(jwt) = lakegate::oauth::jwt::decode_unverified(text) {
            let _ = (jwt.scopes(), jwt.subject(), jwt.client(), jwt.expires_at());
        }
    }
});
