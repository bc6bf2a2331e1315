//! How the built-in tools' text names a tool or an argument, for whoever reads it: a model sees
//! the MCP names (`aws_sso_ls_accounts` with `refresh: true`), a person at a terminal sees what to
//! type (`mcp-aws-sso ls-accounts --refresh`). Every hint in the built-in renderers goes through
//! [`Mention`], so the CLI never tells a person to call an MCP tool, and a model is never told to
//! run a command line.

use serde_json::Value;

use crate::call_context::{CallContext, FrontEnd};
use crate::cli::tool_command::kebab_case;
use crate::registry::cli_verb;

/// The tools the built-in texts point to.
pub const LOGIN: &str = "aws_sso_login";
pub const STATUS: &str = "aws_sso_status";
pub const LS_ACCOUNTS: &str = "aws_sso_ls_accounts";
pub const EXEC_COMMAND: &str = "aws_sso_exec_command";

/// Names tools and arguments for one front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention(FrontEnd);

impl Mention {
    pub fn new(front_end: FrontEnd) -> Self {
        Mention(front_end)
    }

    pub fn for_call(ctx: &CallContext) -> Self {
        Mention::new(ctx.front_end)
    }

    /// A tool, in backticks: `` `aws_sso_ls_accounts` `` or `` `mcp-aws-sso ls-accounts` ``.
    pub fn tool(self, tool: &str) -> String {
        self.call(tool, &[])
    }

    /// A tool with arguments: `` `aws_sso_ls_accounts` with `refresh: true` `` for a model,
    /// `` `mcp-aws-sso ls-accounts --refresh` `` for a person.
    pub fn call(self, tool: &str, args: &[(&str, Value)]) -> String {
        match self.0 {
            FrontEnd::Mcp if args.is_empty() => format!("`{tool}`"),
            FrontEnd::Mcp => {
                let args: Vec<String> = args.iter().map(|(name, value)| self.arg(name, Some(value))).collect();
                format!("`{tool}` with {}", args.join(" and "))
            }
            FrontEnd::Cli => {
                let mut line = format!("mcp-aws-sso {}", cli_verb(tool));
                for (name, value) in args {
                    line.push(' ');
                    line.push_str(&flag(name, Some(value)));
                }
                format!("`{line}`")
            }
        }
    }

    /// An argument, in backticks: `` `refresh: true` `` / `` `--refresh` ``; without a value,
    /// the bare name: `` `filter` `` / `` `--filter` ``.
    pub fn arg(self, name: &str, value: Option<&Value>) -> String {
        match (self.0, value) {
            (FrontEnd::Mcp, None) => format!("`{name}`"),
            (FrontEnd::Mcp, Some(value)) => format!("`{name}: {value}`"),
            (FrontEnd::Cli, value) => format!("`{}`", flag(name, value)),
        }
    }
}

/// An error text from outside the built-in renderers (the `sso` crate, a plugin) for a person at
/// the terminal: each backticked name of one of `tools` becomes the command to type, so
/// "Run `aws_sso_login` to sign in." reads "Run `mcp-aws-sso login` to sign in.". Only whole
/// backticked names are rewritten, never words inside other text.
pub fn for_people<'a>(text: &str, tools: impl IntoIterator<Item = &'a str>) -> String {
    tools.into_iter().fold(text.to_owned(), |text, tool| {
        let command = format!("`mcp-aws-sso {}`", cli_verb(tool));
        text.replace(&format!("the `{tool}` tool"), &command)
            .replace(&format!("`{tool}`"), &command)
    })
}

/// The flag the CLI generates for a schema property (see `cli::tool_command`): `true` is the
/// switch itself, `false` its `--no-` form, other values follow the flag.
fn flag(name: &str, value: Option<&Value>) -> String {
    let name = kebab_case(name);
    match value {
        None | Some(Value::Bool(true)) => format!("--{name}"),
        Some(Value::Bool(false)) => format!("--no-{name}"),
        Some(Value::String(text)) => format!("--{name} {text}"),
        Some(other) => format!("--{name} {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_texts_for_people_name_commands_for_known_tools_only() {
        let tools = [LOGIN, LS_ACCOUNTS, "team_tool"];
        assert_eq!(
            for_people("You are not logged in. Run `aws_sso_login` to sign in.", tools),
            "You are not logged in. Run `mcp-aws-sso login` to sign in."
        );
        assert_eq!(
            for_people("Call the `team_tool` tool, then `aws_sso_ls_accounts`.", tools),
            "Call `mcp-aws-sso team-tool`, then `mcp-aws-sso ls-accounts`."
        );
        let untouched = "aws_sso_login without backticks, `aws_sso_login_x`, `other_tool`";
        assert_eq!(for_people(untouched, tools), untouched);
    }

    #[test]
    fn a_model_reads_tool_names_and_a_person_reads_commands() {
        let mcp = Mention::new(FrontEnd::Mcp);
        let cli = Mention::new(FrontEnd::Cli);
        assert_eq!(mcp.tool(LS_ACCOUNTS), "`aws_sso_ls_accounts`");
        assert_eq!(cli.tool(LS_ACCOUNTS), "`mcp-aws-sso ls-accounts`");
        assert_eq!(cli.tool(EXEC_COMMAND), "`mcp-aws-sso exec-command`");
        assert_eq!(
            mcp.call(LS_ACCOUNTS, &[("refresh", json!(true))]),
            "`aws_sso_ls_accounts` with `refresh: true`"
        );
        assert_eq!(
            cli.call(LS_ACCOUNTS, &[("refresh", json!(true))]),
            "`mcp-aws-sso ls-accounts --refresh`"
        );
        assert_eq!(
            cli.call(LOGIN, &[("launchBrowser", json!(false))]),
            "`mcp-aws-sso login --no-launch-browser`"
        );
        assert_eq!(mcp.arg("filter", None), "`filter`");
        assert_eq!(cli.arg("filter", None), "`--filter`");
        assert_eq!(cli.arg("refresh", Some(&json!(true))), "`--refresh`");
    }
}
