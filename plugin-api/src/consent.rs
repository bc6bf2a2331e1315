//! Consent before acting (plugin-api 1.1.0): the `confirm` setting every plugin receives in its
//! configuration (`MCP_AWS_SSO_CONFIRM`: `never`, `mutations`, `all`) and the one helper that
//! asks the person, [`require_consent`]. A policy lives in one place: plugins decide only what
//! is read-only; whether to ask, how, and what a refusal says is decided here.

use std::hash::{BuildHasher, RandomState};

use serde_json::{Value, json};

use crate::host::Host;
use crate::input::ElicitAction;
use crate::outcome::{ErrorKind, ToolError};

/// When to ask, from the host-wide `MCP_AWS_SSO_CONFIRM` (a plugin's section may only ask more).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConfirmPolicy {
    #[default]
    Never,
    Mutations,
    All,
}

impl ConfirmPolicy {
    /// Reads `confirm` from a plugin's configuration (`Host::config()`). Unknown values ask about
    /// everything: a typo must not turn consent off.
    pub fn from_config(config: &Value) -> Self {
        match config.get("confirm").and_then(Value::as_str) {
            None | Some("never") => Self::Never,
            Some("mutations") => Self::Mutations,
            _ => Self::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Mutations => "mutations",
            Self::All => "all",
        }
    }

    /// Whether an action of this kind needs the person's yes.
    pub fn asks(self, read_only: bool) -> bool {
        match self {
            Self::Never => false,
            Self::Mutations => !read_only,
            Self::All => true,
        }
    }
}

/// What the person said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Accepted,
    Declined,
    Cancelled,
}

/// Asks the person (form-mode elicitation with an empty form: accept or decline) and returns
/// what they chose. Fails with kind `not_confirmed` when nobody can be asked: the client did not
/// declare elicitation, or the host predates it. `setting` names the setting that caused the
/// question, for the refusal's "how to allow it".
pub fn confirm(host: &Host, message: &str, setting: ConfirmPolicy) -> Result<Consent, ToolError> {
    if !host.client_capabilities().elicitation.form {
        return Err(ToolError::new(
            ErrorKind::NotConfirmed,
            format!(
                "Not run: this server asks before acting (MCP_AWS_SSO_CONFIRM={}), but your MCP client does not \
                 support elicitation, so nobody could be asked. Use an MCP client that supports elicitation, or \
                 set MCP_AWS_SSO_CONFIRM=never (or `mutations`, to be asked only about changes) in this server's \
                 environment to run without asking.",
                setting.as_str()
            ),
        ));
    }
    // A key nobody can know in advance: on 2026-07-28 a client could otherwise send a
    // ready-made "accept" for a well-known key with its first request.
    let key = format!(
        "confirm-{:016x}",
        RandomState::new().hash_one(std::time::SystemTime::now())
    );
    let schema = json!({ "type": "object", "properties": {} });
    let answer = host.elicit_form(&key, message, schema)?;
    Ok(match answer.action {
        ElicitAction::Accept => Consent::Accepted,
        ElicitAction::Decline => Consent::Declined,
        ElicitAction::Cancel => Consent::Cancelled,
    })
}

/// The whole consent step for one action: reads the policy from the plugin's configuration,
/// asks when it says so, and turns anything but an explicit accept into a `not_confirmed` error
/// that says nothing was done. `Ok(())` means: go ahead.
pub fn require_consent(host: &Host, read_only: bool, message: &str) -> Result<(), ToolError> {
    let policy = ConfirmPolicy::from_config(&host.config());
    if !policy.asks(read_only) {
        return Ok(());
    }
    match confirm(host, message, policy)? {
        Consent::Accepted => Ok(()),
        Consent::Declined => Err(ToolError::new(
            ErrorKind::NotConfirmed,
            "Not run: the person declined it when asked. Nothing was changed.",
        )),
        Consent::Cancelled => Err(ToolError::new(
            ErrorKind::NotConfirmed,
            "Not run: the person dismissed the confirmation without accepting. Nothing was changed.",
        )),
    }
}
