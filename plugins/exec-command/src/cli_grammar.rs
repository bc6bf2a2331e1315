//! The AWS CLI's own grammar of the words after `aws`: its global options (a closed list, the
//! union of v1 and v2), and where the service and operation are.
//!
//! The AWS CLI parses the command line with Python's `argparse`, in two steps. The main parser
//! knows only the global options and one positional, the service. It looks at *every* word: a
//! global option is recognised anywhere in the line (`aws s3 ls --region x` works), and — since
//! `argparse` abbreviates — so is any unambiguous prefix of one (`--reg`, `--quer`, `--prof`,
//! `--pro=x`, `--endpoint`). The first word it does not take as an option or an option's value is
//! the service; the rest goes to the service's parser, whose first such word is the operation.
//!
//! [`parse`] replays the main parser exactly, but refuses instead of guessing: an abbreviated
//! global option is refused with the full name it stands for, a value option without its value is
//! refused, a `--` end-of-options marker is refused. So what the policies see (service,
//! operation, the globals and their values) is what the CLI will act on.

use std::fmt;

/// One global option of the AWS CLI (v1 or v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlobalOption {
    Debug,
    EndpointUrl,
    NoVerifySsl,
    NoPaginate,
    Output,
    Query,
    Profile,
    Region,
    Version,
    Color,
    NoSignRequest,
    CaBundle,
    CliReadTimeout,
    CliConnectTimeout,
    CliBinaryFormat,
    NoCliPager,
    CliAutoPrompt,
    NoCliAutoPrompt,
    V2Debug,
}

/// Every global option: its spelling and whether it takes a value. From the CLI's own
/// `awscli/data/cli.json` (v1 1.46 and v2 2.9; v2 adds the pager, auto-prompt and binary-format
/// options, v1 has `--v2-debug`). `--version` is added by the parser itself.
pub const GLOBAL_OPTIONS: &[(&str, GlobalOption, bool)] = &[
    ("--debug", GlobalOption::Debug, false),
    ("--endpoint-url", GlobalOption::EndpointUrl, true),
    ("--no-verify-ssl", GlobalOption::NoVerifySsl, false),
    ("--no-paginate", GlobalOption::NoPaginate, false),
    ("--output", GlobalOption::Output, true),
    ("--query", GlobalOption::Query, true),
    ("--profile", GlobalOption::Profile, true),
    ("--region", GlobalOption::Region, true),
    ("--version", GlobalOption::Version, false),
    ("--color", GlobalOption::Color, true),
    ("--no-sign-request", GlobalOption::NoSignRequest, false),
    ("--ca-bundle", GlobalOption::CaBundle, true),
    ("--cli-read-timeout", GlobalOption::CliReadTimeout, true),
    ("--cli-connect-timeout", GlobalOption::CliConnectTimeout, true),
    ("--cli-binary-format", GlobalOption::CliBinaryFormat, true),
    ("--no-cli-pager", GlobalOption::NoCliPager, false),
    ("--cli-auto-prompt", GlobalOption::CliAutoPrompt, false),
    ("--no-cli-auto-prompt", GlobalOption::NoCliAutoPrompt, false),
    ("--v2-debug", GlobalOption::V2Debug, false),
];

impl GlobalOption {
    pub fn name(self) -> &'static str {
        GLOBAL_OPTIONS
            .iter()
            .find(|(_, option, _)| *option == self)
            .map(|(name, _, _)| *name)
            .unwrap_or("?")
    }

    fn takes_value(self) -> bool {
        GLOBAL_OPTIONS
            .iter()
            .any(|(_, option, value)| *option == self && *value)
    }
}

/// A global option as the command uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalUse {
    pub option: GlobalOption,
    pub value: Option<String>,
}

/// The command line, understood as the AWS CLI's main parser understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The words after `aws`, as given.
    pub args: Vec<String>,
    /// Global options in order of appearance (the CLI keeps the last of a repeated one).
    pub globals: Vec<GlobalUse>,
    pub service: Option<String>,
    pub operation: Option<String>,
    /// Indexes into `args` of the words the service's parser gets after the operation (its
    /// options, their values, positionals), in order.
    pub rest: Vec<usize>,
}

impl Invocation {
    /// The value of the last use of a global option, if it has one.
    pub fn global_value(&self, option: GlobalOption) -> Option<&str> {
        self.globals
            .iter()
            .rev()
            .find(|g| g.option == option)
            .and_then(|g| g.value.as_deref())
    }

    /// The words after the operation.
    pub fn rest_words(&self) -> impl Iterator<Item = &str> {
        self.rest.iter().map(|&i| self.args[i].as_str())
    }

    /// `service operation`, for messages.
    pub fn what(&self) -> String {
        match (&self.service, &self.operation) {
            (Some(s), Some(o)) => format!("{s} {o}"),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        }
    }
}

/// Why the command line is not one the grammar accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrammarError {
    #[error(
        "Refused: `{typed}` is not a global option of the AWS CLI; the CLI would take it as an abbreviation of {}. \
         Global options must be written in full here: write {}.",
        list(candidates),
        list(candidates)
    )]
    Abbreviated {
        typed: String,
        candidates: Vec<&'static str>,
    },
    #[error("Refused: the global option `{0}` needs a value right after it (e.g. `{0} VALUE` or `{0}=VALUE`).")]
    MissingValue(&'static str),
    #[error("Refused: the global option `{0}` takes no value; remove `={1}`.")]
    UnexpectedValue(&'static str, String),
    #[error(
        "Refused: a bare `--` (end of options) is not supported here; remove it, and quote values that start with `-`."
    )]
    EndOfOptions,
}

fn list(candidates: &[&str]) -> String {
    let quoted: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// What `argparse` in the main parser makes of one word.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// A positional word, or a value (argparse's `A`).
    Plain,
    Global(GlobalOption, Option<String>),
    Abbreviation(String, Vec<&'static str>),
    /// An option the main parser does not know: it goes to the service's parser.
    Other,
}

fn exact(name: &str) -> Option<GlobalOption> {
    GLOBAL_OPTIONS.iter().find(|(n, _, _)| *n == name).map(|(_, o, _)| *o)
}

/// `argparse`'s `_parse_optional` for the main parser (Python 3.11, `allow_abbrev=True`).
fn classify(word: &str) -> Word {
    if word.is_empty() || !word.starts_with('-') {
        return Word::Plain;
    }
    if let Some(option) = exact(word) {
        return Word::Global(option, None);
    }
    if word.len() == 1 {
        return Word::Plain;
    }
    if let Some((name, value)) = word.split_once('=')
        && let Some(option) = exact(name)
    {
        return Word::Global(option, Some(value.to_string()));
    }
    // Only `--`-words can abbreviate a global option: single-dash words are matched against short
    // options, and the CLI has none.
    if word.starts_with("--") {
        let prefix = word.split_once('=').map_or(word, |(name, _)| name);
        let candidates: Vec<&'static str> = GLOBAL_OPTIONS
            .iter()
            .map(|(n, _, _)| *n)
            .filter(|n| n.starts_with(prefix))
            .collect();
        if !candidates.is_empty() {
            return Word::Abbreviation(prefix.to_string(), candidates);
        }
    }
    if looks_like_negative_number(word) || word.contains(' ') {
        return Word::Plain;
    }
    Word::Other
}

/// argparse's `^-\d+$|^-\d*\.\d+$`.
fn looks_like_negative_number(word: &str) -> bool {
    let Some(digits) = word.strip_prefix('-') else {
        return false;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(digits)
        || digits
            .split_once('.')
            .is_some_and(|(int, frac)| int.bytes().all(|b| b.is_ascii_digit()) && all_digits(frac))
}

/// Whether the service's parser would take `word` as an option rather than a value or
/// positional (the same `argparse` rule, for parsers whose options we do not list).
pub fn is_option_word(word: &str) -> bool {
    word.starts_with('-') && word.len() > 1 && !looks_like_negative_number(word) && !word.contains(' ')
}

/// Parses the words after `aws`.
pub fn parse(args: Vec<String>) -> Result<Invocation, GrammarError> {
    let mut globals = Vec::new();
    let mut positionals = Vec::new();
    let mut other = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        if word == "--" {
            return Err(GrammarError::EndOfOptions);
        }
        match classify(word) {
            Word::Plain => positionals.push(i),
            Word::Other => other.push(i),
            Word::Abbreviation(typed, candidates) => return Err(GrammarError::Abbreviated { typed, candidates }),
            Word::Global(option, Some(value)) => {
                if !option.takes_value() {
                    return Err(GrammarError::UnexpectedValue(option.name(), value));
                }
                globals.push(GlobalUse {
                    option,
                    value: Some(value),
                });
            }
            Word::Global(option, None) if option.takes_value() => {
                let value = args.get(i + 1).filter(|next| classify(next) == Word::Plain);
                let Some(value) = value else {
                    return Err(GrammarError::MissingValue(option.name()));
                };
                globals.push(GlobalUse {
                    option,
                    value: Some(value.clone()),
                });
                i += 1;
            }
            Word::Global(option, None) => globals.push(GlobalUse { option, value: None }),
        }
        i += 1;
    }
    let service = positionals.first().map(|&i| args[i].clone());
    let operation = positionals.get(1).map(|&i| args[i].clone());
    let mut rest: Vec<usize> = positionals.iter().skip(2).copied().chain(other).collect();
    // Options before the operation also reach the service's parser; keep the line's order.
    rest.sort_unstable();
    Ok(Invocation {
        args,
        globals,
        service,
        operation,
        rest,
    })
}

impl fmt::Display for GlobalOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        shell_words::split(line).unwrap().into_iter().skip(1).collect()
    }

    fn parsed(line: &str) -> Invocation {
        parse(words(line)).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    #[test]
    fn service_and_operation_skip_global_values_anywhere() {
        let inv = parsed("aws --region eu-west-1 --no-paginate s3api --output=json list-buckets extra");
        assert_eq!(inv.service.as_deref(), Some("s3api"));
        assert_eq!(inv.operation.as_deref(), Some("list-buckets"));
        assert_eq!(inv.rest_words().collect::<Vec<_>>(), ["extra"]);
        assert_eq!(inv.global_value(GlobalOption::Output), Some("json"));
        let inv = parsed("aws s3 ls --query help --region us-east-1");
        assert_eq!(inv.what(), "s3 ls");
        assert_eq!(inv.global_value(GlobalOption::Query), Some("help"));
    }

    #[test]
    fn abbreviations_are_refused_with_the_full_name() {
        for (line, full) in [
            ("aws --quer help s3 rm s3://b/k", "--query"),
            ("aws --reg us-east-1 s3 rm s3://b/k", "--region"),
            ("aws --prof prod sts get-caller-identity", "--profile"),
            ("aws --pro=prod sts get-caller-identity", "--profile"),
            ("aws sts get-caller-identity --endpoint http://x", "--endpoint-url"),
            ("aws s3 ls --no-verify", "--no-verify-ssl"),
            ("aws s3 ls --o json", "--output"),
        ] {
            match parse(words(line)) {
                Err(GrammarError::Abbreviated { candidates, .. }) => assert_eq!(candidates, [full], "{line}"),
                other => panic!("{line}: {other:?}"),
            }
        }
        let text = parse(words("aws --no s3 ls")).unwrap_err().to_string();
        assert!(
            text.contains("`--no-verify-ssl`") && text.contains("`--no-paginate`"),
            "{text}"
        );
    }

    #[test]
    fn words_that_are_not_global_options_pass_to_the_service() {
        let inv = parsed("aws athena start-query-execution --query-string 'SELECT 1' --cli-input-json file://x.json");
        assert_eq!(inv.what(), "athena start-query-execution");
        assert!(inv.globals.is_empty());
        let inv = parsed("aws ec2 describe-instances -1 '--weird value'");
        assert_eq!(inv.rest_words().collect::<Vec<_>>(), ["-1", "--weird value"]);
    }

    #[test]
    fn values_and_markers() {
        assert_eq!(
            parse(words("aws s3 ls --region")).unwrap_err(),
            GrammarError::MissingValue("--region")
        );
        assert_eq!(
            parse(words("aws s3 ls --region --debug")).unwrap_err(),
            GrammarError::MissingValue("--region")
        );
        assert_eq!(
            parse(words("aws s3 ls --debug=yes")).unwrap_err(),
            GrammarError::UnexpectedValue("--debug", "yes".into())
        );
        assert_eq!(
            parse(words("aws s3 ls -- --profile x")).unwrap_err(),
            GrammarError::EndOfOptions
        );
        assert_eq!(
            parsed("aws --region=eu-west-1 s3 ls").global_value(GlobalOption::Region),
            Some("eu-west-1")
        );
    }
}
