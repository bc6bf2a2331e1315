//! The two process operations `std` does not offer: signalling a whole process group, and
//! noticing that a child exited *without* reaping it.
//!
//! Why not reap at once: while the exited child is a zombie its pid, which is also the id of its
//! process group, cannot be reused. So after it exits the runner can still kill whatever it left
//! behind in its group (a wrapper's `sleep`, a stray background job) without any risk of
//! signalling an unrelated group, and only then reap it with `Child::wait`.

use std::io;

/// Sends SIGKILL to every process in the group `pgid`. A group that is already gone is fine.
pub fn kill_group(pgid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pgid) else { return };
    if pgid <= 1 {
        return; // 0 and 1 would mean "our own group" and "init": never.
    }
    // SAFETY: killpg only sends a signal; it has no memory-safety preconditions.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Blocks until the child `pid` has exited, leaving it unreaped (a zombie) for `Child::wait`.
pub fn wait_for_exit_without_reaping(pid: u32) -> io::Result<()> {
    let pid = libc::id_t::try_from(pid).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    loop {
        let mut info = std::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
        // SAFETY: `info` is a valid, zero-initialised siginfo_t the kernel writes into.
        let rc = unsafe { libc::waitid(libc::P_PID, pid, info.as_mut_ptr(), libc::WEXITED | libc::WNOWAIT) };
        if rc == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}
