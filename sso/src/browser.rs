//! Opening the verification URL in the user's browser.
//!
//! `BROWSER` wins, with the conventions of `xdg-open`, Python's `webbrowser` and git: a
//! `:`-separated list of commands tried in order, each split with shell-word rules, where `%s`
//! stands for the URL (else the URL is the last argument). `BROWSER` is read here, not by a
//! crate: `open` ignores it, and `webbrowser` reads it only on some platforms and by its own
//! rules, while the AWS CLI (through Python's `webbrowser`) honours it everywhere. Without it:
//! the launchers of the `open` crate, whose Windows quoting is right; on Unix systems other than
//! macOS only when a display is available.
//!
//! The browser's standard streams are closed: in stdio mode our stdout carries the MCP protocol,
//! and a browser that prints to it would corrupt the session.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a launcher may take to fail before we count it as opened. `xdg-open` and `open`
/// exit at once; a browser started directly keeps running, which is success too.
const SETTLE: Duration = Duration::from_millis(1500);

/// Opens `url`; `Err` says why no browser could be started.
pub async fn open(url: &str) -> Result<(), String> {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || open_blocking(&url))
        .await
        .unwrap_or_else(|e| Err(format!("the browser launcher failed: {e}")))
}

fn open_blocking(url: &str) -> Result<(), String> {
    let Some(browser) = std::env::var_os("BROWSER").filter(|v| !v.is_empty()) else {
        return open_with_the_system_launcher(url);
    };
    let browser = browser.to_string_lossy().into_owned();
    let candidates = browser_commands(&browser, url);
    if candidates.is_empty() {
        return Err(format!("BROWSER is set to `{browser}`, which names no command"));
    }
    let mut failures = Vec::new();
    for argv in candidates {
        match launch(&argv) {
            Ok(()) => {
                tracing::debug!("opened the browser with `{}`", argv[0]);
                return Ok(());
            }
            Err(reason) => failures.push(format!("`{}`: {reason}", argv[0])),
        }
    }
    Err(failures.join("; "))
}

/// The commands `BROWSER` names, each with the URL in its place.
fn browser_commands(browser: &str, url: &str) -> Vec<Vec<String>> {
    browser
        .split(':')
        .filter(|entry| !entry.trim().is_empty())
        .filter_map(|entry| shell_words::split(entry).ok())
        .filter(|argv| !argv.is_empty())
        .map(|argv| with_url(argv, url))
        .collect()
}

/// Puts the URL in place of `%s`, or last.
fn with_url(mut argv: Vec<String>, url: &str) -> Vec<String> {
    if argv.iter().any(|arg| arg.contains("%s")) {
        for arg in &mut argv {
            *arg = arg.replace("%s", url);
        }
    } else {
        argv.push(url.to_string());
    }
    argv
}

/// The platform's launchers, from the `open` crate: `open` on macOS; on Windows a launch that
/// passes the URL without `cmd` quoting, so `&` in a query string survives; `xdg-open`, `gio`
/// and the WSL bridge elsewhere, each watched for [`SETTLE`] like a `BROWSER` command. On other
/// Unix systems only when a display is available: over SSH `xdg-open` would start a text browser
/// on our closed streams, or nothing.
fn open_with_the_system_launcher(url: &str) -> Result<(), String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        if !has_display {
            return Err(
                "no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set, and BROWSER is not set)".to_string(),
            );
        }
    }
    open::that_detached_with_timeout(url, SETTLE).map_err(|e| format!("the system browser launcher failed: {e}"))
}

fn launch(argv: &[String]) -> Result<(), String> {
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("exited with {status}")),
            Ok(None) if started.elapsed() >= SETTLE => {
                // Still running: a browser started directly. Reap it whenever it ends.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_is_a_colon_separated_list_of_shell_words() {
        let url = "https://x.example/?a=1&b=2";
        assert_eq!(
            browser_commands("'/tmp/my browser.sh' %s::firefox", url),
            vec![
                vec!["/tmp/my browser.sh".to_string(), url.to_string()],
                vec!["firefox".to_string(), url.to_string()],
            ]
        );
        assert!(browser_commands(" : ", url).is_empty());
    }

    #[test]
    fn the_url_replaces_percent_s_or_goes_last() {
        let url = "https://device.example/?user_code=ABCD-EFGH";
        assert_eq!(
            with_url(vec!["firefox".into()], url),
            vec!["firefox".to_string(), url.to_string()]
        );
        assert_eq!(
            with_url(vec!["sh".into(), "-c".into(), "echo %s".into()], url),
            vec!["sh".to_string(), "-c".to_string(), format!("echo {url}")]
        );
    }
}
