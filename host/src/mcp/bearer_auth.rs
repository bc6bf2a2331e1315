//! The HTTP transport's bearer token: where it comes from and the one place it is compared.
//!
//! The token stays inside a [`Secret`] from the moment it is read (environment, configs.json,
//! `--token-file` or `--token`) to the comparison, which borrows it: no plain `String` copy
//! outlives the check. `--token` works but is visible to every local user in `ps`, so it warns.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use headers::HeaderMapExt;
use headers::authorization::{Authorization, Bearer};
use mcp_aws_sso_config::Secret;

/// The token clients must present, if any.
pub type ExpectedToken = Option<Arc<Secret<String>>>;

/// Why `--token-file` could not give a token.
#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    #[error("cannot read the --token-file `{path}`: {source}. Check the path, or set MCP_AWS_SSO_HTTP_TOKEN instead.")]
    Unreadable { path: String, source: std::io::Error },
    #[error(
        "the --token-file `{path}` is empty. Write the token in it (one line), or set MCP_AWS_SSO_HTTP_TOKEN instead."
    )]
    Empty { path: String },
}

/// Reads a token file: its first line, without surrounding whitespace (a trailing newline from
/// `echo` or an editor is not part of the token).
pub fn read_token_file(path: &Path) -> Result<Secret<String>, TokenFileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| TokenFileError::Unreadable {
        path: shown.clone(),
        source,
    })?;
    let secret = Secret::new(text.lines().next().unwrap_or("").trim().to_owned());
    drop(text);
    if secret.expose().is_empty() {
        return Err(TokenFileError::Empty { path: shown });
    }
    warn_if_others_can_read(path);
    Ok(secret)
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "warning: the --token-file `{}` can be read by other users; `chmod 600` it.",
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_path: &Path) {}

/// Printed when the token comes from `--token`.
pub const TOKEN_FLAG_WARNING: &str = "warning: --token is visible to every user of this machine (`ps`, /proc); \
     set MCP_AWS_SSO_HTTP_TOKEN or use --token-file PATH instead.";

/// The credentials of an `Authorization` header whose scheme is `Bearer`, in any case
/// (RFC 6750 §2.1 and RFC 9110 §11.1: the scheme is case-insensitive), after one or more spaces.
/// The parsing is the `headers` crate's typed `Authorization<Bearer>`; only an empty token is
/// refused here.
pub fn presented_bearer(headers: &HeaderMap) -> Option<Authorization<Bearer>> {
    headers
        .typed_get::<Authorization<Bearer>>()
        .filter(|presented| !presented.token().is_empty())
}

/// The middleware: lets a request through only with the expected token.
pub async fn require_bearer_token(State(expected): State<ExpectedToken>, request: Request, next: Next) -> Response {
    let Some(expected) = expected else {
        return next.run(request).await;
    };
    let accepted = presented_bearer(request.headers()).is_some_and(|given| {
        constant_time_eq::constant_time_eq(given.token().as_bytes(), expected.expose().as_bytes())
    });
    if accepted {
        return next.run(request).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "missing or wrong bearer token: send `Authorization: Bearer <MCP_AWS_SSO_HTTP_TOKEN>`\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn the_scheme_is_case_insensitive() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "bEaReR abc", "Bearer   abc"] {
            let presented = presented_bearer(&with_authorization(value));
            assert_eq!(presented.as_ref().map(|p| p.token()), Some("abc"), "{value}");
        }
    }

    #[test]
    fn other_schemes_and_malformed_headers_present_nothing() {
        for value in [
            "Basic abc",
            "Bearerabc",
            "Bearer",
            "Bearer ",
            "Token abc",
            "abc",
            "Bearer\tabc",
        ] {
            assert!(presented_bearer(&with_authorization(value)).is_none(), "{value}");
        }
        assert!(presented_bearer(&HeaderMap::new()).is_none());
    }

    #[test]
    fn a_token_file_gives_its_first_line_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "  s3cret \nsecond line\n").unwrap();
        assert_eq!(read_token_file(&path).unwrap().expose(), "s3cret");
        std::fs::write(&path, "\n").unwrap();
        assert!(matches!(read_token_file(&path), Err(TokenFileError::Empty { .. })));
        let missing = read_token_file(&dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().contains("MCP_AWS_SSO_HTTP_TOKEN"), "{missing}");
    }
}
