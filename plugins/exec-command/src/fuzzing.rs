//! Entry points for the fuzz targets (`fuzz/`) and the property tests (`tests/properties.rs`);
//! not part of the plugin's API. Each function checks the properties itself and panics when one
//! is broken, so a fuzzer or proptest only has to feed it input.
//!
//! The read-only property is checked against a second, independent reading of the command line:
//! [`cli_view`] replays Python `argparse` as the AWS CLI configures it (abbreviations *accepted*,
//! as the CLI accepts them), and [`is_read_only_operation`] re-states the allow rules from the
//! module doc of `read_only`. If the policy allows a command, the CLI must find the same service
//! and operation, and that pair must be a read.

use crate::cli_grammar::{self, GLOBAL_OPTIONS};
use crate::command_line::CommandLine;
use crate::read_only;

/// What the AWS CLI itself makes of the words after `aws`: `Err` when its parser would refuse
/// the line (ambiguous abbreviation, missing value), else `(service, operation)`.
pub fn cli_view(args: &[String]) -> Result<(Option<String>, Option<String>), String> {
    let option_like = |w: &str| {
        w.starts_with('-') && w.len() > 1 && {
            let digits = &w[1..];
            let negative = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                || digits.split_once('.').is_some_and(|(a, b)| {
                    a.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit())
                });
            !negative
        }
    };
    // argparse's `_parse_optional`: exact name, `name=value`, unique prefix, else unknown.
    let global = |w: &str| -> Result<Option<(bool, bool)>, String> {
        if !option_like(w) {
            return Ok(None);
        }
        if let Some(&(_, _, takes)) = GLOBAL_OPTIONS.iter().find(|(n, _, _)| *n == w) {
            return Ok(Some((takes, false)));
        }
        let (name, has_value) = match w.split_once('=') {
            Some((name, _)) => (name, true),
            None => (w, false),
        };
        if let Some(&(_, _, takes)) = GLOBAL_OPTIONS.iter().find(|(n, _, _)| *n == name) {
            return Ok(Some((takes, has_value)));
        }
        if w.starts_with("--") {
            let matches: Vec<_> = GLOBAL_OPTIONS.iter().filter(|(n, _, _)| n.starts_with(name)).collect();
            match matches.as_slice() {
                [] => {}
                [(_, _, takes)] => return Ok(Some((*takes, has_value))),
                _ => return Err(format!("ambiguous option {name}")),
            }
        }
        Ok(None)
    };
    let mut positionals = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let w = args[i].as_str();
        if w == "--" {
            return Err("end of options".into());
        }
        match global(w)? {
            Some((true, false)) => match args.get(i + 1) {
                Some(next) if next != "--" && (!option_like(next) || next.contains(' ')) && global(next)?.is_none() => {
                    i += 1
                }
                _ => return Err(format!("{w} expects a value")),
            },
            Some((false, true)) => return Err(format!("{w} takes no value")),
            Some(_) => {}
            // Unknown options go to the service's parser; positionals are the service, then
            // the operation (the service parser's first positional).
            None if option_like(w) && !w.contains(' ') => {}
            None => positionals.push(w.to_string()),
        }
        i += 1;
    }
    Ok((positionals.first().cloned(), positionals.get(1).cloned()))
}

/// The read-only allow rules, stated again from `read_only`'s documentation: read prefixes and
/// named reads, never a credential-minting operation (the policy's own list of those), `configure` only as `list`, `s3 cp` only
/// from S3 to stdout, and `help` anywhere.
pub fn is_read_only_operation(service: &str, operation: &str, rest: &[&str]) -> bool {
    const PREFIXES: &[&str] = &[
        "describe-",
        "list-",
        "get-",
        "batch-get-",
        "head-",
        "search-",
        "lookup-",
        "filter-",
    ];
    const NAMED: &[(&str, &str)] = &[
        ("s3", "ls"),
        ("dynamodb", "query"),
        ("dynamodb", "scan"),
        ("logs", "tail"),
        ("sts", "decode-authorization-message"),
        ("iam", "simulate-principal-policy"),
        ("iam", "simulate-custom-policy"),
        ("cloudformation", "validate-template"),
        ("configure", "list"),
    ];
    if rest == ["help"] {
        return true;
    }
    if service == "help" {
        return false;
    }
    if service == "configure" {
        return operation == "list";
    }
    if (service, operation) == ("s3", "cp") {
        let positional: Vec<&&str> = rest.iter().filter(|w| !cli_grammar::is_option_word(w)).collect();
        return matches!(positional.as_slice(), [src, dst] if src.starts_with("s3://") && **dst == "-");
    }
    if read_only::is_credential_operation(service, operation) {
        return false;
    }
    PREFIXES.iter().any(|p| operation.starts_with(p))
        || NAMED.contains(&(service, operation))
        || operation == "wait"
        || operation == "help"
}

/// One command line through the whole pre-run reading: shell scan and split, grammar, read-only
/// policy. Panics when a property breaks: a panic inside, a split that does not survive
/// render → parse, a grammar view the CLI does not share, or an allowed non-read.
pub fn check_command(command: &str) {
    let Ok(line) = CommandLine::parse(command) else { return };
    check_args(line.args.clone());
    // Render → parse: quoting the words again gives the same words back.
    let rendered = shell_words::join(std::iter::once("aws").chain(line.args.iter().map(String::as_str)));
    if let Ok(again) = CommandLine::parse(&rendered) {
        assert_eq!(
            again.args, line.args,
            "render → parse changed the words of {command:?} ({rendered:?})"
        );
    }
}

/// The words after `aws` through the grammar and the read-only policy (see [`check_command`]).
pub fn check_args(args: Vec<String>) {
    let Ok(invocation) = cli_grammar::parse(args.clone()) else {
        return;
    };
    let _ = invocation.what();
    if read_only::check(&invocation).is_err() {
        return;
    }
    let cli = cli_view(&args).unwrap_or_else(|e| panic!("read-only allowed {args:?}, which the CLI refuses: {e}"));
    assert_eq!(
        cli,
        (invocation.service.clone(), invocation.operation.clone()),
        "the grammar and the CLI disagree on {args:?}"
    );
    if let (Some(service), Some(operation)) = (&cli.0, &cli.1) {
        let rest: Vec<&str> = invocation.rest_words().collect();
        assert!(
            is_read_only_operation(service, operation, &rest),
            "read-only allowed `{service} {operation}` ({args:?})"
        );
    } else if let (Some(service), None) = (&cli.0, &cli.1) {
        assert_eq!(service, "help", "read-only allowed the bare service {args:?}");
    }
}
