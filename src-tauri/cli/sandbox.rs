//! `lakegate sandbox`: the sandbox workspace as a standalone server.

use std::process::ExitCode;

use super::{runtime, wait_for_shutdown, SandboxArgs};
use crate::sandbox::{Sandbox, SandboxConfig};

pub fn run(args: SandboxArgs) -> ExitCode {
    use std::io::Write;
    use std::time::Duration;

    if args.recordings {
        let playable = crate::doctor::record::titles()
            .into_iter()
            .filter(|(id, _)| crate::sandbox::can_replay(id));
        for (id, title) in playable {
            println!("{id}\t{title}");
        }
        return ExitCode::SUCCESS;
    }
    let config = SandboxConfig {
        port: args.port,
        auto_approve: args.auto_approve,
        token_ttl: Duration::from_secs(args.token_ttl),
        dir: args.dir,
        proxy_timeout: Duration::from_secs(args.proxy_timeout),
        stream_limit: Duration::from_secs(args.stream_limit),
        missing_scope_status: args.missing_scope_status,
        rs256: args.rs256,
        no_refresh_tokens: args.no_refresh_tokens,
        hold_service_principals_to_scopes: args.hold_service_principals_to_scopes,
        unavailable_status: args.unavailable_status,
        crashed_status: args.unavailable_status,
        no_can_use_status: args.no_can_use_status,
        refuse_unknown_scopes: args.refuse_unknown_scopes,
        ..SandboxConfig::default()
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    rt.block_on(async move {
        let sandbox = match Sandbox::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("lakegate sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = sandbox.replay(args.replay.as_deref()) {
            eprintln!("lakegate sandbox: --replay: {e}");
            sandbox.stop().await;
            return ExitCode::from(2);
        }
        let line = match serde_json::to_string(&sandbox.info) {
            Ok(line) => line,
            Err(e) => {
                eprintln!("lakegate sandbox: could not write the ready line: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            return ExitCode::FAILURE;
        }
        drop(out);
        eprintln!(
            "lakegate sandbox: serving {} (CA: {}); Ctrl+C stops it",
            sandbox.info.host,
            sandbox.info.ca_file.display()
        );
        let why = wait_for_shutdown().await;
        eprintln!("lakegate sandbox: stopping on {why}");
        sandbox.stop().await;
        ExitCode::SUCCESS
    })
}
