//! How long the host waits for one plugin call.

use std::time::Duration;

use serde_json::Value;

/// Added to the limit before the host gives up: a plugin that honours the same limit itself
/// (exec-command kills its command at `timeoutSeconds`) gets to send its own, better answer.
pub const GRACE: Duration = Duration::from_secs(2);

/// The grace of a tool that declares `timeoutSeconds`, and so promises to stop at that limit by
/// itself: its clean-up after the limit may take remote calls (ec2-exec sends CancelCommand and
/// reads the command's final state, each within a budget of seconds), and its own answer says
/// what became of the remote work, which the host's cannot.
pub const SELF_TIMED_GRACE: Duration = Duration::from_secs(15);

/// The limit of one call, and where it came from (for the error message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLimit {
    pub limit: Duration,
    pub source: &'static str,
    /// How long past `limit` the host still waits for the plugin's own answer.
    pub grace: Duration,
}

impl CallLimit {
    /// When the host stops waiting.
    pub fn deadline(&self) -> Duration {
        self.limit + self.grace
    }
}

/// The call's own `timeoutSeconds` when the tool declares that argument (so its schema, already
/// checked, bounds it) and the call gives one; else the plugin's `callTimeoutSeconds` (its
/// config section, else `MCP_AWS_SSO_CALL_TIMEOUT`). A model cannot stretch the limit of a tool
/// that takes no `timeoutSeconds` by sending one anyway.
pub fn limit_for(args: &Value, input_schema: &Value, plugin_config: &Value) -> CallLimit {
    let declared = input_schema.pointer("/properties/timeoutSeconds").is_some();
    let seconds = |v: Option<&Value>| {
        v.and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_f64().filter(|f| *f > 0.0).map(|f| f.ceil() as u64))
        })
        .filter(|s| *s > 0)
    };
    if let Some(s) = seconds(args.get("timeoutSeconds")).filter(|_| declared) {
        return CallLimit {
            limit: Duration::from_secs(s),
            source: "the call's timeoutSeconds",
            grace: SELF_TIMED_GRACE,
        };
    }
    CallLimit {
        limit: Duration::from_secs(seconds(plugin_config.get("callTimeoutSeconds")).unwrap_or(300)),
        source: "MCP_AWS_SSO_CALL_TIMEOUT",
        grace: if declared { SELF_TIMED_GRACE } else { GRACE },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_call_argument_wins_over_the_setting() {
        let config = json!({"callTimeoutSeconds": 3});
        let schema = json!({"type": "object", "properties": {"timeoutSeconds": {"type": "integer"}}});
        let limit = |args: Value| limit_for(&args, &schema, &config);
        assert_eq!(limit(json!({})).limit, Duration::from_secs(3));
        assert_eq!(limit(json!({"timeoutSeconds": 60})).limit, Duration::from_secs(60));
        assert_eq!(limit(json!({"timeoutSeconds": 0})).limit, Duration::from_secs(3));
        assert_eq!(limit(json!({"timeoutSeconds": "x"})).source, "MCP_AWS_SSO_CALL_TIMEOUT");
    }

    #[test]
    fn an_undeclared_timeout_argument_is_ignored() {
        let config = json!({"callTimeoutSeconds": 3});
        let schema = json!({"type": "object", "properties": {}});
        let limit = limit_for(&json!({"timeoutSeconds": 86400}), &schema, &config);
        assert_eq!(limit.limit, Duration::from_secs(3));
    }
}
