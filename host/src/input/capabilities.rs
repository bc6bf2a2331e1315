//! What the client of one request declared it can answer, read once from rmcp's view (the
//! request's own `_meta` on 2026-07-28, the `initialize` handshake before).

use rmcp::model::{ClientCapabilities, ProtocolVersion};
use serde_json::{Value, json};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputCapabilities {
    pub elicitation_form: bool,
    pub elicitation_url: bool,
    pub sampling: bool,
    pub roots: bool,
    pub protocol_version: Option<String>,
}

impl InputCapabilities {
    #[allow(deprecated)] // sampling and roots are deprecated by SEP-2577; older clients use them.
    pub fn from_client(capabilities: Option<&ClientCapabilities>, version: Option<&ProtocolVersion>) -> Self {
        let Some(caps) = capabilities else {
            return Self {
                protocol_version: version.map(|v| v.to_string()),
                ..Self::default()
            };
        };
        let (form, url) = match &caps.elicitation {
            // An empty `elicitation: {}` means form mode (2025-06-18 clients).
            Some(e) if e.form.is_none() && e.url.is_none() => (true, false),
            Some(e) => (e.form.is_some(), e.url.is_some()),
            None => (false, false),
        };
        Self {
            elicitation_form: form,
            elicitation_url: url,
            sampling: caps.sampling.is_some(),
            roots: caps.roots.is_some(),
            protocol_version: version.map(|v| v.to_string()),
        }
    }

    /// The answer to the `client/capabilities` extension method.
    pub fn to_json(&self) -> Value {
        json!({
            "elicitation": { "form": self.elicitation_form, "url": self.elicitation_url },
            "sampling": self.sampling,
            "roots": self.roots,
            "protocolVersion": self.protocol_version,
        })
    }

    /// Whether the client declared a capability named as in `ToolSpec::requires_client_capabilities`.
    pub fn has(&self, capability: &str) -> bool {
        match capability {
            "elicitation" => self.elicitation_form || self.elicitation_url,
            "elicitation.form" => self.elicitation_form,
            "elicitation.url" => self.elicitation_url,
            "sampling" => self.sampling,
            "roots" => self.roots,
            _ => false,
        }
    }
}

/// Whether a call on `version` uses multi-round-trip input (`InputRequiredResult`).
pub fn uses_input_rounds(version: Option<&ProtocolVersion>) -> bool {
    version.is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str())
}
