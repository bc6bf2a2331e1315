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
use std::process::{Child, Command, Stdio};
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
    /// The child's working directory.
    pub cwd: &'a Path,
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
        .current_dir(spec.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so a timeout or cancellation can kill everything it started.
        .process_group(0)
        .spawn()
        .map_err(spawn_error)?;
    let pid = child.id();

    // From here on every early return must kill the group first: nothing else would stop it.
    let abandon = |mut child: Child, source| {
        kill_group(pid);
        let _ = child.wait();
        RunError::Supervise {
            program: spec.program.to_path_buf(),
            source,
        }
    };
    let stdout_reader = match start_reader(child.stdout.take(), spec.capture_limit, "stdout") {
        Ok(reader) => reader,
        Err(source) => return Err(abandon(child, source)),
    };
    let stderr_reader = match start_reader(child.stderr.take(), spec.capture_limit, "stderr") {
        Ok(reader) => reader,
        Err(source) => return Err(abandon(child, source)),
    };

    let (exited_tx, exited) = mpsc::channel();
    let waiter = thread::Builder::new().name("exec-command-wait".into()).spawn(move || {
        let _ = exited_tx.send(wait_for_exit_without_reaping(pid));
    });
    if let Err(source) = waiter {
        return Err(abandon(child, source));
    }

    let deadline = started + spec.timeout;
    let mut next_tick = started + PROGRESS_EVERY;
    // `Some(Ok)`: the child exited, unreaped. `Some(Err)`: the waiter failed, so nothing is known
    // about the pid any more and it must not be signalled. `None`: still running.
    let mut observed: Option<std::io::Result<()>> = None;
    let mut stopped_by = None;
    while observed.is_none() && stopped_by.is_none() {
        let now = Instant::now();
        let wake = deadline.min(next_tick).min(now + CANCEL_POLL);
        match exited.recv_timeout(wake.saturating_duration_since(now)) {
            Ok(result) => observed = Some(result),
            Err(RecvTimeoutError::Disconnected) => observed = Some(Err(std::io::ErrorKind::BrokenPipe.into())),
            Err(RecvTimeoutError::Timeout) => {
                let now = Instant::now();
                if supervisor.is_cancelled() {
                    stopped_by = Some(Ending::Cancelled);
                } else if now >= deadline {
                    stopped_by = Some(Ending::TimedOut);
                } else if now >= next_tick {
                    supervisor.tick();
                    next_tick += PROGRESS_EVERY;
                }
            }
        }
    }
    if stopped_by.is_some() {
        // Not reaped yet (the waiter never reaps), so the pid is still this child's group id.
        kill_group(pid);
        // The waiter reports the exit the kill causes; waiting for it means that thread never
        // outlives the child it watches.
        observed = Some(
            exited
                .recv()
                .unwrap_or_else(|_| Err(std::io::ErrorKind::BrokenPipe.into())),
        );
    }
    if matches!(observed, Some(Ok(()))) {
        // The child has exited and is a zombie, so its group id is still its own: kill what it
        // left behind (nothing, for the AWS CLI), then reap.
        kill_group(pid);
    }
    let status = child.wait().map_err(|source| RunError::Supervise {
        program: spec.program.to_path_buf(),
        source,
    })?;
    let duration = started.elapsed();

    let drain_deadline = Instant::now() + DRAIN_GRACE;
    let finish = |reader: Option<StreamReader>| reader.map(|r| r.finish(drain_deadline)).unwrap_or_default();
    let (stdout, stderr) = (finish(stdout_reader), finish(stderr_reader));

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

fn start_reader<R: std::io::Read + Send + 'static>(
    stream: Option<R>,
    limit: usize,
    name: &str,
) -> std::io::Result<Option<StreamReader>> {
    stream.map(|s| StreamReader::spawn(s, limit, name)).transpose()
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
            cwd: Path::new("/"),
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
        let outcome = sh(
            "echo out; echo err >&2; exit 3",
            Duration::from_secs(10),
            1000,
            &Watcher::default(),
        );
        assert_eq!(outcome.ending, Ending::Exited(3));
        assert_eq!(outcome.stdout.bytes, b"out\n");
        assert_eq!(outcome.stderr.bytes, b"err\n");
        assert!(outcome.stdout.complete && outcome.stderr.complete);
    }

    #[test]
    fn the_child_sees_only_the_given_environment() {
        let outcome = sh(
            "echo \"[$HOME][$PATH]\"",
            Duration::from_secs(10),
            1000,
            &Watcher::default(),
        );
        assert_eq!(outcome.stdout.bytes, b"[][/usr/bin:/bin]\n");
    }

    #[test]
    fn large_output_on_both_streams_does_not_deadlock() {
        // 2 MB on each stream, interleaved: far beyond a pipe buffer.
        let script =
            "i=0; while [ $i -lt 2000 ]; do head -c 1024 /dev/zero; head -c 1024 /dev/zero >&2; i=$((i+1)); done";
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
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
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
            cwd: Path::new("/"),
            timeout: Duration::from_secs(1),
            capture_limit: 10,
        };
        let error = run(spec, &Watcher::default()).unwrap_err();
        assert!(
            error.to_string().starts_with("Could not start `/nonexistent/aws`"),
            "{error}"
        );
    }
}
