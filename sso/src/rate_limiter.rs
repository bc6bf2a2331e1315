//! A client-side rate limit for the SSO portal that finds the server's limit by itself.
//!
//! IAM Identity Center throttles the portal API at about 20 calls a second per user and answers
//! 429 TooManyRequestsException beyond that. Calls are spaced evenly at the current rate (no
//! bursts), one release at a time in FIFO order. The rate adapts like TCP congestion control:
//!
//! - slow start: until the first 429, every success raises the rate by half a call a second
//!   (so the rate grows by half of itself every second);
//! - additive increase: after that, +1 call/s per second of successes (each success adds `1/rate`);
//! - multiplicative decrease: a 429 halves the rate, at most once per [`DECREASE_COOLDOWN`],
//!   because the calls already in flight when the first 429 arrives were all sent at the old
//!   rate and would otherwise halve it again for the same overshoot.
//!
//! Why not `governor`: its quota is fixed when the limiter is built and it lets bursts through
//! (GCRA), while this limiter changes its rate after every answer and spaces calls evenly. The
//! pacing is a dozen lines on tokio's fair mutex; the jitter comes from `fastrand`.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Where the rate starts: Identity Center's documented order of magnitude.
pub const INITIAL_RATE: f64 = 20.0;
const MIN_RATE: f64 = 1.0;
const MAX_RATE: f64 = 200.0;
const DECREASE_COOLDOWN: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct State {
    rate: f64,
    slow_start: bool,
    last_decrease: Option<Instant>,
}

pub struct AdaptiveRateLimiter {
    /// Held by the one caller waiting for the next slot; holds the time of the last release.
    /// tokio's mutex is fair, so callers are released in arrival order.
    next: tokio::sync::Mutex<Option<Instant>>,
    state: Mutex<State>,
}

impl Default for AdaptiveRateLimiter {
    fn default() -> Self {
        Self::new(INITIAL_RATE)
    }
}

impl AdaptiveRateLimiter {
    pub fn new(initial_rate: f64) -> Self {
        Self {
            next: tokio::sync::Mutex::new(None),
            state: Mutex::new(State {
                rate: initial_rate.clamp(MIN_RATE, MAX_RATE),
                slow_start: true,
                last_decrease: None,
            }),
        }
    }

    /// Waits for this caller's turn at the current rate.
    pub async fn acquire(&self) {
        let mut last = self.next.lock().await;
        let interval = Duration::from_secs_f64(1.0 / self.rate());
        let now = Instant::now();
        let slot = match *last {
            Some(previous) if previous + interval > now => previous + interval,
            _ => now,
        };
        tokio::time::sleep_until(slot).await;
        *last = Some(slot);
    }

    /// A call went through.
    pub fn on_success(&self) {
        let mut state = self.lock();
        let step = if state.slow_start { 0.5 } else { 1.0 / state.rate };
        state.rate = (state.rate + step).min(MAX_RATE);
    }

    /// A call was throttled (429).
    pub fn on_throttled(&self) {
        let mut state = self.lock();
        state.slow_start = false;
        let now = Instant::now();
        if state
            .last_decrease
            .is_some_and(|at| now.duration_since(at) < DECREASE_COOLDOWN)
        {
            return;
        }
        state.rate = (state.rate / 2.0).max(MIN_RATE);
        state.last_decrease = Some(now);
        tracing::debug!("SSO portal throttled us; pacing at {:.1} calls/s now", state.rate);
    }

    pub fn rate(&self) -> f64 {
        self.lock().rate
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The wait before retry `attempt` (1-based): exponential from 200 ms, capped at 5 s, with
/// "equal jitter" (half fixed, half random) so that retries of one burst spread out.
pub fn backoff(attempt: u32) -> Duration {
    let exponential = 200u64.saturating_mul(1u64 << attempt.saturating_sub(1).min(10));
    let capped = exponential.min(5_000);
    let half = capped / 2;
    Duration::from_millis(half + fastrand::u64(0..=half))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn paces_calls_at_the_rate() {
        let limiter = AdaptiveRateLimiter::new(100.0);
        let start = Instant::now();
        for _ in 0..11 {
            limiter.acquire().await;
        }
        // The first call goes at once; ten more at 100/s take at least 100 ms (sleeps never end
        // early, so this bound cannot flake).
        assert!(start.elapsed() >= Duration::from_millis(100), "{:?}", start.elapsed());
    }

    #[test]
    fn halves_once_per_burst_of_429s_then_grows_additively() {
        let limiter = AdaptiveRateLimiter::new(20.0);
        limiter.on_success();
        assert_eq!(limiter.rate(), 20.5, "slow start");
        limiter.on_throttled();
        limiter.on_throttled();
        limiter.on_throttled();
        assert_eq!(limiter.rate(), 10.25, "one decrease for one burst");
        limiter.on_success();
        assert!(
            (limiter.rate() - (10.25 + 1.0 / 10.25)).abs() < 1e-9,
            "additive increase"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..20 {
            let wait = backoff(attempt);
            let full = (200u64 << (attempt - 1).min(10)).min(5_000);
            assert!(
                wait >= Duration::from_millis(full / 2) && wait <= Duration::from_millis(full),
                "{attempt}: {wait:?}"
            );
        }
    }
}
