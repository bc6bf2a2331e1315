//! Logging to stderr only: in stdio mode stdout belongs to the MCP protocol.

use tracing_subscriber::EnvFilter;

/// `RUST_LOG` wins; else `DEBUG=true` turns on debug for this host, else warnings only.
pub fn init(debug: bool) {
    let default = if debug { "mcp_aws_sso=debug,info" } else { "warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
