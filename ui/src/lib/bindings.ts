// Generated from the Rust types in src-tauri/bridge.rs and src-tauri/error.rs.
// Do not edit: run `make bindings` (a test fails when this file is stale).

export type AppInfo = { name: string, version: string, 
/**
 * Operating system and CPU, e.g. `linux x86_64`.
 */
platform: string, 
/**
 * Where settings and connections are kept (secrets never are: they go to the keychain).
 */
configDir: string, 
/**
 * Where history and saved requests are kept.
 */
dataDir: string, };

export type UiError = { "kind": "Storage", message: string, path: string | null, };
