//! Progress notifications for one call: the phase or SSM status in the message, seconds since the
//! call started as the (strictly increasing) progress value. A new phase or status goes out at
//! once; while it stays the same, at most one update a second, so fast polling does not flood the
//! client.

use std::time::{Duration, Instant};

use mcp_aws_sso_plugin_api::Host;

const REPEAT_EVERY: Duration = Duration::from_secs(1);

pub struct Progress {
    host: Host,
    started: Instant,
    /// When the last update went out, and its phase or status.
    last: Option<(Instant, String)>,
}

impl Progress {
    pub fn new(host: &Host) -> Self {
        Self {
            host: host.clone(),
            started: Instant::now(),
            last: None,
        }
    }

    /// Reports `message` for `phase` (e.g. the SSM status), unless an update for the same phase
    /// went out less than a second ago.
    pub fn update(&mut self, phase: &str, message: &str) {
        let due = match &self.last {
            Some((at, last)) => last != phase || at.elapsed() >= REPEAT_EVERY,
            None => true,
        };
        if due {
            let now = Instant::now();
            self.host
                .progress(now.duration_since(self.started).as_secs_f64(), None, message);
            self.last = Some((now, phase.to_string()));
        }
    }
}
