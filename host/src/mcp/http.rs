//! MCP over streamable HTTP at `/mcp`, safe by default: it binds 127.0.0.1 unless told
//! otherwise, validates `Host` and `Origin` (a web page on another origin must not reach a
//! server holding AWS credentials through DNS rebinding), and can require a bearer token.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::serve::ListenerExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use super::McpServer;
use super::bearer_auth;
use super::http_limits::{self, Gate, HttpLimits};
use super::local_origin::{self, LocalOnly};
use super::memory_release;
use crate::app::App;

/// Where and how to listen, after flags and configuration are merged.
pub struct HttpOptions {
    pub host: String,
    pub port: u16,
    pub token: Option<mcp_aws_sso_config::Secret<String>>,
    pub limits: HttpLimits,
}

pub async fn serve(app: Arc<App>, options: HttpOptions) -> ExitCode {
    let ip: IpAddr = match options.host.parse() {
        Ok(ip) => ip,
        Err(_) => match tokio::net::lookup_host((options.host.as_str(), options.port))
            .await
            .ok()
            .and_then(|mut a| a.next())
        {
            Some(addr) => addr.ip(),
            None => {
                eprintln!("error: cannot resolve the HTTP bind address `{}`", options.host);
                return ExitCode::from(crate::cli::EXIT_USAGE);
            }
        },
    };
    let address = SocketAddr::new(ip, options.port);
    if !ip.is_loopback() {
        // The MCP clients (and their users) may be on other machines: a browser opened here is
        // not theirs, and its redirect could not reach them.
        app.auth.serve_remote_clients();
    }
    if !ip.is_loopback() && options.token.is_none() {
        tracing::warn!(
            "SERVING MCP ON {address} WITHOUT A TOKEN: anyone who can reach this address can use your AWS access. \
             Set MCP_AWS_SSO_HTTP_TOKEN (or --token-file), or bind 127.0.0.1."
        );
        eprintln!(
            "WARNING: serving MCP on {address} without a bearer token; anyone who can reach it can use your AWS access. \
             Set MCP_AWS_SSO_HTTP_TOKEN or bind 127.0.0.1."
        );
    }

    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e}. Is another server using the port? Set PORT or --port.");
            return ExitCode::FAILURE;
        }
    };
    let bound = listener.local_addr().unwrap_or(address);
    // An answer goes out as several small SSE writes (priming event, then the message); with
    // Nagle's algorithm on, the second waits for the client's delayed ACK, ~40 ms a request.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY on an HTTP connection: {e}");
        }
    });

    let shutdown = CancellationToken::new();
    // The bound port, not the requested one: with `--port 0` the OS picks it, and the server's
    // own origin (`http://127.0.0.1:<port>`) must still be accepted.
    let rules = Arc::new(LocalOnly::new(ip, bound.port()));
    let gate = Gate::new(options.limits);
    tokio::spawn(memory_release::release_after_sessions_end(gate.clone()));
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.keep_alive = Some(gate.limits().session_idle);
    let mcp = StreamableHttpService::new(
        {
            let app = app.clone();
            let gate = gate.clone();
            // `http_limits::enforce` refuses an initialize past the cap with a clear answer
            // first; this only catches two initializes racing for the last place.
            move || match gate.session_slot() {
                Ok(slot) => Ok(McpServer::new(app.clone()).holding(slot)),
                Err(cap) => Err(std::io::Error::other(format!(
                    "too many MCP sessions: limit {}={} ({})",
                    cap.key, cap.value, cap.source
                ))),
            }
        },
        Arc::new(sessions),
        rmcp_config(&rules, shutdown.clone()),
    );
    let token: bearer_auth::ExpectedToken = options.token.map(Arc::new);
    // The last layer runs first: a foreign page is refused before it learns a token is needed.
    let router = Router::new()
        .nest_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(gate, http_limits::enforce))
        .layer(middleware::from_fn_with_state(token, bearer_auth::require_bearer_token))
        .layer(middleware::from_fn_with_state(rules, local_origin::refuse_foreign));

    // Tests and scripts read this line to find the port when they ask for port 0.
    eprintln!("mcp-aws-sso: serving MCP (streamable HTTP) at http://{bound}/mcp");
    tracing::info!("serving MCP over HTTP at http://{bound}/mcp");

    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_shutdown_signal().await;
        tracing::info!("shutting down the HTTP server");
        on_signal.cancel();
    });
    let result = axum::serve(listener, router)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the HTTP server stopped: {e}");
            ExitCode::FAILURE
        }
    }
}

/// rmcp's transport settings, with the Host and Origin lists of [`LocalOnly`].
fn rmcp_config(rules: &LocalOnly, shutdown: CancellationToken) -> StreamableHttpServerConfig {
    let config = StreamableHttpServerConfig::default()
        .with_cancellation_token(shutdown)
        .with_sse_keep_alive(Some(Duration::from_secs(15)))
        .with_allowed_origins(rules.allowed_origins())
        .enforce_origin_validation();
    match rules.allowed_hosts() {
        Some(hosts) => config.with_allowed_hosts(hosts),
        None => config.disable_allowed_hosts(),
    }
}

async fn wait_for_shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
