//! Opening the verification URL in the user's browser.
//!
//! `BROWSER` wins, with the conventions of `xdg-open`, Python's `webbrowser` and git: a
//! `:`-separated list of commands tried in order, each split with shell-word rules, where `%s`
//! stands for the URL (else the URL is the last argument). Without it: `open` on macOS,
//! `xdg-open` on other Unix systems when a display is available, `start` on Windows.
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
    let candidates = commands(url)?;
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

fn commands(url: &str) -> Result<Vec<Vec<String>>, String> {
    if let Some(value) = std::env::var_os("BROWSER").filter(|v| !v.is_empty()) {
        let value = value.to_string_lossy().into_owned();
        let commands: Vec<Vec<String>> = value
            .split(':')
            .filter(|entry| !entry.trim().is_empty())
            .filter_map(|entry| shell_words::split(entry).ok())
            .filter(|argv| !argv.is_empty())
            .map(|argv| with_url(argv, url))
            .collect();
        if commands.is_empty() {
            return Err(format!("BROWSER is set to `{value}`, which names no command"));
        }
        return Ok(commands);
    }
    default_commands(url)
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

#[cfg(target_os = "macos")]
fn default_commands(url: &str) -> Result<Vec<Vec<String>>, String> {
    Ok(vec![vec!["open".to_string(), url.to_string()]])
}

#[cfg(windows)]
fn default_commands(url: &str) -> Result<Vec<Vec<String>>, String> {
    Ok(vec![vec![
        "cmd".into(),
        "/C".into(),
        "start".into(),
        "".into(),
        url.replace('&', "^&"),
    ]])
}

#[cfg(all(unix, not(target_os = "macos")))]
fn default_commands(url: &str) -> Result<Vec<Vec<String>>, String> {
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if !has_display {
        return Err(
            "no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set, and BROWSER is not set)".to_string(),
        );
    }
    Ok(vec![vec!["xdg-open".to_string(), url.to_string()]])
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
