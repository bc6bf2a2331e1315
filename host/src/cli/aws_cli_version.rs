//! What `doctor` says about the installed AWS CLI, from its `aws --version` line: which major
//! version it is (v2 is recommended), and whether it honours the `AWS_ENDPOINT_URL*` overrides
//! (v2 from 2.13, v1 from 1.29; older versions send every command to AWS whatever they say).

pub const INSTALL_GUIDE: &str = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html";

/// The first versions that read `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`.
const ENDPOINT_URLS_SINCE_V2: (u64, u64) = (2, 13);
const ENDPOINT_URLS_SINCE_V1: (u64, u64) = (1, 29);

/// The verdict on one `aws --version` output.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Nothing to change.
    pub fine: bool,
    pub summary: String,
    pub hint: Option<String>,
}

/// Judges `aws --version` output, e.g. `aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64`.
pub fn judge(output: &str) -> Verdict {
    let line = output.lines().next().unwrap_or_default().trim();
    let Some((major, minor, patch)) = version(line) else {
        return Verdict {
            fine: false,
            summary: format!("cannot tell the AWS CLI version from `aws --version`: {line}"),
            hint: Some(format!(
                "`mcp-aws-sso exec-command` expects the AWS CLI, v2 recommended: {INSTALL_GUIDE}"
            )),
        };
    };
    let since = if major == 1 {
        ENDPOINT_URLS_SINCE_V1
    } else {
        ENDPOINT_URLS_SINCE_V2
    };
    let endpoints_note = ((major, minor) < since).then(|| {
        format!(
            "AWS CLI {major}.{minor}.{patch} ignores AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> \
             (read from {}.{} on): with endpoint overrides set, its commands still go to AWS.",
            since.0, since.1
        )
    });
    let summary = format!("AWS CLI v{major} ({line})");
    match (major, endpoints_note) {
        (2, None) => Verdict {
            fine: true,
            summary,
            hint: None,
        },
        (2, Some(note)) => Verdict {
            fine: false,
            summary,
            hint: Some(format!("{note}\nUpdate to 2.13 or newer: {INSTALL_GUIDE}")),
        },
        (1, note) => {
            let recommend = format!("v2 is recommended (v1 is in maintenance mode): {INSTALL_GUIDE}");
            Verdict {
                fine: false,
                summary,
                hint: Some(match note {
                    Some(note) => format!("{recommend}\n{note}"),
                    None => recommend,
                }),
            }
        }
        (_, _) => Verdict {
            fine: false,
            summary,
            hint: Some(format!(
                "This mcp-aws-sso knows AWS CLI v1 and v2 only; v2 is recommended: {INSTALL_GUIDE}"
            )),
        },
    }
}

/// `(major, minor, patch)` from the `aws-cli/X.Y.Z` word of the version line.
fn version(line: &str) -> Option<(u64, u64, u64)> {
    let version = line.split_whitespace().find_map(|word| word.strip_prefix("aws-cli/"))?;
    let mut parts = version.split('.').map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u64>().ok()
    });
    Some((parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_version_line() {
        assert_eq!(
            version("aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12 prompt/off"),
            Some((2, 9, 19))
        );
        assert_eq!(
            version("aws-cli/1.33.2 Python/3.13.5 Linux/6.1.0 botocore/1.35.2"),
            Some((1, 33, 2))
        );
        assert_eq!(version("aws-cli/2.13"), Some((2, 13, 0)));
        assert_eq!(version("something else"), None);
        assert_eq!(version("aws-cli/x.y"), None);
    }

    #[test]
    fn v2_before_2_13_is_flagged_for_endpoint_overrides() {
        let old = judge("aws-cli/2.9.19 Python/3.11.2");
        assert!(!old.fine);
        let hint = old.hint.unwrap();
        assert!(
            hint.starts_with(
                "AWS CLI 2.9.19 ignores AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (read from 2.13 on): with"
            ),
            "{hint}"
        );
        let new = judge("aws-cli/2.13.0 Python/3.11.2\n");
        assert!(new.fine && new.hint.is_none());
        assert_eq!(new.summary, "AWS CLI v2 (aws-cli/2.13.0 Python/3.11.2)");
        let v1 = judge("aws-cli/1.33.2 Python/3.13.5");
        assert!(!v1.fine);
        assert!(v1.hint.unwrap().starts_with("v2 is recommended"));
        let old_v1 = judge("aws-cli/1.27.0 Python/3.10");
        assert!(old_v1.hint.unwrap().contains("AWS CLI 1.27.0 ignores AWS_ENDPOINT_URL"));
    }
}
