//! Any bytes served as an app's /openapi.json: operations or a clear error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lakegate::workspace::openapi::parse(data);
});
