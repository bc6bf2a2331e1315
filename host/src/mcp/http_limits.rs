//! The HTTP transport's caps, so that many clients (or one hostile one) cannot exhaust the
//! machine: concurrent sessions, tool calls running at once (per session and in total), request
//! body size, and idle session lifetime.
//!
//! Refusals are immediate (no queueing) and say which limit was hit, twice: in the HTTP status
//! (413 body too large, 429 too many calls, 503 too many sessions) and in a JSON-RPC error whose
//! `data.limit` names the configuration key, its value and where that value came from.
//!
//! A call's slot is held by the request (so the tool handler keeps it until it returns, and the
//! host-enforced call timeout bounds that) and by the response stream, whichever ends last. A
//! session's slot is held by its `McpServer`, which rmcp drops when the session closes or its
//! idle lifetime runs out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use mcp_aws_sso_config::{Config, keys};
use serde_json::{Value, json};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// JSON-RPC error code of every refusal by a cap (implementation-defined server error range).
pub const LIMIT_ERROR_CODE: i64 = -32029;

/// One configured cap: its key, value and where the value came from.
#[derive(Debug, Clone)]
pub struct Cap {
    pub key: &'static str,
    pub value: usize,
    pub source: String,
}

impl Cap {
    fn from_config(config: &Config, key: &'static str, value: usize) -> Self {
        let source = config
            .provenance
            .get(key)
            .map_or_else(|| "the built-in default".to_owned(), ToString::to_string);
        Cap { key, value, source }
    }
}

/// The caps of one HTTP server.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    pub max_sessions: Cap,
    pub max_calls: Cap,
    pub max_calls_per_session: Cap,
    pub max_body: Cap,
    pub session_idle: Duration,
}

impl HttpLimits {
    pub fn from_config(config: &Config) -> Self {
        let http = &config.http;
        HttpLimits {
            max_sessions: Cap::from_config(config, keys::MCP_AWS_SSO_HTTP_MAX_SESSIONS, http.max_sessions),
            max_calls: Cap::from_config(config, keys::MCP_AWS_SSO_HTTP_MAX_CALLS, http.max_calls),
            max_calls_per_session: Cap::from_config(
                config,
                keys::MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION,
                http.max_calls_per_session,
            ),
            max_body: Cap::from_config(config, keys::MCP_AWS_SSO_HTTP_MAX_BODY, http.max_body),
            session_idle: http.session_idle,
        }
    }
}

/// The live counts behind the caps.
pub struct Gate {
    limits: HttpLimits,
    sessions: Arc<Semaphore>,
    calls: Mutex<CallCounts>,
    /// Sessions ended so far (closed, expired or refused after their slot was taken).
    sessions_ended: AtomicU64,
}

/// A session's place under the cap, held by its `McpServer` and given back when rmcp drops it.
pub struct SessionSlot {
    _permit: OwnedSemaphorePermit,
    gate: Arc<Gate>,
}

impl Drop for SessionSlot {
    fn drop(&mut self) {
        self.gate.sessions_ended.fetch_add(1, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct CallCounts {
    total: usize,
    /// Only sessions with calls running: an entry goes when its count reaches zero.
    per_session: HashMap<String, usize>,
}

/// Tool-call slots taken by one request, given back on drop.
struct CallSlots {
    gate: Arc<Gate>,
    session: String,
    count: usize,
}

impl Drop for CallSlots {
    fn drop(&mut self) {
        let mut counts = self.gate.calls.lock().unwrap_or_else(|e| e.into_inner());
        counts.total -= self.count;
        if let Some(n) = counts.per_session.get_mut(&self.session) {
            *n -= self.count;
            if *n == 0 {
                counts.per_session.remove(&self.session);
            }
        }
    }
}

/// Held in the request's extensions, so the tool handler (which rmcp gives the request parts)
/// keeps the slots until it returns.
#[derive(Clone)]
pub struct CallSlotsHeld(#[allow(dead_code)] Arc<CallSlots>);

impl Gate {
    pub fn new(limits: HttpLimits) -> Arc<Self> {
        Arc::new(Gate {
            sessions: Arc::new(Semaphore::new(limits.max_sessions.value)),
            limits,
            calls: Mutex::new(CallCounts::default()),
            sessions_ended: AtomicU64::new(0),
        })
    }

    pub fn limits(&self) -> &HttpLimits {
        &self.limits
    }

    /// A place for a new session, or the cap that refuses it.
    pub fn session_slot(self: &Arc<Self>) -> Result<SessionSlot, &Cap> {
        match self.sessions.clone().try_acquire_owned() {
            Ok(permit) => Ok(SessionSlot {
                _permit: permit,
                gate: self.clone(),
            }),
            Err(_) => Err(&self.limits.max_sessions),
        }
    }

    /// How many sessions have ended since the server started.
    pub fn sessions_ended(&self) -> u64 {
        self.sessions_ended.load(Ordering::Relaxed)
    }

    /// Tool calls running now, over all sessions.
    pub fn calls_running(&self) -> usize {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).total
    }

    fn take_calls(self: &Arc<Self>, session: &str, count: usize) -> Result<CallSlots, &Cap> {
        let mut counts = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        if counts.total + count > self.limits.max_calls.value {
            return Err(&self.limits.max_calls);
        }
        let in_session = counts.per_session.get(session).copied().unwrap_or(0);
        if in_session + count > self.limits.max_calls_per_session.value {
            return Err(&self.limits.max_calls_per_session);
        }
        counts.total += count;
        *counts.per_session.entry(session.to_owned()).or_insert(0) += count;
        Ok(CallSlots {
            gate: self.clone(),
            session: session.to_owned(),
            count,
        })
    }
}

/// The middleware in front of `/mcp`.
pub async fn enforce(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let max_body = &gate.limits.max_body;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body.value as u64) {
        return refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            max_body,
            "the request body is too large",
            Value::Null,
        );
    }
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    // A chunked body has no Content-Length: read at most the cap, then stop.
    let bytes = match axum::body::to_bytes(body, max_body.value).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                max_body,
                "the request body is too large",
                Value::Null,
            );
        }
    };
    // Not JSON: rmcp answers that with its own error.
    let message: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let session = parts
        .headers
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);

    if session.is_none() && methods(&message).any(|m| m == "initialize") && gate.sessions.available_permits() == 0 {
        return refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            &gate.limits.max_sessions,
            "too many MCP sessions are open; close one (HTTP DELETE) or wait for idle ones to expire",
            request_id(&message),
        );
    }

    let calls = methods(&message).filter(|m| *m == "tools/call").count();
    let slots = if calls > 0 {
        match gate.take_calls(session.as_deref().unwrap_or(""), calls) {
            Ok(slots) => Some(CallSlotsHeld(Arc::new(slots))),
            Err(cap) => {
                return refusal(
                    StatusCode::TOO_MANY_REQUESTS,
                    cap,
                    "too many tool calls are running; retry when one has finished",
                    request_id(&message),
                );
            }
        }
    } else {
        None
    };
    if let Some(slots) = &slots {
        parts.extensions.insert(slots.clone());
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    match slots {
        None => response,
        Some(slots) => {
            // An answer is an SSE stream that outlives this function: it keeps the slots too,
            // and gives them back before it reports its end, so a client that sends its next
            // call as soon as it has read this answer finds its slot free.
            let (parts, body) = response.into_parts();
            let mut inner = body.into_data_stream();
            let mut slots = Some(slots);
            let stream = futures::stream::poll_fn(move |cx| {
                let next = inner.poll_next_unpin(cx);
                if let Poll::Ready(None) = next {
                    slots.take();
                }
                next
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
    }
}

/// The methods of a JSON-RPC message or batch.
fn methods(message: &Value) -> impl Iterator<Item = &str> {
    let all: Vec<&Value> = match message {
        Value::Array(batch) => batch.iter().collect(),
        single => vec![single],
    };
    all.into_iter().filter_map(|m| m.get("method").and_then(Value::as_str))
}

fn request_id(message: &Value) -> Value {
    message.get("id").cloned().unwrap_or(Value::Null)
}

/// The HTTP and JSON-RPC answer to a request refused by `cap`.
pub fn refusal(status: StatusCode, cap: &Cap, what: &str, id: Value) -> Response {
    let message = format!(
        "{what}: limit {}={} ({}) reached. Raise {} if this machine can take more.",
        cap.key, cap.value, cap.source, cap.key
    );
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {
            "code": LIMIT_ERROR_CODE,
            "message": message,
            "data": {"limit": cap.key, "value": cap.value, "source": cap.source},
        },
    });
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
    if status != StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(key: &'static str, value: usize) -> Cap {
        Cap {
            key,
            value,
            source: "a test".to_owned(),
        }
    }

    fn gate(max_sessions: usize) -> Arc<Gate> {
        Gate::new(HttpLimits {
            max_sessions: cap(keys::MCP_AWS_SSO_HTTP_MAX_SESSIONS, max_sessions),
            max_calls: cap(keys::MCP_AWS_SSO_HTTP_MAX_CALLS, 4),
            max_calls_per_session: cap(keys::MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION, 2),
            max_body: cap(keys::MCP_AWS_SSO_HTTP_MAX_BODY, 1024),
            session_idle: Duration::from_secs(60),
        })
    }

    #[test]
    fn a_session_slot_is_given_back_and_counted_when_the_session_ends() {
        let gate = gate(1);
        let slot = gate.session_slot().ok().unwrap();
        assert_eq!(
            gate.session_slot().err().unwrap().key,
            keys::MCP_AWS_SSO_HTTP_MAX_SESSIONS
        );
        assert_eq!(gate.sessions_ended(), 0);
        drop(slot);
        assert_eq!(gate.sessions_ended(), 1);
        assert!(gate.session_slot().is_ok());
    }

    #[test]
    fn running_calls_are_counted_until_their_slots_drop() {
        let gate = gate(1);
        let first = gate.take_calls("a", 2).ok().unwrap();
        assert_eq!(gate.calls_running(), 2);
        assert_eq!(
            gate.take_calls("a", 1).err().unwrap().key,
            keys::MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION
        );
        let second = gate.take_calls("b", 2).ok().unwrap();
        assert_eq!(
            gate.take_calls("c", 1).err().unwrap().key,
            keys::MCP_AWS_SSO_HTTP_MAX_CALLS
        );
        drop((first, second));
        assert_eq!(gate.calls_running(), 0);
    }
}
