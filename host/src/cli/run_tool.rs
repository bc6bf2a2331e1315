//! Running one tool from the command line: the result on stdout (laid out for people on a
//! terminal, markdown when piped, JSON with `--json`), errors on stderr.

use std::process::ExitCode;

use clap::ArgMatches;
use tokio_util::sync::CancellationToken;

use super::spinner::Spinner;
use super::terminal_markdown;
use super::tool_command::arguments_from;
use super::{EXIT_OK, EXIT_TOOL_ERROR, EXIT_USAGE};
use crate::app::App;
use crate::builtin::mention;
use crate::call_context::{CallContext, FrontEnd};
use crate::limits::output_cap;
use crate::registry::cli_verb;

pub async fn run(app: &App, verb: &str, matches: &ArgMatches) -> ExitCode {
    let Some(entry) = app.registry.tools().find(|t| cli_verb(&t.spec.name) == verb) else {
        eprintln!("error: unknown command `{verb}`; run `mcp-aws-sso --help` for the list");
        return ExitCode::from(EXIT_USAGE);
    };
    let args = match arguments_from(&entry.spec, matches) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let as_json = matches.get_flag("json");

    // First Ctrl-C asks the tool to stop (it cleans up, e.g. kills a child); the second one exits.
    let cancel = CancellationToken::new();
    let on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
            eprintln!("\nCancelling… press Ctrl-C again to exit at once.");
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });

    let spinner = Spinner::start(&entry.spec.title);
    let ctx = CallContext::new(FrontEnd::Cli, cancel, Some(spinner.sink())).with_notice(spinner.notice_sink());
    let outcome = app.registry.call(&entry.spec.name, args, ctx).await;
    spinner.finish();

    match outcome {
        Ok(mut output) => {
            if let Some(plugin) = app.registry.plugin_of(&entry.spec.name) {
                cap_output(app, &plugin.manifest.name, &mut output);
            }
            if as_json {
                let value = output
                    .structured
                    .clone()
                    .unwrap_or_else(|| serde_json::json!({ "text": output.text }));
                println!("{value:#}");
            } else {
                println!("{}", terminal_markdown::show(&output.text, terminal_markdown::wanted()));
            }
            ExitCode::from(if output.is_error { EXIT_TOOL_ERROR } else { EXIT_OK })
        }
        Err(error) => {
            let message = mention::for_people(&error.message, app.registry.tools().map(|t| t.spec.name.as_str()));
            if as_json {
                println!(
                    "{:#}",
                    serde_json::json!({ "error": { "kind": error.kind.as_str(), "message": message } })
                );
            }
            eprintln!("error: {message}");
            ExitCode::from(EXIT_TOOL_ERROR)
        }
    }
}

/// The output cap on the command line: the full text goes to a private file (mode 0600, only
/// this user can read it: tool output may hold anything), whose path the note names.
fn cap_output(app: &App, plugin: &str, output: &mut mcp_aws_sso_plugin_api::ToolOutput) {
    let max = app
        .config
        .plugin_config(plugin)
        .get("maxOutputChars")
        .and_then(serde_json::Value::as_u64)
        .map_or(app.config.max_output_chars, |n| n as usize);
    let Some(oversized) = output_cap::cap(output, max) else {
        return;
    };
    let saved = tempfile::Builder::new()
        .prefix("mcp-aws-sso-output-")
        .suffix(".md")
        .tempfile()
        .and_then(|file| file.keep().map_err(|e| e.error))
        .and_then(|(mut file, path)| {
            std::io::Write::write_all(&mut file, oversized.full_text.as_bytes())?;
            Ok(path)
        });
    let full_at = match saved {
        Ok(path) => {
            eprintln!("The full output is in {}", path.display());
            format!("The full output is in {} (readable only by you).", path.display())
        }
        Err(e) => format!("The full output could not be saved ({e})."),
    };
    output.text.push_str(&output_cap::note(&oversized, max, &full_at));
}
