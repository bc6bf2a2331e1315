//! The OAuth authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636), as AWS CLI v2 ≥ 2.22
//! signs in to an `[sso-session]`:
//!
//! 1. a registration for the `authorization_code` grant (see `client_registration`);
//! 2. a [`LoopbackListener`] bound on 127.0.0.1 — before the browser opens;
//! 3. the browser opens `{oidc endpoint}/authorize?response_type=code&client_id&redirect_uri
//!    &state&code_challenge&code_challenge_method=S256&scopes`;
//! 4. the user approves, IAM Identity Center redirects to the listener with `code` and `state`;
//! 5. CreateToken(`authorization_code`, code, codeVerifier, redirectUri) gives the token.
//!
//! The verifier never leaves this process until CreateToken, so a code caught by anyone else on
//! the way is worthless; the state ties the redirect to this login.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::AuthError;
use crate::cache_time::now_unix;
use crate::client_registration::Registration;
use crate::device_flow::TokenGrant;
use crate::loopback_listener::{LoopbackListener, Redirect};
use crate::sdk_clients::Oidc;
use crate::service_errors::classify;

const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";
/// How long the listener waits for the browser (botocore's `AuthCodeFetcher` waits as long).
pub const WAIT_FOR_BROWSER: Duration = Duration::from_secs(10 * 60);

/// RFC 3986 unreserved characters stay as they are, everything else is %-encoded (a space is
/// `%20`, not `+`), as botocore's `percent_encode_sequence` writes the authorize query.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A login waiting for the browser.
pub struct PkceAuthorization {
    /// The page the browser opens. It holds no secret: the code challenge is a hash, the state
    /// only guards the listener.
    pub authorize_url: String,
    /// Unix seconds at which the listener stops waiting.
    pub expires_at: i64,
    pub registration: Registration,
    listener: LoopbackListener,
    code_verifier: String,
}

impl fmt::Debug for PkceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkceAuthorization")
            .field("port", &self.listener.port())
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A PKCE verifier and its S256 challenge.
struct PkcePair {
    verifier: String,
    challenge: String,
}

impl PkcePair {
    fn new() -> Result<Self, AuthError> {
        // 32 random bytes: a 43-character verifier, RFC 7636's minimum length and 256 bits.
        let verifier = random_token(32)?;
        Ok(Self {
            challenge: s256_challenge(&verifier),
            verifier,
        })
    }
}

/// BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2).
fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn random_token(bytes: usize) -> Result<String, AuthError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| AuthError::LoopbackUnavailable {
        detail: format!("no randomness for the PKCE verifier: {error}"),
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// Binds the listener and builds the authorize URL; nothing is opened yet.
pub async fn start(
    oidc_endpoint: &str,
    registration: Registration,
    scopes: &[String],
) -> Result<PkceAuthorization, AuthError> {
    let pair = PkcePair::new()?;
    let state = random_token(16)?;
    let listener = LoopbackListener::bind(&state)
        .await
        .map_err(|error| AuthError::LoopbackUnavailable {
            detail: format!("cannot listen on 127.0.0.1: {error}"),
        })?;
    let query = [
        ("response_type", "code"),
        ("client_id", registration.client_id.as_str()),
        ("redirect_uri", listener.redirect_uri().as_str()),
        ("state", state.as_str()),
        ("code_challenge", pair.challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("scopes", scopes.join(" ").as_str()),
    ]
    .iter()
    .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, QUERY_VALUE)))
    .collect::<Vec<_>>()
    .join("&");
    Ok(PkceAuthorization {
        authorize_url: format!("{}/authorize?{query}", oidc_endpoint.trim_end_matches('/')),
        expires_at: now_unix() + WAIT_FOR_BROWSER.as_secs() as i64,
        registration,
        listener,
        code_verifier: pair.verifier,
    })
}

impl PkceAuthorization {
    pub fn redirect_uri(&self) -> String {
        self.listener.redirect_uri()
    }

    /// Waits for the browser's redirect, redeems the code, then hands the grant to `store`; the
    /// browser's page says "complete" only once `store` succeeded.
    pub async fn finish<T, Stored>(
        &self,
        oidc: &Oidc,
        cancel: &CancellationToken,
        store: impl FnOnce(TokenGrant) -> Stored,
    ) -> Result<T, AuthError>
    where
        Stored: Future<Output = Result<T, AuthError>>,
    {
        let wait = (self.expires_at - now_unix()).max(0) as u64;
        let callback = tokio::select! {
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            _ = tokio::time::sleep(Duration::from_secs(wait)) => {
                return Err(AuthError::BrowserLoginTimedOut { minutes: WAIT_FOR_BROWSER.as_secs() / 60 });
            }
            callback = self.listener.next_callback() => callback.ok_or(AuthError::Cancelled)?,
        };
        let code = match &callback.redirect {
            Redirect::Code(code) => code.clone(),
            Redirect::Error { error, description } => {
                let error = AuthError::BrowserLoginDenied {
                    reason: match description {
                        Some(description) => format!("{error}: {description}"),
                        None => error.clone(),
                    },
                };
                callback.answer(Err(error.to_string()));
                return Err(error);
            }
        };
        let redeemed = async {
            let grant = self.redeem(oidc, &code).await?;
            store(grant).await
        };
        let outcome = tokio::select! {
            _ = cancel.cancelled() => Err(AuthError::Cancelled),
            outcome = redeemed => outcome,
        };
        callback.answer(outcome.as_ref().map(|_| ()).map_err(ToString::to_string));
        outcome
    }

    /// CreateToken with the authorization code and our verifier.
    async fn redeem(&self, oidc: &Oidc, code: &str) -> Result<TokenGrant, AuthError> {
        let answer = oidc
            .create_token()
            .client_id(&self.registration.client_id)
            .client_secret(&self.registration.client_secret)
            .grant_type(AUTHORIZATION_CODE_GRANT)
            .code(code)
            .code_verifier(&self.code_verifier)
            .redirect_uri(self.redirect_uri())
            .send()
            .await
            .map_err(|error| AuthError::service("CreateToken", classify(&error, &oidc.endpoint)))?;
        let access_token = answer
            .access_token()
            .map(str::to_string)
            .ok_or_else(|| AuthError::Service {
                operation: "CreateToken",
                detail: "the answer has no access token".to_string(),
            })?;
        Ok(TokenGrant {
            access_token,
            expires_in: i64::from(answer.expires_in()),
            refresh_token: answer.refresh_token().map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_43_unreserved_characters_and_never_repeat() {
        let (a, b) = (PkcePair::new().unwrap(), PkcePair::new().unwrap());
        assert_eq!(a.verifier.len(), 43);
        assert!(
            a.verifier
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a.verifier, b.verifier);
        assert_eq!(a.challenge, s256_challenge(&a.verifier));
    }

    fn unused_oidc_client() -> Oidc {
        let config = aws_sdk_ssooidc::Config::builder()
            .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
            .region(aws_sdk_ssooidc::config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .build();
        Oidc {
            client: aws_sdk_ssooidc::Client::from_conf(config),
            endpoint: "http://127.0.0.1:9".into(),
        }
    }

    async fn authorization() -> PkceAuthorization {
        let registration = Registration {
            client_id: "client-1".into(),
            client_secret: "secret".into(),
            expires_at: now_unix() + 86400,
            scopes: None,
            grant_types: None,
            other: Default::default(),
        };
        start(
            "https://oidc.us-east-1.amazonaws.com/",
            registration,
            &["sso:account:access".into()],
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn the_authorize_url_names_the_listener_and_the_challenge() {
        let login = authorization().await;
        let url = &login.authorize_url;
        assert!(
            url.starts_with("https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=client-1&")
        );
        let redirect = utf8_percent_encode(&login.redirect_uri(), QUERY_VALUE).to_string();
        assert!(url.contains(&format!("&redirect_uri={redirect}&")), "{url}");
        let challenge = s256_challenge(&login.code_verifier);
        assert!(
            url.contains(&format!("&code_challenge={challenge}&code_challenge_method=S256&")),
            "{url}"
        );
        assert!(url.ends_with("&scopes=sso%3Aaccount%3Aaccess"), "{url}");
        assert!(!url.contains(&login.code_verifier));
        let wait = WAIT_FOR_BROWSER.as_secs() as i64;
        assert!((wait - 5..=wait).contains(&(login.expires_at - now_unix())));
    }

    #[tokio::test]
    async fn the_wait_ends_at_the_deadline_or_on_cancel_and_stores_nothing() {
        let oidc = unused_oidc_client();
        let mut login = authorization().await;
        login.expires_at = now_unix();
        let never = |_: TokenGrant| async { panic!("nothing may be stored") as Result<(), AuthError> };
        let timed_out = login.finish(&oidc, &CancellationToken::new(), never).await;
        assert!(matches!(
            timed_out,
            Err(AuthError::BrowserLoginTimedOut { minutes: 10 })
        ));

        let login = authorization().await;
        let cancel = CancellationToken::new();
        cancel.cancel();
        let cancelled = login.finish(&oidc, &cancel, never).await;
        assert!(matches!(cancelled, Err(AuthError::Cancelled)));
    }

    #[test]
    fn query_values_are_percent_encoded_with_percent_20_for_spaces() {
        let encoded = utf8_percent_encode("sso:account:access openid", QUERY_VALUE).to_string();
        assert_eq!(encoded, "sso%3Aaccount%3Aaccess%20openid");
        let uri = utf8_percent_encode("http://127.0.0.1:8080/oauth/callback", QUERY_VALUE).to_string();
        assert_eq!(uri, "http%3A%2F%2F127.0.0.1%3A8080%2Foauth%2Fcallback");
    }
}
