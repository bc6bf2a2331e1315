//! Asking the person through the MCP client during a call: elicitation (form and URL mode),
//! sampling and roots, for built-in tools and plugins alike.
//!
//! A running call holds a [`ClientInput`] in its `CallContext`. The tool (or the plugin, through
//! the `input/request` extension) hands it a map of requests and waits for the answers, by key.
//! How they travel depends on the protocol revision of the call, and the caller never knows:
//! - 2025-11-25 and older ([`peer_input`]): each request is a server-to-client JSON-RPC request on
//!   the session, answered while the call waits.
//! - 2026-07-28 ([`rounds`]): server-to-client requests are gone; the call is parked, the client's
//!   request is answered with an `InputRequiredResult`, and the call resumes when the client
//!   retries with `inputResponses` and the `requestState` handle.

pub mod capabilities;
pub mod peer_input;
pub mod rounds;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use mcp_aws_sso_plugin_api::{ErrorKind, ToolError};
use serde_json::Value;

pub use capabilities::InputCapabilities;

/// Requests by key: each `{"method": ..., "params": {...}}`.
pub type InputRequests = BTreeMap<String, Value>;
/// Answers by key: each the MCP result of its request.
pub type InputAnswers = BTreeMap<String, Value>;

pub type InputFuture = Pin<Box<dyn Future<Output = Result<InputAnswers, ToolError>> + Send>>;

/// The client of one call, as a source of input.
pub trait ClientInput: Send + Sync {
    fn capabilities(&self) -> &InputCapabilities;

    /// Sends every request and resolves once all are answered.
    fn request(&self, requests: InputRequests) -> InputFuture;
}

/// The methods a server may ask a client for, and checks each request against what the client
/// declared. An error names the capability that is missing, so the person can act on it.
pub fn check_requests(requests: &InputRequests, capabilities: &InputCapabilities) -> Result<(), ToolError> {
    if requests.is_empty() {
        return Err(ToolError::invalid_arguments(
            "an input request needs at least one entry",
        ));
    }
    for (key, request) in requests {
        let method = request.get("method").and_then(Value::as_str).unwrap_or_default();
        let missing = match method {
            "elicitation/create" => {
                let url = request.pointer("/params/mode").and_then(Value::as_str) == Some("url");
                match (url, capabilities.elicitation_form, capabilities.elicitation_url) {
                    (true, _, false) => Some("elicitation (URL mode)"),
                    (false, false, _) => Some("elicitation (form mode)"),
                    _ => None,
                }
            }
            "sampling/createMessage" => (!capabilities.sampling).then_some("sampling"),
            "roots/list" => (!capabilities.roots).then_some("roots"),
            other => {
                return Err(ToolError::invalid_arguments(format!(
                    "input `{key}`: `{other}` is not a request a server may send a client; use \
                     elicitation/create, sampling/createMessage or roots/list"
                )));
            }
        };
        if let Some(capability) = missing {
            return Err(ToolError::new(
                ErrorKind::Unavailable,
                format!("the MCP client of this call does not support {capability}, so input `{key}` cannot be asked"),
            ));
        }
    }
    Ok(())
}

/// The error a call sees when there is no MCP client to ask (the CLI, or no client input).
pub fn no_client() -> ToolError {
    ToolError::new(
        ErrorKind::Unavailable,
        "there is no MCP client to ask for input in this call",
    )
}
