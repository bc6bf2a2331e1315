//! Asking the person through the MCP client (plugin-api 1.1.0): typed helpers over the
//! [`INPUT_REQUEST`](crate::extensions::INPUT_REQUEST) and
//! [`CLIENT_CAPABILITIES`](crate::extensions::CLIENT_CAPABILITIES) extension methods.
//!
//! Every helper is one blocking call, whatever protocol revision the client speaks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::extensions;
use crate::host::Host;
use crate::outcome::{ErrorKind, ToolError};

/// What the client of the current call declared it can do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientCapabilities {
    pub elicitation: ElicitationModes,
    pub sampling: bool,
    pub roots: bool,
    /// The MCP protocol revision of the call, e.g. `2025-11-25` or `2026-07-28`.
    pub protocol_version: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ElicitationModes {
    pub form: bool,
    pub url: bool,
}

/// What the person did with an elicitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElicitAction {
    Accept,
    Decline,
    Cancel,
}

impl ElicitAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Cancel => "cancel",
        }
    }
}

/// The answer to one elicitation: the action and, when accepted in form mode, the form's content.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Elicitation {
    pub action: ElicitAction,
    #[serde(default)]
    pub content: Option<Value>,
}

/// One request for [`Host::input`]: an MCP method and its params.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputRequest {
    pub method: String,
    pub params: Value,
}

impl InputRequest {
    /// Form-mode elicitation: `schema` is the restricted JSON Schema MCP allows (an object of
    /// primitive properties).
    pub fn form(message: &str, schema: Value) -> Self {
        Self {
            method: "elicitation/create".into(),
            params: json!({ "mode": "form", "message": message, "requestedSchema": schema }),
        }
    }

    /// URL-mode elicitation: the client offers the person `url` to open (out of band, so the
    /// model never sees what is entered there).
    pub fn url(message: &str, url: &str, elicitation_id: &str) -> Self {
        Self {
            method: "elicitation/create".into(),
            params: json!({ "mode": "url", "message": message, "url": url, "elicitationId": elicitation_id }),
        }
    }

    /// Sampling: asks the client's model for a completion.
    pub fn sampling(params: Value) -> Self {
        Self {
            method: "sampling/createMessage".into(),
            params,
        }
    }

    /// The client's roots.
    pub fn roots() -> Self {
        Self {
            method: "roots/list".into(),
            params: json!({}),
        }
    }
}

impl Host {
    /// The extension methods this host offers (`host_info()["extensions"]`).
    pub fn has_extension(&self, method: &str) -> bool {
        self.host_info()
            .get("extensions")
            .and_then(Value::as_array)
            .is_some_and(|methods| methods.iter().any(|m| m.as_str() == Some(method)))
    }

    /// What the client of this call can do. On a host older than plugin-api 1.1 (or from the
    /// CLI), nothing.
    pub fn client_capabilities(&self) -> ClientCapabilities {
        self.extension(extensions::CLIENT_CAPABILITIES, &json!({}))
            .ok()
            .and_then(|answer| serde_json::from_value(answer).ok())
            .unwrap_or_default()
    }

    /// Sends several requests to the client at once and waits for all the answers, by key.
    pub fn input(&self, requests: BTreeMap<String, InputRequest>) -> Result<BTreeMap<String, Value>, ToolError> {
        let answer = self.extension(extensions::INPUT_REQUEST, &json!({ "requests": requests }))?;
        let responses = answer.get("responses").cloned().unwrap_or(Value::Null);
        serde_json::from_value(responses)
            .map_err(|e| ToolError::internal(format!("host sent unreadable input responses: {e}")))
    }

    /// One request; `key` names it (the `inputRequests` key on protocol 2026-07-28).
    pub fn input_one(&self, key: &str, request: InputRequest) -> Result<Value, ToolError> {
        let mut responses = self.input(BTreeMap::from([(key.to_string(), request)]))?;
        responses
            .remove(key)
            .ok_or_else(|| ToolError::internal(format!("the host sent no answer for input `{key}`")))
    }

    /// Form-mode elicitation.
    pub fn elicit_form(&self, key: &str, message: &str, schema: Value) -> Result<Elicitation, ToolError> {
        let answer = self.input_one(key, InputRequest::form(message, schema))?;
        read_elicitation(answer)
    }

    /// URL-mode elicitation.
    pub fn elicit_url(&self, key: &str, message: &str, url: &str) -> Result<Elicitation, ToolError> {
        let answer = self.input_one(key, InputRequest::url(message, url, key))?;
        read_elicitation(answer)
    }
}

fn read_elicitation(answer: Value) -> Result<Elicitation, ToolError> {
    serde_json::from_value(answer).map_err(|e| {
        ToolError::new(
            ErrorKind::Internal,
            format!("the client answered the elicitation with something unreadable: {e}"),
        )
    })
}
