//! The two process operations `std` does not offer: signalling a whole process group, and
//! noticing that a child exited *without* reaping it.
//!
//! Why not reap at once: while the exited child is a zombie its pid, which is also the id of its
//! process group, cannot be reused. So after it exits the runner can still kill whatever it left
//! behind in its group (a wrapper's `sleep`, a stray background job) without any risk of
//! signalling an unrelated group, and only then reap it with `Child::wait`.
//!
//! Both calls go through `rustix` (already in the tree through `tempfile`), which wraps them
//! safely. Not `nix`: its `waitid` is not available on macOS. Not `command-group`: it kills and
//! reaps in one step, which is the very thing this module avoids.

use std::io;

use rustix::process::{Pid, Signal, WaitId, WaitIdOptions};

/// Sends SIGKILL to every process in the group `pgid`. A group that is already gone is fine.
pub fn kill_group(pgid: u32) {
    let Some(pgid) = i32::try_from(pgid).ok().and_then(Pid::from_raw) else {
        return;
    };
    if pgid.is_init() {
        return; // 0 (no `Pid`) and 1 would mean "our own group" and "init": never.
    }
    let _ = rustix::process::kill_process_group(pgid, Signal::KILL);
}

/// Blocks until the child `pid` has exited, leaving it unreaped (a zombie) for `Child::wait`.
pub fn wait_for_exit_without_reaping(pid: u32) -> io::Result<()> {
    let pid = i32::try_from(pid)
        .ok()
        .and_then(Pid::from_raw)
        .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
    loop {
        match rustix::process::waitid(WaitId::Pid(pid), WaitIdOptions::EXITED | WaitIdOptions::NOWAIT) {
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(error) => return Err(error.into()),
        }
    }
}
