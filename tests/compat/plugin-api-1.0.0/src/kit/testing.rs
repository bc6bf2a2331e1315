//! A fake host for unit tests: a plugin author tests a tool with `cargo test`, without the
//! mcp-aws-sso host, AWS or a login. It answers from what the test set up and records what the
//! plugin did (progress, log lines, credential requests).
//!
//! ```
//! use mcp_aws_sso_plugin_api::kit::testing::FakeHost;
//!
//! let fake = FakeHost::new().with_roles("123456789012", &["ReadOnly"]).with_credentials("123456789012", "ReadOnly");
//! let host = fake.host();
//! assert_eq!(host.account_roles("123456789012").unwrap(), ["ReadOnly"]);
//! assert!(host.credentials("123456789012", "ReadOnly", false).is_ok());
//! assert!(host.credentials("123456789012", "Admin", false).is_err());
//! assert_eq!(fake.credential_requests().len(), 2);
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{ROption, RResult, RStr, RString};
use serde_json::{Value, json};

use crate::abi::{ABI_VERSION, HostContext, HostContext_TO};
use crate::host::{Credentials, Host, LogLevel};
use crate::outcome::{ErrorKind, ToolError};

/// One `progress` call the plugin made.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub done: f64,
    pub total: Option<f64>,
    pub message: String,
}

#[derive(Default)]
struct State {
    credentials: HashMap<(String, String), Result<Credentials, ToolError>>,
    roles: HashMap<String, Vec<String>>,
    region: Option<String>,
    endpoints: HashMap<String, String>,
    config: serde_json::Map<String, Value>,
    cancelled: bool,
    extensions: HashMap<String, Value>,
    progress: Vec<Progress>,
    logs: Vec<(LogLevel, String)>,
    credential_requests: Vec<(String, String, bool)>,
}

/// The fake. Clones share their state, so keep one to inspect after the call.
#[derive(Clone)]
pub struct FakeHost {
    state: Arc<Mutex<State>>,
}

impl Default for FakeHost {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeHost {
    /// A host with region `us-east-1`, the real host's default limits, nothing else.
    pub fn new() -> Self {
        let mut state = State {
            region: Some("us-east-1".into()),
            ..State::default()
        };
        for (key, value) in [
            ("readOnly", json!(false)),
            ("callTimeoutSeconds", json!(300)),
            ("maxOutputChars", json!(40000)),
        ] {
            state.config.insert(key.into(), value);
        }
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(self, change: impl FnOnce(&mut State)) -> Self {
        change(&mut self.state());
        self
    }

    /// Made-up credentials (`ASIAFAKE...`, valid for an hour) for `(account, role)`.
    pub fn with_credentials(self, account_id: &str, role_name: &str) -> Self {
        let credentials = Credentials {
            access_key_id: "ASIAFAKEFAKEFAKEFAKE".into(),
            secret_access_key: "fake-secret-access-key".into(),
            session_token: "fake-session-token".into(),
            expiration: now_unix() + 3600,
        };
        self.set(|s| {
            s.credentials
                .insert((account_id.into(), role_name.into()), Ok(credentials));
        })
    }

    /// `credentials(account, role)` fails with `error` (e.g. not logged in, no such role).
    pub fn with_credentials_error(self, account_id: &str, role_name: &str, error: ToolError) -> Self {
        self.set(|s| {
            s.credentials.insert((account_id.into(), role_name.into()), Err(error));
        })
    }

    pub fn with_roles(self, account_id: &str, roles: &[&str]) -> Self {
        self.set(|s| {
            s.roles
                .insert(account_id.into(), roles.iter().map(|r| r.to_string()).collect());
        })
    }

    pub fn with_region(self, region: Option<&str>) -> Self {
        self.set(|s| s.region = region.map(String::from))
    }

    pub fn with_endpoint(self, service: &str, url: &str) -> Self {
        self.set(|s| {
            s.endpoints.insert(service.into(), url.into());
        })
    }

    /// Sets one key of the plugin's configuration section (as `host.config()` returns it).
    pub fn with_config(self, key: &str, value: Value) -> Self {
        self.set(|s| {
            s.config.insert(key.into(), value);
        })
    }

    /// The host runs in read-only mode.
    pub fn read_only(self) -> Self {
        self.with_config("readOnly", json!(true))
    }

    /// Answers `extension(method, ..)` with `answer` (unknown methods are `unavailable`).
    pub fn with_extension(self, method: &str, answer: Value) -> Self {
        self.set(|s| {
            s.extensions.insert(method.into(), answer);
        })
    }

    /// From now on `is_cancelled()` is true, as after the client cancelled or the host's timeout.
    pub fn cancel(&self) {
        self.state().cancelled = true;
    }

    /// The plugin-side view, to pass to a tool or `Plugin::call`.
    pub fn host(&self) -> Host {
        Host::new(HostContext_TO::from_value(self.clone(), TD_Opaque))
    }

    pub fn progress(&self) -> Vec<Progress> {
        self.state().progress.clone()
    }

    pub fn logs(&self) -> Vec<(LogLevel, String)> {
        self.state().logs.clone()
    }

    /// `(account, role, force_refresh)` of every credentials request, in order.
    pub fn credential_requests(&self) -> Vec<(String, String, bool)> {
        self.state().credential_requests.clone()
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn answer<T: serde::Serialize>(result: Result<T, ToolError>) -> RResult<RString, RString> {
    match result.and_then(|v| serde_json::to_string(&v).map_err(|e| ToolError::internal(e.to_string()))) {
        Ok(json) => RResult::ROk(json.into()),
        Err(error) => RResult::RErr(error.to_json().into()),
    }
}

impl HostContext for FakeHost {
    fn credentials(&self, account_id: RStr<'_>, role_name: RStr<'_>, force_refresh: bool) -> RResult<RString, RString> {
        let mut state = self.state();
        let key = (account_id.to_string(), role_name.to_string());
        state
            .credential_requests
            .push((key.0.clone(), key.1.clone(), force_refresh));
        let result = state.credentials.get(&key).cloned().unwrap_or_else(|| {
            Err(ToolError::new(
                ErrorKind::PermissionDenied,
                format!(
                    "FakeHost: no credentials set up for role {} in account {}",
                    key.1, key.0
                ),
            ))
        });
        answer(result)
    }

    fn account_roles(&self, account_id: RStr<'_>) -> RResult<RString, RString> {
        let roles = self.state().roles.get(account_id.as_str()).cloned();
        answer(roles.ok_or_else(|| {
            ToolError::new(
                ErrorKind::NotFound,
                format!("FakeHost: no roles set up for account {account_id}"),
            )
        }))
    }

    fn default_region(&self) -> ROption<RString> {
        self.state().region.clone().map(RString::from).into()
    }

    fn endpoint_url(&self, service: RStr<'_>) -> ROption<RString> {
        self.state()
            .endpoints
            .get(service.as_str())
            .cloned()
            .map(RString::from)
            .into()
    }

    fn progress(&self, done: f64, total: ROption<f64>, message: RStr<'_>) {
        self.state().progress.push(Progress {
            done,
            total: total.into_option(),
            message: message.to_string(),
        });
    }

    fn log(&self, level: u8, message: RStr<'_>) {
        self.state().logs.push((LogLevel::from_u8(level), message.to_string()));
    }

    fn is_cancelled(&self) -> bool {
        self.state().cancelled
    }

    fn config(&self) -> RString {
        Value::Object(self.state().config.clone()).to_string().into()
    }

    fn host_info(&self) -> RString {
        let extensions: Vec<String> = self.state().extensions.keys().cloned().collect();
        json!({"version": "fake", "abi": ABI_VERSION, "pluginApi": ABI_VERSION, "extensions": extensions})
            .to_string()
            .into()
    }

    fn extension(&self, method: RStr<'_>, _params: RStr<'_>) -> RResult<RString, RString> {
        let known = self.state().extensions.get(method.as_str()).cloned();
        answer(known.ok_or_else(|| {
            ToolError::new(
                ErrorKind::Unavailable,
                format!("FakeHost: no extension `{method}` set up"),
            )
        }))
    }
}
