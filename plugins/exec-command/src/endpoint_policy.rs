//! Where requests may go: `--endpoint-url` and `--no-verify-ssl`.
//!
//! The AWS CLI signs every request with the role's credentials, session token included, so an
//! `--endpoint-url` the model chose would hand them to whoever listens there. It is allowed only
//! for an endpoint the user configured for the host — the value of `AWS_ENDPOINT_URL` or an
//! `AWS_ENDPOINT_URL_<SERVICE>` in the host's environment — or one under a prefix listed in
//! `MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS`. `--no-verify-ssl` would let anyone on the path read them;
//! it is allowed only when that list has the entry `no-verify-ssl`.
//!
//! `--ca-bundle` (a local file that decides whom to trust) and `--profile` are never allowed;
//! the user's `AWS_CA_BUNDLE` applies instead.

use crate::cli_grammar::{GlobalOption, Invocation};

/// The entry of the allowed list that permits `--no-verify-ssl`.
pub const NO_VERIFY_SSL_ENTRY: &str = "no-verify-ssl";

/// What the user allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointPolicy {
    /// Endpoints configured for the host (exact matches).
    pub configured: Vec<String>,
    /// URL prefixes from `MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS`.
    pub prefixes: Vec<String>,
    pub allow_no_verify_ssl: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointRefusal {
    #[error(
        "Refused: `--endpoint-url {0}` is not an endpoint configured for this server, and the request would carry the \
         role's credentials there. Only the endpoints in AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> and under the \
         prefixes of MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS are allowed; remove `--endpoint-url` to use AWS."
    )]
    Endpoint(String),
    #[error(
        "Refused: `--no-verify-ssl` would send the role's credentials over an unverified connection. It is allowed \
         only when MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS contains `no-verify-ssl`."
    )]
    NoVerifySsl,
    #[error("Refused: `--ca-bundle` is not available here; the server's AWS_CA_BUNDLE applies. Remove the option.")]
    CaBundle,
    #[error(
        "Refused: `--profile` would make the AWS CLI use a local profile instead of the `{role}` role's SSO \
         credentials. Remove it; choose the account and role with `accountId` and `roleName`."
    )]
    Profile { role: String },
    #[error("Refused: `--cli-auto-prompt` starts an interactive prompt; nobody can answer it here. Remove it.")]
    AutoPrompt,
}

impl EndpointPolicy {
    /// The policy from the host's environment (`AWS_ENDPOINT_URL*`) and the allowed list.
    pub fn new(host_env: impl IntoIterator<Item = (String, String)>, allowed: &[String]) -> Self {
        let configured = host_env
            .into_iter()
            .filter(|(name, value)| {
                (name == "AWS_ENDPOINT_URL" || name.starts_with("AWS_ENDPOINT_URL_")) && !value.trim().is_empty()
            })
            .map(|(_, value)| value.trim().to_string())
            .collect();
        let allow_no_verify_ssl = allowed.iter().any(|e| e.trim() == NO_VERIFY_SSL_ENTRY);
        let prefixes = allowed
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty() && e != NO_VERIFY_SSL_ENTRY)
            .collect();
        Self {
            configured,
            prefixes,
            allow_no_verify_ssl,
        }
    }

    /// Checks the global options of a parsed command. `role` only words the `--profile` refusal.
    pub fn check(&self, invocation: &Invocation, role: &str) -> Result<(), EndpointRefusal> {
        for global in &invocation.globals {
            match global.option {
                GlobalOption::Profile => return Err(EndpointRefusal::Profile { role: role.to_string() }),
                GlobalOption::CaBundle => return Err(EndpointRefusal::CaBundle),
                GlobalOption::CliAutoPrompt => return Err(EndpointRefusal::AutoPrompt),
                GlobalOption::NoVerifySsl if !self.allow_no_verify_ssl => return Err(EndpointRefusal::NoVerifySsl),
                GlobalOption::EndpointUrl => {
                    let url = global.value.as_deref().unwrap_or_default();
                    if !self.allows(url) {
                        return Err(EndpointRefusal::Endpoint(url.to_string()));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn allows(&self, url: &str) -> bool {
        let Some(wanted) = Url::parse(url) else { return false };
        self.configured
            .iter()
            .filter_map(|c| Url::parse(c))
            .any(|c| c.scheme == wanted.scheme && c.authority == wanted.authority && c.path == wanted.path)
            || self
                .prefixes
                .iter()
                .filter_map(|p| Url::parse(p))
                .any(|p| p.contains(&wanted))
    }
}

/// The parts of an http(s) URL that decide where a request goes. Query and fragment are not
/// accepted: an endpoint has neither.
#[derive(Debug, PartialEq, Eq)]
struct Url {
    scheme: String,
    /// Host and port, lower-cased; no user info.
    authority: String,
    /// Without a trailing `/`.
    path: String,
}

impl Url {
    fn parse(text: &str) -> Option<Self> {
        let (scheme, rest) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        if rest.contains(['?', '#', '@', '\\', ' ']) || rest.chars().any(char::is_control) {
            return None;
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.is_empty() || path.split('/').any(|segment| segment == "..") {
            return None;
        }
        Some(Self {
            scheme,
            authority: authority.to_ascii_lowercase(),
            path: path.trim_end_matches('/').to_string(),
        })
    }

    /// Same scheme and authority, and `other`'s path is this path or below it (segment-wise, so
    /// `http://h/api` does not cover `http://h/apix`).
    fn contains(&self, other: &Url) -> bool {
        self.scheme == other.scheme
            && self.authority == other.authority
            && (other.path == self.path || other.path.starts_with(&format!("{}/", self.path)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli_grammar::parse;

    fn policy(env: &[(&str, &str)], allowed: &[&str]) -> EndpointPolicy {
        EndpointPolicy::new(
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())),
            &allowed.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    }

    fn check(policy: &EndpointPolicy, line: &str) -> Result<(), EndpointRefusal> {
        let words = shell_words::split(line).unwrap().into_iter().skip(1).collect();
        policy.check(&parse(words).unwrap(), "ReadOnly")
    }

    #[test]
    fn configured_endpoints_are_allowed_and_others_refused() {
        let p = policy(
            &[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"), ("PATH", "/bin")],
            &["https://vpce.example.com/api", "http://localhost:4566"],
        );
        for ok in [
            "aws sts get-caller-identity --endpoint-url http://127.0.0.1:5000",
            "aws sts get-caller-identity --endpoint-url=http://127.0.0.1:5000/",
            "aws s3 ls --endpoint-url https://vpce.example.com/api/v1",
            "aws s3 ls --endpoint-url HTTP://LOCALHOST:4566",
            "aws s3 ls",
        ] {
            assert_eq!(check(&p, ok), Ok(()), "{ok}");
        }
        for bad in [
            "aws sts get-caller-identity --endpoint-url http://127.0.0.1:5001",
            "aws sts get-caller-identity --endpoint-url http://127.0.0.1:50001",
            "aws sts get-caller-identity --endpoint-url http://127.0.0.1:5000/x",
            "aws s3 ls --endpoint-url https://vpce.example.com/apix",
            "aws s3 ls --endpoint-url https://vpce.example.com/api/../evil",
            "aws s3 ls --endpoint-url http://localhost:4566@evil.com",
            "aws s3 ls --endpoint-url https://localhost:4566",
            "aws s3 ls --endpoint-url localhost:4566",
            "aws s3 ls --endpoint-url=http://evil.example",
        ] {
            assert!(matches!(check(&p, bad), Err(EndpointRefusal::Endpoint(_))), "{bad}");
        }
    }

    #[test]
    fn no_verify_ssl_needs_the_entry() {
        assert_eq!(
            check(&policy(&[], &[]), "aws s3 ls --no-verify-ssl"),
            Err(EndpointRefusal::NoVerifySsl)
        );
        assert_eq!(
            check(&policy(&[], &[NO_VERIFY_SSL_ENTRY]), "aws s3 ls --no-verify-ssl"),
            Ok(())
        );
    }

    #[test]
    fn profile_ca_bundle_and_prompt_are_refused() {
        let p = policy(&[], &[]);
        assert!(matches!(
            check(&p, "aws s3 ls --profile prod"),
            Err(EndpointRefusal::Profile { .. })
        ));
        assert!(matches!(
            check(&p, "aws --profile=prod s3 ls"),
            Err(EndpointRefusal::Profile { .. })
        ));
        assert_eq!(
            check(&p, "aws s3 ls --ca-bundle /tmp/ca.pem"),
            Err(EndpointRefusal::CaBundle)
        );
        assert_eq!(
            check(&p, "aws s3 ls --cli-auto-prompt"),
            Err(EndpointRefusal::AutoPrompt)
        );
        assert_eq!(check(&p, "aws s3 ls --no-cli-auto-prompt --no-sign-request"), Ok(()));
    }
}
