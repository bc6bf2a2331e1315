//! `mcp-aws-sso plugins`: what was searched, what loaded, what was skipped and why.

use std::process::ExitCode;

use serde_json::json;

use super::{EXIT_OK, EXIT_TOOL_ERROR};
use crate::app::App;
use crate::plugins::PluginStatus;

pub fn print(app: &App, as_json: bool) -> ExitCode {
    let skipped = app
        .plugin_reports
        .iter()
        .filter(|r| matches!(r.status, PluginStatus::Skipped { .. }))
        .count();
    if as_json {
        let dirs: Vec<_> = app
            .plugin_dirs
            .iter()
            .map(|d| json!({"path": d.path, "refused": d.refused}))
            .collect();
        let plugins: Vec<_> = app
            .plugin_reports
            .iter()
            .map(|r| match &r.status {
                PluginStatus::Loaded {
                    name,
                    version,
                    plugin_api,
                    tools,
                } => json!({
                    "path": r.path, "status": "loaded", "name": name, "version": version,
                    "pluginApi": plugin_api, "tools": tools
                }),
                PluginStatus::Skipped { reason } => json!({"path": r.path, "status": "skipped", "reason": reason}),
            })
            .collect();
        println!("{:#}", json!({"directories": dirs, "plugins": plugins}));
    } else {
        for dir in &app.plugin_dirs {
            match &dir.refused {
                Some(reason) => println!("Plugin directory {} (refused: {reason})", dir.path.display()),
                None => println!("Plugin directory {}", dir.path.display()),
            }
        }
        if app.plugin_reports.is_empty() {
            println!("  no plugin files found");
        }
        for report in &app.plugin_reports {
            match &report.status {
                PluginStatus::Loaded {
                    name,
                    version,
                    plugin_api,
                    tools,
                } => {
                    println!(
                        "  loaded  {name} {version} (plugin-api {plugin_api})  {}",
                        report.path.display()
                    );
                    println!("          tools: {}", tools.join(", "));
                }
                PluginStatus::Skipped { reason } => {
                    println!("  skipped {}", report.path.display());
                    println!("          {reason}");
                }
            }
        }
    }
    // A skipped file is a problem worth a non-zero exit in scripts, but the host still runs.
    ExitCode::from(if skipped == 0 { EXIT_OK } else { EXIT_TOOL_ERROR })
}
