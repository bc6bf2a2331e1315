//! The plugin-side view of the host: typed wrappers over the [`HostContext`] trait object.

use std::fmt;
use std::sync::Arc;

use abi_stable::std_types::{ROption, RStr};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::abi::HostContextBox;
use crate::outcome::{ErrorKind, ToolError};

/// Short-lived AWS credentials for one role. `Debug` never shows the secrets.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Expiry as Unix seconds.
    pub expiration: i64,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Severity of a log line sent through the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum LogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

impl LogLevel {
    pub fn from_u8(level: u8) -> Self {
        match level {
            0 | 1 => Self::Error,
            2 => Self::Warn,
            3 => Self::Info,
            _ => Self::Debug,
        }
    }
}

/// The host as a plugin sees it during one call. Cheap to clone and `'static`, so it can move into
/// tasks of a plugin's own runtime.
#[derive(Clone)]
pub struct Host {
    ctx: Arc<HostContextBox>,
}

impl Host {
    pub fn new(ctx: HostContextBox) -> Self {
        Self { ctx: Arc::new(ctx) }
    }

    /// Role credentials for `(account, role)`; `force_refresh` when the cached ones were rejected.
    pub fn credentials(
        &self,
        account_id: &str,
        role_name: &str,
        force_refresh: bool,
    ) -> Result<Credentials, ToolError> {
        let json = self
            .ctx
            .credentials(RStr::from(account_id), RStr::from(role_name), force_refresh)
            .into_result()
            .map_err(|e| ToolError::from_json(&e))?;
        serde_json::from_str(&json).map_err(|e| ToolError::internal(format!("host sent unreadable credentials: {e}")))
    }

    /// The roles the user has in an account.
    pub fn account_roles(&self, account_id: &str) -> Result<Vec<String>, ToolError> {
        let json = self
            .ctx
            .account_roles(RStr::from(account_id))
            .into_result()
            .map_err(|e| ToolError::from_json(&e))?;
        serde_json::from_str(&json).map_err(|e| ToolError::internal(format!("host sent an unreadable role list: {e}")))
    }

    pub fn default_region(&self) -> Option<String> {
        self.ctx.default_region().into_option().map(Into::into)
    }

    /// The endpoint override for an SDK service id (`ssm`, `ec2`, `sts`, ...), if the user set one.
    pub fn endpoint_url(&self, service: &str) -> Option<String> {
        self.ctx.endpoint_url(RStr::from(service)).into_option().map(Into::into)
    }

    pub fn progress(&self, done: f64, total: Option<f64>, message: &str) {
        self.ctx.progress(done, ROption::from(total), RStr::from(message));
    }

    pub fn log(&self, level: LogLevel, message: &str) {
        self.ctx.log(level as u8, RStr::from(message));
    }

    pub fn is_cancelled(&self) -> bool {
        self.ctx.is_cancelled()
    }

    /// The plugin's configuration section merged with host-wide settings; `{}` when empty.
    pub fn config(&self) -> Value {
        serde_json::from_str(self.ctx.config().as_str()).unwrap_or(Value::Object(Default::default()))
    }

    /// True when the host runs in read-only mode: tools must refuse anything that changes AWS.
    pub fn read_only(&self) -> bool {
        self.config().get("readOnly").and_then(Value::as_bool).unwrap_or(false)
    }

    /// Calls a host capability added after ABI 1.0 by name (see [`HostContext::extension`]).
    /// Hosts that predate `method` answer an error of kind `Unavailable`.
    ///
    /// [`HostContext::extension`]: crate::HostContext::extension
    pub fn extension(&self, method: &str, params: &Value) -> Result<Value, ToolError> {
        let json = self
            .ctx
            .extension(RStr::from(method), RStr::from(params.to_string().as_str()))
            .into_result()
            .map_err(|e| ToolError::from_json(&e))?;
        serde_json::from_str(&json).map_err(|e| ToolError::internal(format!("host sent an unreadable answer: {e}")))
    }

    pub fn host_info(&self) -> Value {
        serde_json::from_str(self.ctx.host_info().as_str()).unwrap_or(Value::Null)
    }

    /// A `Cancelled` error, for plugins that noticed [`Host::is_cancelled`].
    pub fn cancelled_error(&self) -> ToolError {
        ToolError::new(ErrorKind::Cancelled, "The call was cancelled by the client.")
    }
}
