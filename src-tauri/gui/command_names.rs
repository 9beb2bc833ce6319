// The commands the UI may call. Read by build.rs (to generate their permissions), by
// the invoke handler's test and by the policy test; capabilities/main.json grants them.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "connections_overview",
    "start_sandbox",
    "begin_sign_in",
    "finish_sign_in",
    "cancel_sign_in",
    "sign_out",
    "add_connection",
    "remove_connection",
    "inspect_token",
    "copy_token",
    "use_memory_secrets",
    "list_apps",
    "discover_endpoints",
    "send_request",
    "cancel_request",
    "snippets",
    "history",
    "save_request",
    "saved_requests",
];
