//! The loopback end of the authorization code flow (RFC 8252 §7.3): an HTTP listener on
//! `127.0.0.1` and a random port, where the browser lands after the user approved (or denied)
//! in the IAM Identity Center page: `GET /oauth/callback?code=..&state=..` or `?error=..&state=..`.
//!
//! It is bound before the browser opens (so the redirect can never miss it) and stays bound until
//! a redirect with the right `state` arrived, or the wait ends. A redirect whose `state` is not
//! ours is answered 400 and ignored: a page in the browser that guesses the port can neither
//! finish nor abort the login. Only 127.0.0.1 is bound, never all interfaces: no other machine
//! can reach it.
//!
//! The browser's request is held open until the login has an outcome, so the page it shows
//! ("login complete" or why not) is the truth: [`Callback::answer`] sends it once the token is
//! cached.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::{CancellationToken, DropGuard};

/// The path of the redirect URI, as botocore registers it.
pub const CALLBACK_PATH: &str = "/oauth/callback";

/// What the browser brought back with our `state`.
pub enum Redirect {
    /// The authorization code to redeem (a short-lived secret: never logged).
    Code(String),
    /// The OAuth error the authorization server redirected with (`access_denied`, ...).
    Error { error: String, description: Option<String> },
}

impl fmt::Debug for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Redirect::Code(_) => f.write_str("Redirect::Code(..)"),
            Redirect::Error { error, .. } => write!(f, "Redirect::Error({error})"),
        }
    }
}

/// One redirect, with the browser still waiting for its page.
pub struct Callback {
    pub redirect: Redirect,
    page: oneshot::Sender<Page>,
}

impl Callback {
    /// Answers the waiting browser: `Ok` says the login is complete and the window may be
    /// closed, `Err` says why it is not.
    pub fn answer(self, outcome: Result<(), String>) {
        let page = match outcome {
            Ok(()) => Page::complete(),
            Err(reason) => Page::failed(&reason),
        };
        // The browser may have gone away; nothing to do then.
        let _ = self.page.send(page);
    }
}

/// The listener, bound; dropping it closes the port.
pub struct LoopbackListener {
    port: u16,
    callbacks: tokio::sync::Mutex<mpsc::Receiver<Callback>>,
    _server: DropGuard,
}

impl fmt::Debug for LoopbackListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackListener")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct Shared {
    expected_state: Arc<str>,
    /// Taken by the first redirect with the right state: later ones find the login over.
    sender: Arc<Mutex<Option<mpsc::Sender<Callback>>>>,
}

impl LoopbackListener {
    /// Binds `127.0.0.1:0` and serves the callback path; redirects must carry `expected_state`.
    pub async fn bind(expected_state: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let port = listener.local_addr()?.port();
        let (sender, receiver) = mpsc::channel(1);
        let shared = Shared {
            expected_state: Arc::from(expected_state),
            sender: Arc::new(Mutex::new(Some(sender))),
        };
        let app = Router::new()
            .route(CALLBACK_PATH, get(callback))
            .fallback(|| async { Page::not_found().into_response() })
            .with_state(shared);
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stopped.cancelled().await })
                .await;
            if let Err(error) = served {
                tracing::debug!("the login callback listener stopped: {error}");
            }
        });
        tracing::debug!("login callback listener bound on 127.0.0.1:{port}");
        Ok(Self {
            port,
            callbacks: tokio::sync::Mutex::new(receiver),
            _server: stop.drop_guard(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:{port}/oauth/callback`: what the authorize request and CreateToken name.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// The redirect with our state, when it arrives; `None` if the listener can no longer get one.
    pub async fn next_callback(&self) -> Option<Callback> {
        self.callbacks.lock().await.recv().await
    }
}

async fn callback(State(shared): State<Shared>, RawQuery(query): RawQuery) -> Response {
    // The first value of each name wins, as in every OAuth client.
    let mut params = HashMap::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        params.entry(name.into_owned()).or_insert_with(|| value.into_owned());
    }
    let query = params;
    let state_matches = query
        .get("state")
        .is_some_and(|state| constant_time_eq::constant_time_eq(state.as_bytes(), shared.expected_state.as_bytes()));
    if !state_matches {
        tracing::warn!("ignored a login redirect whose state is not this login's");
        return Page::state_mismatch().into_response();
    }
    let redirect = match (query.get("code"), query.get("error")) {
        (_, Some(error)) => Redirect::Error {
            error: error.clone(),
            description: query.get("error_description").cloned(),
        },
        (Some(code), None) if !code.is_empty() => Redirect::Code(code.clone()),
        _ => return Page::bad_request().into_response(),
    };
    let Some(sender) = shared.sender.lock().unwrap_or_else(|p| p.into_inner()).take() else {
        return Page::already_done().into_response();
    };
    let (page, answer) = oneshot::channel();
    if sender.send(Callback { redirect, page }).await.is_err() {
        return Page::failed("the login is no longer waiting for this browser").into_response();
    }
    match answer.await {
        Ok(page) => page.into_response(),
        Err(_) => Page::failed("the login ended before it could finish").into_response(),
    }
}

/// The small HTML page the browser shows. No external resources, no script: the address bar
/// holds a code, and nothing on this page may send it anywhere.
struct Page {
    status: StatusCode,
    title: &'static str,
    text: String,
}

impl Page {
    fn complete() -> Self {
        Page {
            status: StatusCode::OK,
            title: "AWS SSO login complete",
            text: "You are signed in to AWS SSO. You may close this window.".into(),
        }
    }

    fn failed(reason: &str) -> Self {
        Page {
            status: StatusCode::BAD_REQUEST,
            title: "AWS SSO login failed",
            text: format!("The login did not complete: {reason}"),
        }
    }

    fn state_mismatch() -> Self {
        Page {
            status: StatusCode::BAD_REQUEST,
            title: "AWS SSO login: unexpected request",
            text: "This request does not belong to the login in progress (its state does not match), so it \
                   was ignored. Use the browser window the login opened."
                .into(),
        }
    }

    fn bad_request() -> Self {
        Page {
            status: StatusCode::BAD_REQUEST,
            title: "AWS SSO login: incomplete redirect",
            text: "The redirect carries neither an authorization code nor an error.".into(),
        }
    }

    fn already_done() -> Self {
        Page {
            status: StatusCode::CONFLICT,
            title: "AWS SSO login already handled",
            text: "This login has already received its answer. You may close this window.".into(),
        }
    }

    fn not_found() -> Self {
        Page {
            status: StatusCode::NOT_FOUND,
            title: "Not found",
            text: "Nothing here.".into(),
        }
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let body = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1><p>{text}</p></body></html>",
            title = escape_html(self.title),
            text = escape_html(&self.text),
        );
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'"),
        );
        response
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// One HTTP/1.1 GET to the listener; the status line and body of the answer.
    async fn get(port: u16, path_and_query: &str) -> (u16, String) {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let request = format!("GET {path_and_query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let status = answer[9..12].parse().unwrap();
        (status, answer)
    }

    #[tokio::test]
    async fn only_the_redirect_with_our_state_reaches_the_login_and_its_page_waits_for_the_outcome() {
        let listener = LoopbackListener::bind("the-state").await.unwrap();
        let port = listener.port();
        assert_eq!(
            listener.redirect_uri(),
            format!("http://127.0.0.1:{port}/oauth/callback")
        );

        let (status, page) = get(port, "/oauth/callback?code=stolen&state=other").await;
        assert_eq!(status, 400);
        assert!(page.contains("state does not match"), "{page}");
        assert_eq!(get(port, "/oauth/callback?code=c").await.0, 400);
        assert_eq!(get(port, "/oauth/callback?state=the-state").await.0, 400);
        assert_eq!(get(port, "/favicon.ico").await.0, 404);

        let browser = tokio::spawn(async move { get(port, "/oauth/callback?code=the-code&state=the-state").await });
        let callback = listener.next_callback().await.unwrap();
        assert!(matches!(&callback.redirect, Redirect::Code(code) if code == "the-code"));
        callback.answer(Ok(()));
        let (status, page) = browser.await.unwrap();
        assert_eq!(status, 200);
        assert!(page.contains("You may close this window"), "{page}");
        assert!(page.contains("default-src 'none'"), "{page}");
        // The login has its answer: another redirect, even with the state, changes nothing.
        assert_eq!(get(port, "/oauth/callback?code=again&state=the-state").await.0, 409);
    }

    #[tokio::test]
    async fn an_error_redirect_is_reported_and_its_text_escaped() {
        let listener = LoopbackListener::bind("s").await.unwrap();
        let port = listener.port();
        let browser = tokio::spawn(async move {
            get(
                port,
                "/oauth/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state=s",
            )
            .await
        });
        let callback = listener.next_callback().await.unwrap();
        let Redirect::Error { error, description } = &callback.redirect else {
            panic!("expected an error redirect");
        };
        assert_eq!(
            (error.as_str(), description.as_deref()),
            ("access_denied", Some("<b>no</b>"))
        );
        callback.answer(Err("denied: <b>no</b>".into()));
        let (status, page) = browser.await.unwrap();
        assert_eq!(status, 400);
        assert!(
            page.contains("&lt;b&gt;no&lt;/b&gt;") && !page.contains("<b>no"),
            "{page}"
        );
    }

    #[tokio::test]
    async fn dropping_the_listener_closes_the_port() {
        let listener = LoopbackListener::bind("s").await.unwrap();
        let port = listener.port();
        drop(listener);
        // The server task stops on its own schedule: wait for it (no timing is asserted).
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the port is still open 10 s after the listener was dropped");
    }
}
