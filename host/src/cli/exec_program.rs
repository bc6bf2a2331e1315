//! `exec --account-id ID --role-name ROLE [--region R] -- PROGRAM ARGS...`: runs any program with
//! the role's credentials and region in its environment.
//!
//! - No shell: PROGRAM is looked up on PATH and started with ARGS as they are.
//! - The parent's credential variables and `AWS_PROFILE` are removed ([`STRIPPED`]), so the SDK
//!   in the program cannot pick anything but the role's credentials.
//! - stdin, stdout and stderr are the program's own (inherited); its exit code is ours, and a
//!   program that died of a signal makes us exit with 128 + that signal, as shells report it.
//! - Signals sent to us (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2) are forwarded to the
//!   program. Those the terminal generates (Ctrl-C, Ctrl-\, hang-up) already reach the whole
//!   foreground process group, the program included, so they are not sent a second time: a
//!   second Ctrl-C often means "quit now" to the program.

use std::ffi::OsString;
use std::process::{Command as ProcessCommand, ExitCode};
#[cfg(unix)]
use std::sync::{Arc, Mutex};

use clap::{Arg, ArgMatches, Command, value_parser};

use super::role_target::{self, Credentials, RoleTarget};
use super::session_verbs::Session;
use crate::auth::format_unix;

/// Variables of the parent environment that could make an SDK use other credentials or another
/// profile than the role's.
pub const STRIPPED: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_ACCOUNT_ID",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// Exit codes when the program cannot be started, as POSIX shells use them.
const EXIT_NOT_FOUND: u8 = 127;
const EXIT_NOT_EXECUTABLE: u8 = 126;

pub fn command() -> Command {
    let command = Command::new("exec")
        .about("Run a program with the role's credentials and region in its environment (no shell)")
        .long_about(
            "Run PROGRAM with the role's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, \
             AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION) and region (AWS_REGION, AWS_DEFAULT_REGION) \
             in its environment. The parent's AWS credential variables and AWS_PROFILE are removed. \
             No shell is involved; exit code, stdin, stdout and stderr pass through, and signals are \
             forwarded.\n\nExample: mcp-aws-sso exec --account-id 123456789012 --role-name ReadOnly -- terraform plan",
        );
    role_target::add_args(command).arg(
        Arg::new("program")
            .value_name("PROGRAM")
            .required(true)
            .num_args(1..)
            .last(true)
            .value_parser(value_parser!(OsString))
            .help("The program and its arguments, after `--`"),
    )
}

pub async fn run(session: &Session, matches: &ArgMatches) -> ExitCode {
    let target = RoleTarget::from_matches(session, matches);
    let argv: Vec<OsString> = matches
        .get_many::<OsString>("program")
        .map(|values| values.cloned().collect())
        .unwrap_or_default();
    let credentials = match role_target::role_credentials(session, &target).await {
        Ok(credentials) => credentials,
        Err(error) => return role_target::fail(&error),
    };
    let mut command = ProcessCommand::new(&argv[0]);
    command.args(&argv[1..]);
    apply_environment(&mut command, &credentials, &target);
    run_forwarding_signals(command, &argv[0])
}

/// Strips the parent's credential variables and sets the role's.
pub fn apply_environment(command: &mut ProcessCommand, credentials: &Credentials, target: &RoleTarget) {
    for name in STRIPPED {
        command.env_remove(name);
    }
    command
        .env("AWS_ACCESS_KEY_ID", &credentials.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &credentials.secret_access_key)
        .env("AWS_SESSION_TOKEN", &credentials.session_token)
        .env("AWS_CREDENTIAL_EXPIRATION", format_unix(credentials.expiration))
        .env("AWS_ACCOUNT_ID", &target.account_id);
    if let Some(region) = &target.region {
        command.env("AWS_REGION", region).env("AWS_DEFAULT_REGION", region);
    }
}

fn spawn_failure(program: &OsString, error: &std::io::Error) -> ExitCode {
    let program = program.to_string_lossy();
    eprintln!("error: cannot run `{program}`: {error}");
    ExitCode::from(match error.kind() {
        std::io::ErrorKind::NotFound => EXIT_NOT_FOUND,
        _ => EXIT_NOT_EXECUTABLE,
    })
}

#[cfg(unix)]
fn run_forwarding_signals(mut command: ProcessCommand, program: &OsString) -> ExitCode {
    use std::os::unix::process::ExitStatusExt;

    use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    use signal_hook::low_level::siginfo::Cause;

    // Installed before the program starts, so no signal in between can kill us and orphan it.
    // The program starts with default dispositions: exec resets handled signals.
    let mut signals = match SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]) {
        Ok(signals) => signals,
        Err(error) => {
            eprintln!("error: cannot install signal handlers: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => return spawn_failure(program, &error),
    };
    let pid = child.id() as libc::pid_t;
    // True until the program has exited; checked under the lock before every kill(2), so a
    // signal never goes to a pid that was reaped and reused.
    let running = Arc::new(Mutex::new(true));
    let handle = signals.handle();
    let forwarder = {
        let running = running.clone();
        std::thread::spawn(move || {
            for origin in signals.forever() {
                // The terminal delivered this one to the whole process group already.
                if matches!(origin.cause, Cause::Kernel) {
                    continue;
                }
                let running = running.lock().unwrap_or_else(|p| p.into_inner());
                if *running {
                    // SAFETY: kill(2) has no memory-safety preconditions, and `pid` is our
                    // unreaped child while `running` holds (see `wait_without_reaping`).
                    unsafe {
                        libc::kill(pid, origin.signal);
                    }
                }
            }
        })
    };
    wait_without_reaping(pid);
    *running.lock().unwrap_or_else(|p| p.into_inner()) = false;
    let status = child.wait();
    handle.close();
    let _ = forwarder.join();
    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1)),
            (None, Some(signal)) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(255)),
            (None, None) => ExitCode::FAILURE,
        },
        Err(error) => {
            eprintln!("error: lost track of `{}`: {error}", program.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}

/// Blocks until the child `pid` has exited, leaving it a zombie (`WNOWAIT`): its pid stays ours
/// until `Child::wait` reaps it.
#[cfg(unix)]
fn wait_without_reaping(pid: libc::pid_t) {
    loop {
        // SAFETY: `info` is a plain C struct that waitid(2) fills in; zeroed is a valid value.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: a valid pointer to `info`, and a pid that is our child.
        let result = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
        if result == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
}

#[cfg(not(unix))]
fn run_forwarding_signals(mut command: ProcessCommand, program: &OsString) -> ExitCode {
    // Windows delivers Ctrl-C to every process on the console, the program included.
    match command.status() {
        Ok(status) => ExitCode::from(u8::try_from(status.code().unwrap_or(1) & 0xff).unwrap_or(1)),
        Err(error) => spawn_failure(program, &error),
    }
}
