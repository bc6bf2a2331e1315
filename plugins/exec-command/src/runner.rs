//! Running one process to its end: its own process group, both output streams drained
//! concurrently, a deadline, cancellation, and a progress tick every second.
//!
//! Threads, not async: the plugin is called on a blocking thread of the host and has nothing else
//! to do meanwhile. One thread per output stream ([`crate::capture`]), one that waits for the
//! child's exit without reaping it ([`crate::process_group`]), and the calling thread, which
//! sleeps on that exit with a short timeout so it can also notice the deadline, a cancellation
//! and the next progress tick. The exit wakes it at once, so supervision adds no latency.

use std::ffi::OsString;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::capture::{Captured, StreamReader};
use crate::process_group::{kill_group, wait_for_exit_without_reaping};

/// How often cancellation is checked while the child runs.
const CANCEL_POLL: Duration = Duration::from_millis(100);
/// How often progress is reported.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// How long to wait for the output streams to close once the whole group is gone. Only a process
/// that left the group (`setsid`) could keep them open that long.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Who watches the run: the host, through the plugin API, or a test.
pub trait Supervisor {
    fn is_cancelled(&self) -> bool;
    /// Called about once a second while the child runs.
    fn tick(&self);
}

/// One process to run.
pub struct RunSpec<'a> {
    pub program: &'a Path,
    pub args: &'a [String],
    /// The child's complete environment.
    pub env: Vec<(OsString, OsString)>,
    pub timeout: Duration,
    /// Most bytes kept of each output stream.
    pub capture_limit: usize,
}

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    /// Killed by a signal it was not sent by the runner.
    Signalled(i32),
    /// The deadline passed; the whole group was killed.
    TimedOut,
    /// The supervisor cancelled; the whole group was killed.
    Cancelled,
}

#[derive(Debug)]
pub struct RunOutcome {
    pub ending: Ending,
    pub stdout: Captured,
    pub stderr: Captured,
    pub duration: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("Could not start `{program}`: {source}.")]
    Spawn { program: PathBuf, source: std::io::Error },
    #[error("Could not watch `{program}`: {source}.")]
    Supervise { program: PathBuf, source: std::io::Error },
}

pub fn run(spec: RunSpec<'_>, supervisor: &dyn Supervisor) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let spawn_error = |source| RunError::Spawn {
        program: spec.program.to_path_buf(),
        source,
    };
    let mut child = Command::new(spec.program)
        .args(spec.args)
        .env_clear()
        .envs(spec.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so a timeout or cancellation can kill everything it started.
        .process_group(0)
        .spawn()
        .map_err(spawn_error)?;
    let pid = child.id();

    let mut readers = Vec::with_capacity(2);
    for (stream, name) in [
        (child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>), "stdout"),
        (child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>), "stderr"),
    ] {
        let reader = stream.map(|s| StreamReader::spawn(s, spec.capture_limit, name)).transpose();
        match reader {
            Ok(reader) => readers.push(reader),
            Err(source) => {
                kill_group(pid);
                let _ = child.wait();
                return Err(RunError::Supervise {
                    program: spec.program.to_path_buf(),
                    source,
                });
            }
        }
    }

    let (exited_tx, exited) = mpsc::channel();
    let waiter = thread::Builder::new()
        .name("exec-command-wait".into())
        .spawn(move || {
            let _ = exited_tx.send(wait_for_exit_without_reaping(pid));
        });
    if let Err(source) = waiter {
        kill_group(pid);
        let _ = child.wait();
        return Err(RunError::Supervise {
            program: spec.program.to_path_buf(),
            source,
        });
    }

    let deadline = started + spec.timeout;
    let mut next_tick = started + PROGRESS_EVERY;
    let stopped_by = loop {
        let now = Instant::now();
        let wake = deadline.min(next_tick).min(now + CANCEL_POLL);
        match exited.recv_timeout(wake.saturating_duration_since(now)) {
            Ok(_) | Err(RecvTimeoutError::Disconnected) => break None,
            Err(RecvTimeoutError::Timeout) => {
                if supervisor.is_cancelled() {
                    break Some(Ending::Cancelled);
                }
                let now = Instant::now();
                if now >= deadline {
                    break Some(Ending::TimedOut);
                }
                if now >= next_tick {
                    supervisor.tick();
                    next_tick += PROGRESS_EVERY;
                }
            }
        }
    };
    if stopped_by.is_some() {
        kill_group(pid);
        // The waiter reports the exit the kill causes; waiting for it means that thread never
        // outlives the child it watches.
        let _ = exited.recv();
    }
    // The child has exited and is not reaped yet, so its group id is still its own: kill what it
    // left behind (nothing, for the AWS CLI), then reap.
    kill_group(pid);
    let status = child.wait().map_err(|source| RunError::Supervise {
        program: spec.program.to_path_buf(),
        source,
    })?;
    let duration = started.elapsed();

    let drain_deadline = Instant::now() + DRAIN_GRACE;
    let mut readers = readers.into_iter();
    let mut take = || readers.next().flatten().map(|r| r.finish(drain_deadline)).unwrap_or_default();
    let (stdout, stderr) = (take(), take());

    let ending = stopped_by.unwrap_or_else(|| match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        (None, Some(signal)) => Ending::Signalled(signal),
        (None, None) => Ending::Exited(-1),
    });
    Ok(RunOutcome {
        ending,
        stdout,
        stderr,
        duration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    #[derive(Default)]
    struct Watcher {
        cancel_after_ticks: Option<usize>,
        ticks: AtomicUsize,
        cancelled: AtomicBool,
    }

    impl Supervisor for Watcher {
        fn is_cancelled(&self) -> bool {
            self.cancelled.load(Ordering::SeqCst)
        }
        fn tick(&self) {
            let ticks = self.ticks.fetch_add(1, Ordering::SeqCst) + 1;
            if self.cancel_after_ticks.is_some_and(|n| ticks >= n) {
                self.cancelled.store(true, Ordering::SeqCst);
            }
        }
    }

    fn sh(script: &str, timeout: Duration, limit: usize, watcher: &Watcher) -> RunOutcome {
        let args = vec!["-c".to_string(), script.to_string()];
        let env = vec![(OsString::from("PATH"), OsString::from("/usr/bin:/bin"))];
        let spec = RunSpec {
            program: Path::new("/bin/sh"),
            args: &args,
            env,
            timeout,
            capture_limit: limit,
        };
        run(spec, watcher).unwrap()
    }

    fn alive(pid: &str) -> bool {
        Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "))
    }

    #[test]
    fn reports_exit_code_and_both_streams() {
        let outcome = sh("echo out; echo err >&2; exit 3", Duration::from_secs(10), 1000, &Watcher::default());
        assert_eq!(outcome.ending, Ending::Exited(3));
        assert_eq!(outcome.stdout.bytes, b"out\n");
        assert_eq!(outcome.stderr.bytes, b"err\n");
        assert!(outcome.stdout.complete && outcome.stderr.complete);
    }

    #[test]
    fn the_child_sees_only_the_given_environment() {
        let outcome = sh("echo \"[$HOME][$PATH]\"", Duration::from_secs(10), 1000, &Watcher::default());
        assert_eq!(outcome.stdout.bytes, b"[][/usr/bin:/bin]\n");
    }

    #[test]
    fn large_output_on_both_streams_does_not_deadlock() {
        // 2 MB on each stream, interleaved: far beyond a pipe buffer.
        let script = "i=0; while [ $i -lt 2000 ]; do head -c 1024 /dev/zero; head -c 1024 /dev/zero >&2; i=$((i+1)); done";
        let outcome = sh(script, Duration::from_secs(60), 4096, &Watcher::default());
        assert_eq!(outcome.ending, Ending::Exited(0));
        assert_eq!(outcome.stdout.total_bytes, 2000 * 1024);
        assert_eq!(outcome.stderr.total_bytes, 2000 * 1024);
        assert_eq!(outcome.stdout.bytes.len(), 4096);
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        // The grandchild would keep the pipes open (and run on) if only the shell were killed.
        let dir = std::env::temp_dir().join(format!("exec-command-timeout-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pidfile = dir.join("sleeper.pid");
        let script = format!("sleep 30 & echo $! > {}; echo started; wait", pidfile.display());
        let started = Instant::now();
        let outcome = sh(&script, Duration::from_millis(700), 1000, &Watcher::default());
        assert_eq!(outcome.ending, Ending::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
        assert_eq!(outcome.stdout.bytes, b"started\n");
        let sleeper = std::fs::read_to_string(&pidfile).unwrap();
        // SIGKILL is delivered asynchronously; give the kernel a moment to finish the job.
        let gone = (0..100).any(|_| {
            thread::sleep(Duration::from_millis(20));
            !alive(sleeper.trim())
        });
        assert!(gone, "the grandchild {sleeper} survived");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn cancellation_kills_the_child_and_ticks_arrive() {
        let watcher = Watcher {
            cancel_after_ticks: Some(2),
            ..Watcher::default()
        };
        let outcome = sh("sleep 30", Duration::from_secs(60), 1000, &watcher);
        assert_eq!(outcome.ending, Ending::Cancelled);
        assert_eq!(watcher.ticks.load(Ordering::SeqCst), 2);
        assert!(outcome.duration < Duration::from_secs(5), "{:?}", outcome.duration);
    }

    #[test]
    fn a_signal_from_elsewhere_is_reported_as_such() {
        let outcome = sh("kill -TERM $$", Duration::from_secs(10), 1000, &Watcher::default());
        assert_eq!(outcome.ending, Ending::Signalled(libc::SIGTERM));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let spec = RunSpec {
            program: Path::new("/nonexistent/aws"),
            args: &[],
            env: Vec::new(),
            timeout: Duration::from_secs(1),
            capture_limit: 10,
        };
        let error = run(spec, &Watcher::default()).unwrap_err();
        assert!(error.to_string().starts_with("Could not start `/nonexistent/aws`"), "{error}");
    }
}
