//! Every flag and verb of the CLI, defined once. Tool verbs are generated from the registry.

use clap::{Arg, ArgAction, Command, value_parser};

use super::tool_command::command_for;
use crate::app::App;

pub fn build(app: &App) -> Command {
    let mut command = Command::new("mcp-aws-sso")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "MCP server and CLI for AWS through AWS IAM Identity Center (AWS SSO), with short-lived credentials only",
        )
        .long_about(
            "MCP server and CLI for AWS through AWS IAM Identity Center (AWS SSO).\n\n\
             With no verb, serves MCP on stdio (or streamable HTTP with TRANSPORT_MODE=http).\n\
             Every tool is also a verb; run `mcp-aws-sso VERB --help` for its flags.",
        )
        .subcommand_required(false)
        .subcommand(
            Command::new("serve")
                .about("Serve MCP on stdio (default) or streamable HTTP")
                .arg(
                    Arg::new("transport")
                        .long("transport")
                        .value_parser(["stdio", "http"])
                        .help("Transport; default from TRANSPORT_MODE, else stdio"),
                )
                .arg(
                    Arg::new("host")
                        .long("host")
                        .help("HTTP bind address; default from MCP_AWS_SSO_HTTP_HOST, else 127.0.0.1"),
                )
                .arg(
                    // Checked when serving, by the same rule and with the same message as PORT.
                    Arg::new("port")
                        .long("port")
                        .help("HTTP port (0 picks a free one); default from PORT, else 3000"),
                )
                .arg(Arg::new("token").long("token").conflicts_with("token-file").help(
                    "Bearer token HTTP clients must send; visible in `ps`: prefer --token-file or \
                             MCP_AWS_SSO_HTTP_TOKEN (the default)",
                ))
                .arg(
                    Arg::new("token-file")
                        .long("token-file")
                        .value_name("PATH")
                        .value_parser(value_parser!(std::path::PathBuf))
                        .help("Read the bearer token from the first line of this file (chmod 600 it)"),
                ),
        )
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script (tool verbs and flags included)")
                .long_about(
                    "Print a shell completion script. Examples:\n  \
                     mcp-aws-sso completions bash > ~/.local/share/bash-completion/completions/mcp-aws-sso\n  \
                     mcp-aws-sso completions zsh > ~/.zfunc/_mcp-aws-sso\n  \
                     mcp-aws-sso completions fish > ~/.config/fish/completions/mcp-aws-sso.fish",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell))
                        .help("bash, zsh, fish, elvish or powershell"),
                ),
        )
        .subcommand(
            Command::new("doctor")
                .about("Check configuration, SSO session, the aws CLI, plugins and network; exit 1 on problems")
                .arg(
                    Arg::new("json")
                        .long("json")
                        .action(ArgAction::SetTrue)
                        .help("Print as JSON"),
                ),
        )
        .subcommand(
            Command::new("plugins")
                .about("List plugin directories, loaded plugins and their tools, and skipped files with the reason")
                .arg(
                    Arg::new("json")
                        .long("json")
                        .action(ArgAction::SetTrue)
                        .help("Print as JSON"),
                )
                .subcommand(
                    Command::new("new")
                        .about("Create a new plugin crate with one working tool and a test")
                        .arg(
                            Arg::new("name")
                                .required(true)
                                .help("Plugin name, kebab-case (e.g. team-tools)"),
                        )
                        .arg(
                            Arg::new("dir")
                                .long("dir")
                                .value_parser(value_parser!(std::path::PathBuf))
                                .help("Directory to create the crate in [default: .]"),
                        )
                        .arg(
                            Arg::new("plugin-api-path")
                                .long("plugin-api-path")
                                .value_parser(value_parser!(std::path::PathBuf))
                                .help("Depend on a local plugin-api checkout instead of the published version"),
                        ),
                ),
        );
    for verb in super::session_verbs::commands() {
        command = command.subcommand(verb);
    }
    for entry in app.registry.tools() {
        // The host's `console` verb is the CLI face of the `aws_sso_console` tool (it can also
        // --print the URL, which the tool never returns), so the tool gets no verb of its own.
        if super::session_verbs::NAMES.contains(&crate::registry::cli_verb(&entry.spec.name).as_str()) {
            continue;
        }
        command = command.subcommand(command_for(&entry.spec));
    }
    command
}
