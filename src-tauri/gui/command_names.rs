// The commands the UI may call. Read by build.rs (to generate their permissions), by
// the invoke handler's test and by the policy test; capabilities/main.json grants them.
pub const COMMANDS: &[&str] = &["app_info"];
