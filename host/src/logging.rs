//! Logging to stderr only: in stdio mode stdout belongs to the MCP protocol. The same events also
//! reach MCP clients that asked for them (`logging/setLevel`), through [`ClientLogLayer`].

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, filter};

use crate::mcp::client_log::ClientLogLayer;

/// `RUST_LOG` wins; else `DEBUG=true` turns on debug for this host, else warnings only. The
/// client layer has its own filter: a client may ask for debug messages while stderr stays quiet.
/// An empty `RUST_LOG` (`RUST_LOG= cmd`, a client config's `""`) counts as unset: read as a filter
/// it would hide the warnings, such as a plugin skipped at start-up.
pub fn init(debug: bool) {
    let default = if debug { "mcp_aws_sso=debug,info" } else { "warn" };
    let stderr_filter = std::env::var(EnvFilter::DEFAULT_ENV)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .and_then(|value| EnvFilter::try_new(value).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr()) && crate::cli::terminal_markdown::color_allowed(),
        )
        .with_target(false)
        .with_filter(stderr_filter);
    let clients = ClientLogLayer.with_filter(filter::Targets::new().with_target("mcp_aws_sso", tracing::Level::DEBUG));
    let _ = tracing_subscriber::registry().with(stderr).with(clients).try_init();
}
