//! Gives memory freed by ended HTTP sessions back to the operating system.
//!
//! glibc's allocator keeps freed memory in its arenas and returns only the free top of each heap;
//! what a thousand sessions and their calls leave scattered stays resident. Measured with
//! `benches/http_limits_load.py` (1,000 sessions, 64 busy clients for 30 s, then all closed):
//! RSS stayed at 155 MiB a minute after the clients left, with one arena as with many, and a
//! second round grew it only to 166 MiB: freed memory kept, not leaked. `malloc_trim(0)` brought
//! it to 26 MiB. So once sessions have ended and no tool call is running, the server trims: the
//! plugins' allocations too, since they share the process's allocator. Other allocators (macOS,
//! musl) return memory themselves, and there this does nothing.

use std::sync::Arc;
use std::time::Duration;

use super::http_limits::Gate;

/// How often to look whether sessions ended: a trim takes a few milliseconds and holds the
/// allocator's locks meanwhile, so not after every session.
const CHECK_EVERY: Duration = Duration::from_secs(5);

/// Runs until the server stops.
pub async fn release_after_sessions_end(gate: Arc<Gate>) {
    let mut trimmed_at = gate.sessions_ended();
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let ended = gate.sessions_ended();
        // Under load the memory is about to be used again: trim when the server is idle.
        if ended == trimmed_at || gate.calls_running() > 0 {
            continue;
        }
        trimmed_at = ended;
        let _ = tokio::task::spawn_blocking(return_free_memory).await;
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_free_memory() {
    // SAFETY: malloc_trim only walks and releases the allocator's own free lists; it takes the
    // arenas' locks, so it is safe to call while other threads allocate.
    let released = unsafe { libc::malloc_trim(0) };
    tracing::debug!(
        released = released == 1,
        "returned free memory to the OS after sessions ended"
    );
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_free_memory() {}
