//! What sharing one SSO session safely costs a warm call (benchmark; prints figures).
//!
//! A warm call (valid token, credentials cached) takes no lock: it checks that the token file is
//! still the one its credentials were minted with, which is one `stat` while the file is
//! unchanged. The token lock is taken only when the file changes (login, refresh, logout). This
//! prints the median and 99th percentile of:
//!
//! - `Auth::valid_token` on a warm session: the whole per-call token check;
//! - reading and parsing the token file, what that check would cost without the stamp memo;
//! - acquiring and releasing the token lock, uncontended (what a refresh or logout adds).
//!
//! Run: `cargo run -p mcp-aws-sso-sso --example token_lock_cost` (a debug build: the figures are
//! upper bounds; `--release` gives the shipped binary's).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mcp_aws_sso_config::Config;
use sso::{Auth, SsoSession, TokenLock, format_unix, now_unix};

const ROUNDS: usize = 2_000;

#[tokio::main]
async fn main() {
    let home = tempfile::tempdir().expect("a temporary home");
    let env: HashMap<String, String> = [
        ("AWS_SSO_START_URL", "https://bench.awsapps.com/start"),
        ("AWS_SSO_REGION", "us-east-1"),
        ("AWS_REGION", "us-east-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Arc::new(Config::load_from(&env, home.path()).expect("bench configuration"));
    let session = SsoSession::from_config(&config).expect("an SSO session");
    let token_path = write_token(home.path(), &session);
    // A token file that has settled (older than the file system's timestamp granularity), as it
    // is for nearly every call of its hour-long life.
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&token_path)
        .and_then(|f| f.set_modified(an_hour_ago))
        .expect("set the token file's time");

    let auth = Auth::new(config);
    auth.valid_token().await.expect("the token is valid");
    let check = measure_async(|| async {
        auth.valid_token().await.expect("the token is valid");
    })
    .await;

    let parse = measure(|| {
        let bytes = std::fs::read(&token_path).expect("token file");
        let _: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    });

    let lock = TokenLock::new(&token_path);
    let locking = measure_async(|| async {
        drop(lock.acquire().await.expect("the token lock"));
    })
    .await;

    println!("token check on a warm call (Auth::valid_token): {}", figures(&check));
    println!("read + parse of the token file (no stamp memo):  {}", figures(&parse));
    println!("token lock acquire + release, uncontended:       {}", figures(&locking));
    println!("(target: the lock's cost on a warm call under 1 ms; a warm call takes no lock at all)");
}

fn write_token(home: &Path, session: &SsoSession) -> std::path::PathBuf {
    let dir = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&dir).expect("cache dir");
    let path = dir.join(format!("{}.json", session.token_cache_key()));
    let token = serde_json::json!({
        "startUrl": session.start_url,
        "region": session.region,
        "accessToken": "aoa-bench-not-a-real-token",
        "expiresAt": format_unix(now_unix() + 8 * 3600),
        "refreshToken": "aor-bench-not-a-real-token",
        "clientId": "bench-client",
        "clientSecret": "bench-secret",
        "registrationExpiresAt": format_unix(now_unix() + 90 * 86400),
    });
    std::fs::write(&path, token.to_string()).expect("token file");
    path
}

fn measure(mut f: impl FnMut()) -> Vec<Duration> {
    (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect()
}

async fn measure_async<F, Fut>(mut f: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        f().await;
        times.push(started.elapsed());
    }
    times
}

fn figures(times: &[Duration]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    format!(
        "median {:>7.1} µs, p99 {:>7.1} µs ({} rounds)",
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        sorted.len()
    )
}
