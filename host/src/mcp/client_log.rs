//! MCP `logging`: the host's log events, at or above the level a client asked for with
//! `logging/setLevel`, go to that client as `notifications/message`.
//!
//! A `tracing` layer sees every event of this crate (plugin log lines included, since the host
//! logs them on the plugin's behalf). An event about one call carries a `session` field and goes
//! to that session only: over HTTP several clients share the host, and one must not read what
//! another one's calls log. Events without it (host-wide news) go to every subscribed session.
//! Events of other crates are never forwarded: rmcp logs about sending notifications, which would
//! loop.
#![allow(deprecated)] // MCP logging is deprecated from protocol 2026-07-28; older clients use it.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use rmcp::model::{LoggingLevel, LoggingMessageNotificationParam};
use rmcp::{Peer, RoleServer};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// One session's subscription, owned by that session's server handler; the hub only keeps a
/// weak reference, so a closed session drops out by itself.
pub struct SessionLog {
    id: u64,
    peer: Peer<RoleServer>,
    level: Mutex<LoggingLevel>,
}

impl SessionLog {
    pub fn set_level(&self, level: LoggingLevel) {
        *self.level.lock().unwrap_or_else(|p| p.into_inner()) = level;
    }
}

/// The sessions that asked for log messages.
#[derive(Default)]
pub struct ClientLogHub {
    sessions: Mutex<Vec<Weak<SessionLog>>>,
}

static HUB: OnceLock<ClientLogHub> = OnceLock::new();

/// Registers a session that sent `logging/setLevel`.
pub fn subscribe(id: u64, peer: Peer<RoleServer>, level: LoggingLevel) -> Arc<SessionLog> {
    let session = Arc::new(SessionLog {
        id,
        peer,
        level: Mutex::new(level),
    });
    let hub = HUB.get_or_init(ClientLogHub::default);
    let mut sessions = hub.sessions.lock().unwrap_or_else(|p| p.into_inner());
    sessions.retain(|s| s.strong_count() > 0);
    sessions.push(Arc::downgrade(&session));
    session
}

impl ClientLogHub {
    fn publish(&self, level: LoggingLevel, logger: &str, message: &str, only_session: Option<u64>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let sessions: Vec<Arc<SessionLog>> = {
            let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
            sessions.retain(|s| s.strong_count() > 0);
            sessions.iter().filter_map(Weak::upgrade).collect()
        };
        for session in sessions {
            let wanted = *session.level.lock().unwrap_or_else(|p| p.into_inner());
            let addressed = only_session.is_none_or(|id| id == session.id);
            if !addressed || rank(level) < rank(wanted) || session.peer.is_transport_closed() {
                continue;
            }
            let param = LoggingMessageNotificationParam::new(level, serde_json::Value::String(message.to_string()))
                .with_logger(logger.to_string());
            let peer = session.peer.clone();
            runtime.spawn(async move {
                let _ = peer.notify_logging_message(param).await;
            });
        }
    }
}

fn rank(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}

/// The layer installed next to the stderr formatter.
pub struct ClientLogLayer;

impl<S: Subscriber> Layer<S> for ClientLogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        if !meta.target().starts_with("mcp_aws_sso") {
            return;
        }
        let Some(hub) = HUB.get() else { return };
        let level = match *meta.level() {
            Level::ERROR => LoggingLevel::Error,
            Level::WARN => LoggingLevel::Warning,
            Level::INFO => LoggingLevel::Info,
            _ => LoggingLevel::Debug,
        };
        let mut text = MessageText::default();
        event.record(&mut text);
        let logger = text.plugin.unwrap_or_else(|| "mcp-aws-sso".to_string());
        hub.publish(level, &logger, &text.message, text.session);
    }
}

#[derive(Default)]
struct MessageText {
    message: String,
    plugin: Option<String>,
    session: Option<u64>,
}

impl Visit for MessageText {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "session" {
            self.session = Some(value);
        } else {
            let _ = write!(self.message, " {}={value}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "plugin" => self.plugin = Some(format!("plugin:{value}")),
            "message" => self.message.push_str(value),
            name => {
                let _ = write!(self.message, " {name}={value}");
            }
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.message, " {}={value:?}", field.name());
        }
    }
}
