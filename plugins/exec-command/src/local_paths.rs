//! Local files the AWS CLI would read or write, confined to the work directory.
//!
//! The places where the CLI touches a local file are a closed list, found from the grammar:
//!
//! - a `file://` or `fileb://` value of any option (the CLI reads the file as the value);
//! - the local side of `s3 cp`, `s3 mv` and `s3 sync` (read when it is the source, written when
//!   it is the destination; `s3 mv` also deletes its source);
//! - the positional OUTFILE of an operation with a streaming response (`s3api get-object`,
//!   `lambda invoke`, ...), written; and the streaming request bodies (`s3api put-object
//!   --body`), read — both generated from botocore ([`crate::streaming_operations`]);
//! - the path options of a few customizations (`cloudformation package --output-template-file`,
//!   `iam create-virtual-mfa-device --outfile`, ...).
//!
//! Each path must be inside the work directory after canonicalisation: a relative path is taken
//! relative to it, `..` is refused outright, symlinks are resolved (a link out of the directory,
//! or a dangling one, is refused), and `~` and `$VAR` (which the CLI would expand) are refused.
//! The command then runs with the canonical absolute path in place of the one given, so what was
//! checked is what the CLI opens. In read-only mode nothing may be written at all.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::cli_grammar::{Invocation, is_option_word};
use crate::streaming_operations::{FILE_BODY_OPTIONS, OUTFILE_OPERATIONS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// Options of `s3 cp/mv/sync` that take a value (v1 and v2); every other option is a flag, so
/// the word after it is a path or an S3 URL, and is checked as one.
const S3_TRANSFER_VALUE_OPTIONS: &[&str] = &[
    "--acl",
    "--grants",
    "--sse",
    "--sse-c",
    "--sse-c-key",
    "--sse-kms-key-id",
    "--sse-c-copy-source",
    "--sse-c-copy-source-key",
    "--storage-class",
    "--website-redirect",
    "--content-type",
    "--cache-control",
    "--content-disposition",
    "--content-encoding",
    "--content-language",
    "--expires",
    "--metadata",
    "--metadata-directive",
    "--expected-size",
    "--exclude",
    "--include",
    "--source-region",
    "--page-size",
    "--checksum-mode",
    "--checksum-algorithm",
    "--copy-props",
    "--case-conflict",
    "--request-payer",
];

/// Path options of AWS CLI customizations: `(service, operation, option, access)`.
const CUSTOMIZATION_PATH_OPTIONS: &[(&str, &str, &str, Access)] = &[
    ("cloudformation", "package", "--template-file", Access::Read),
    ("cloudformation", "package", "--output-template-file", Access::Write),
    ("cloudformation", "deploy", "--template-file", Access::Read),
    ("iam", "create-virtual-mfa-device", "--outfile", Access::Write),
    ("eks", "update-kubeconfig", "--kubeconfig", Access::Write),
    ("ec2", "get-password-data", "--priv-launch-key", Access::Read),
    ("deploy", "push", "--source", Access::Read),
    ("gamelift", "upload-build", "--build-root", Access::Read),
    ("ecs", "deploy", "--task-definition", Access::Read),
    ("ecs", "deploy", "--codedeploy-appspec", Access::Read),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathRefusal {
    #[error(
        "Refused: `{given}` is outside the work directory {workdir}. Local files can only be read and written there \
         (relative paths are taken relative to it); `..` and symbolic links out of it are not followed."
    )]
    Outside { given: String, workdir: String },
    #[error(
        "Refused: `{0}` uses `~` or `$`, which the AWS CLI would expand. Give the path inside the work directory as \
         it is."
    )]
    Expansion(String),
    #[error(
        "Refused: the host is in read-only mode (MCP_AWS_SSO_READ_ONLY=true), and this command would write the \
         local file `{0}`, so nothing was run."
    )]
    ReadOnlyWrite(String),
    #[error("Refused: `{typed}` abbreviates `{full}`, which names a local file. Write `{full}` in full.")]
    Abbreviated { typed: String, full: &'static str },
    #[error(
        "Refused: cannot tell which words of `aws {0}` are local paths (expected {1}). Write options in full and \
         give the paths once."
    )]
    Ambiguous(String, &'static str),
    #[error(
        "Refused: `{0}` loads a file inside a shorthand value (`@=file://`), which is not available here; pass the \
         whole value as JSON with `file://PATH` instead."
    )]
    ShorthandFile(String),
    #[error("Refused: `{0}`: this argument is a local path itself; give it without `file://` or `fileb://`.")]
    ParamFileAsPath(String),
    #[error(
        "Refused: `cloudformation package` uploads the local files its template names, wherever they are. Package \
         the template elsewhere and use `cloudformation deploy` here."
    )]
    TemplateArtifacts,
    #[error("Could not prepare the work directory {0}: {1}. Set MCP_AWS_SSO_EXEC_WORKDIR to a directory you own.")]
    Workdir(String, String),
}

/// The work directory, canonical and existing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workdir {
    root: PathBuf,
}

impl Workdir {
    /// Creates `dir` (mode 0700) if it does not exist, and canonicalises it.
    pub fn prepare(dir: &Path) -> Result<Self, PathRefusal> {
        let fail = |e: io::Error| PathRefusal::Workdir(dir.display().to_string(), e.to_string());
        if !dir.exists() {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(fail)?;
        }
        let root = dir.canonicalize().map_err(fail)?;
        if !root.is_dir() {
            return Err(fail(io::Error::other("not a directory")));
        }
        Ok(Self { root })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The canonical absolute path `given` stands for, if it is inside the work directory.
    pub fn confine(&self, given: &str) -> Result<PathBuf, PathRefusal> {
        if given.starts_with('~') || given.contains('$') {
            return Err(PathRefusal::Expansion(given.to_string()));
        }
        let outside = || PathRefusal::Outside {
            given: given.to_string(),
            workdir: self.root.display().to_string(),
        };
        let path = Path::new(given);
        if given.is_empty() || path.components().any(|c| c == Component::ParentDir) {
            return Err(outside());
        }
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        };
        // The longest prefix that exists (a link counts, dangling or not), canonicalised, plus the
        // rest: names that do not exist yet cannot be links.
        let mut existing = absolute.as_path();
        let mut missing = Vec::new();
        while existing.symlink_metadata().is_err() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    missing.push(name.to_owned());
                    existing = parent;
                }
                _ => return Err(outside()),
            }
        }
        // A dangling link fails here: the CLI would write through it to wherever it points.
        let mut resolved = existing.canonicalize().map_err(|_| outside())?;
        for name in missing.iter().rev() {
            resolved.push(name);
        }
        if resolved.starts_with(&self.root) {
            Ok(resolved)
        } else {
            Err(outside())
        }
    }
}

/// Checks every local path of `invocation` and rewrites it in `invocation.args` to its canonical
/// absolute form.
pub fn confine_paths(invocation: &mut Invocation, workdir: &Workdir, read_only: bool) -> Result<(), PathRefusal> {
    let mut found: Vec<(usize, Access, PathKind)> = Vec::new();
    let service = invocation.service.clone().unwrap_or_default();
    let operation = invocation.operation.clone().unwrap_or_default();

    // `file://` / `fileb://` values anywhere after the service (the operation's parameters).
    for &i in &invocation.rest {
        let word = &invocation.args[i];
        if word.contains("@=file://") || word.contains("@=fileb://") {
            // Newer CLI v2 releases load `key@=file://PATH` inside shorthand values.
            return Err(PathRefusal::ShorthandFile(word.clone()));
        }
        let value = match word.split_once('=') {
            Some((name, value)) if is_option_word(name) => value,
            _ => word.as_str(),
        };
        if is_param_file(value) {
            found.push((i, Access::Read, PathKind::ParamFile));
        }
    }

    let mut uploads_a_local_path = false;
    if service == "s3" && matches!(operation.as_str(), "cp" | "mv" | "sync") {
        uploads_a_local_path = s3_transfer_paths(invocation, &operation, &mut found)?;
    }
    if (service.as_str(), operation.as_str()) == ("cloudformation", "package") {
        return Err(PathRefusal::TemplateArtifacts);
    }
    if let Some((_, _, flags)) = OUTFILE_OPERATIONS
        .iter()
        .find(|(s, o, _)| *s == service && *o == operation)
    {
        let outfiles = positionals(invocation, |option| !flags.contains(&option));
        match outfiles.as_slice() {
            [] => {}
            [one] => found.push((*one, Access::Write, PathKind::Plain)),
            _ => return Err(PathRefusal::Ambiguous(invocation.what(), "one OUTFILE")),
        }
    }
    let path_options = FILE_BODY_OPTIONS
        .iter()
        .filter(|(s, o, _)| *s == service && *o == operation)
        .map(|(_, _, option)| (*option, Access::Read))
        .chain(
            CUSTOMIZATION_PATH_OPTIONS
                .iter()
                .filter(|(s, o, _, _)| *s == service && *o == operation)
                .map(|(_, _, option, access)| (*option, *access)),
        );
    for (option, access) in path_options {
        option_values(invocation, option, access, &mut found)?;
    }

    // `file://` values come first: a path option whose value is one is then refused below.
    for (i, access, kind) in found {
        let word = invocation.args[i].clone();
        let (head, value) = split_value(&word, kind);
        if kind != PathKind::ParamFile && is_param_file(value) {
            // The CLI would read the file and take its *content* as the path.
            return Err(PathRefusal::ParamFileAsPath(value.to_string()));
        }
        if read_only && access == Access::Write && value != "-" {
            return Err(PathRefusal::ReadOnlyWrite(value.to_string()));
        }
        if value == "-" {
            continue; // stdin / stdout
        }
        let resolved = workdir.confine(value)?;
        invocation.args[i] = format!("{head}{}", resolved.display());
    }
    if uploads_a_local_path {
        // A directory inside the work directory may hold links to files outside it; the CLI
        // follows them by default. The last of `--follow-symlinks` / `--no-follow-symlinks` wins.
        invocation.args.push("--no-follow-symlinks".into());
    }
    Ok(())
}

fn is_param_file(value: &str) -> bool {
    value.starts_with("file://") || value.starts_with("fileb://")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathKind {
    /// The whole word is the path.
    Plain,
    /// `file://PATH`, possibly as `--opt=file://PATH`.
    ParamFile,
    /// `--opt=PATH`.
    Explicit,
}

/// Splits a word into what stays (`--opt=`, `file://`) and the path.
fn split_value(word: &str, kind: PathKind) -> (String, &str) {
    let (mut head, mut rest) = (String::new(), word);
    if kind != PathKind::Plain
        && let Some((name, value)) = word.split_once('=')
        && is_option_word(name)
    {
        head = format!("{name}=");
        rest = value;
    }
    if kind == PathKind::ParamFile {
        for prefix in ["fileb://", "file://"] {
            if let Some(path) = rest.strip_prefix(prefix) {
                head.push_str(prefix);
                rest = path;
                break;
            }
        }
    }
    (head, rest)
}

/// Positional words after the operation: words that are neither options nor the value right
/// after an option that takes one (`takes_value(option)`).
fn positionals(invocation: &Invocation, takes_value: impl Fn(&str) -> bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut previous_takes_value = false;
    for &i in &invocation.rest {
        let word = invocation.args[i].as_str();
        if is_option_word(word) {
            previous_takes_value = !word.contains('=') && takes_value(word);
        } else {
            if !previous_takes_value {
                out.push(i);
            }
            previous_takes_value = false;
        }
    }
    out
}

/// Finds the local side(s) of `s3 cp/mv/sync`; returns whether a local path is the source.
fn s3_transfer_paths(
    invocation: &Invocation,
    operation: &str,
    found: &mut Vec<(usize, Access, PathKind)>,
) -> Result<bool, PathRefusal> {
    for word in invocation.rest_words().filter(|w| is_option_word(w)) {
        let name = word.split_once('=').map_or(word, |(n, _)| n);
        if let Some(full) = S3_TRANSFER_VALUE_OPTIONS
            .iter()
            .find(|full| full.starts_with(name) && **full != name && name.len() > 2)
            && !S3_TRANSFER_VALUE_OPTIONS.contains(&name)
        {
            return Err(PathRefusal::Abbreviated {
                typed: name.to_string(),
                full,
            });
        }
    }
    let paths = positionals(invocation, |option| S3_TRANSFER_VALUE_OPTIONS.contains(&option));
    let [source, destination] = paths.as_slice() else {
        return Err(PathRefusal::Ambiguous(invocation.what(), "a source and a destination"));
    };
    let is_s3 = |i: &usize| invocation.args[*i].starts_with("s3://");
    let local_source = !is_s3(source) && invocation.args[*source] != "-";
    if !is_s3(source) {
        let access = if operation == "mv" { Access::Write } else { Access::Read };
        found.push((*source, access, PathKind::Plain));
    }
    if !is_s3(destination) {
        found.push((*destination, Access::Write, PathKind::Plain));
    }
    Ok(local_source)
}

/// The values of `option` (`--opt VALUE` or `--opt=VALUE`); an abbreviation of it is refused.
fn option_values(
    invocation: &Invocation,
    option: &'static str,
    access: Access,
    found: &mut Vec<(usize, Access, PathKind)>,
) -> Result<(), PathRefusal> {
    let rest = &invocation.rest;
    for (n, &i) in rest.iter().enumerate() {
        let word = invocation.args[i].as_str();
        if !is_option_word(word) {
            continue;
        }
        let (name, explicit) = match word.split_once('=') {
            Some((name, _)) => (name, true),
            None => (word, false),
        };
        if name == option {
            if explicit {
                found.push((i, access, PathKind::Explicit));
            } else if let Some(&next) = rest.get(n + 1)
                && !is_option_word(&invocation.args[next])
            {
                found.push((next, access, PathKind::Plain));
            }
        } else if name.len() > 2 && option.starts_with(name) {
            return Err(PathRefusal::Abbreviated {
                typed: name.to_string(),
                full: option,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli_grammar::parse;
    use std::os::unix::fs::symlink;

    fn scratch(name: &str) -> (PathBuf, Workdir) {
        let base = std::env::temp_dir().join(format!("exec-paths-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let workdir = Workdir::prepare(&base.join("work")).unwrap();
        (base, workdir)
    }

    fn run(workdir: &Workdir, line: &str, read_only: bool) -> Result<Vec<String>, PathRefusal> {
        let words = shell_words::split(line).unwrap().into_iter().skip(1).collect();
        let mut invocation = parse(words).unwrap();
        confine_paths(&mut invocation, workdir, read_only)?;
        Ok(invocation.args)
    }

    #[test]
    fn paths_inside_are_rewritten_to_absolute_ones() {
        let (base, w) = scratch("inside");
        let root = w.path().display().to_string();
        let args = run(&w, "aws s3 cp s3://b/k report.csv", false).unwrap();
        assert_eq!(args[3], format!("{root}/report.csv"));
        let args = run(&w, "aws s3 sync ./data s3://b --exclude '*.tmp'", false).unwrap();
        assert_eq!(args[2], format!("{root}/data"));
        assert_eq!(args[5], "*.tmp");
        assert_eq!(
            args.last().unwrap(),
            "--no-follow-symlinks",
            "uploads never follow links out"
        );
        let args = run(&w, "aws s3 cp s3://b/k down.txt --follow-symlinks", false).unwrap();
        assert_eq!(args.last().unwrap(), "--follow-symlinks", "downloads are left alone");
        let args = run(&w, "aws s3api put-object --bucket b --key k --body=x.bin", false).unwrap();
        assert_eq!(args[6], format!("--body={root}/x.bin"));
        let args = run(&w, "aws iam create-policy --policy-document file://p.json", false).unwrap();
        assert_eq!(args[3], format!("file://{root}/p.json"));
        let args = run(
            &w,
            "aws lambda invoke --function-name f --payload fileb://in.json out.json",
            false,
        )
        .unwrap();
        assert_eq!(args[5], format!("fileb://{root}/in.json"));
        assert_eq!(args[6], format!("{root}/out.json"));
        let args = run(
            &w,
            &format!("aws s3api get-object --bucket b --key k {root}/sub/o"),
            false,
        )
        .unwrap();
        assert_eq!(args[6], format!("{root}/sub/o"));
        assert_eq!(run(&w, "aws s3 cp s3://b/k -", true).unwrap()[3], "-");
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn escapes_are_refused() {
        let (base, w) = scratch("escape");
        std::fs::write(base.join("secret"), "s").unwrap();
        symlink(base.join("secret"), w.path().join("link")).unwrap();
        symlink(base.join("nowhere"), w.path().join("dangling")).unwrap();
        symlink(&base, w.path().join("up")).unwrap();
        for line in [
            "aws s3 cp /etc/passwd s3://b/k",
            "aws s3 cp s3://b/k /tmp/x",
            "aws s3 cp s3://b/k ../x",
            "aws s3 cp link s3://b/k",
            "aws s3 cp s3://b/k dangling",
            "aws s3 cp s3://b/k up/new",
            "aws s3 mv --quiet /root/.ssh/id_rsa s3://b/k",
            "aws iam create-policy --policy-document file:///etc/passwd",
            "aws iam create-policy --policy-document=file://../p.json",
            "aws kms encrypt --plaintext fileb://link",
            "aws s3api put-object --bucket b --key k --body /etc/passwd",
            "aws s3api get-object --bucket b --key k /tmp/out",
            "aws lambda invoke --function-name f /root/.bashrc",
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name m --outfile /tmp/qr.png",
        ] {
            assert!(
                matches!(run(&w, line, false), Err(PathRefusal::Outside { .. })),
                "{line}: {:?}",
                run(&w, line, false)
            );
        }
        for line in [
            "aws s3 cp s3://b/k ~/x",
            "aws s3 cp s3://b/k '$HOME/x'",
            "aws iam create-policy --policy-document 'file://~/.aws/credentials'",
        ] {
            assert!(matches!(run(&w, line, false), Err(PathRefusal::Expansion(_))), "{line}");
        }
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn read_only_mode_writes_nothing_and_abbreviations_are_refused() {
        let (base, w) = scratch("ro");
        assert!(matches!(
            run(&w, "aws s3api get-object --bucket b --key k out", true),
            Err(PathRefusal::ReadOnlyWrite(_))
        ));
        assert!(matches!(
            run(&w, "aws s3 cp s3://b/k out", true),
            Err(PathRefusal::ReadOnlyWrite(_))
        ));
        assert!(matches!(
            run(&w, "aws s3api put-object --bucket b --key k --bod /etc/passwd", false),
            Err(PathRefusal::Abbreviated { full: "--body", .. })
        ));
        assert!(matches!(
            run(&w, "aws s3 cp --exc x /etc/passwd s3://b/k", false),
            Err(PathRefusal::Abbreviated { .. })
        ));
        assert!(matches!(
            run(&w, "aws s3 cp a b c", false),
            Err(PathRefusal::Ambiguous(..))
        ));
        assert!(matches!(
            run(&w, "aws s3api get-object --bucket b --key k out1 out2", false),
            Err(PathRefusal::Ambiguous(..))
        ));
        std::fs::remove_dir_all(base).unwrap();
    }
}
