//! Every account the user can reach and their roles in each: all pages of ListAccounts, and
//! ListAccountRoles for every account, concurrently under the adaptive rate limit.
//!
//! Flow: a lister walks the ListAccounts pages and hands each account to a pool of
//! [`CONCURRENCY`] role fetchers as soon as its page arrives, so role fetching starts with the
//! first page. Every call waits for its slot in the [`AdaptiveRateLimiter`]; a 429 tells the
//! limiter to slow down and the call is retried after a backoff, as many times as it takes within
//! [`MAX_THROTTLED_RETRIES`], so throttling delays the listing but does not leave accounts without
//! their roles. A rejected token (401) stops the whole listing: the caller refreshes and retries.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::rate_limiter::{AdaptiveRateLimiter, backoff};
use crate::sdk_clients::Portal;
use crate::service_errors::{Failure, classify};

/// Role fetches in flight (or waiting for their slot) at once.
pub const CONCURRENCY: usize = 32;
/// Retries of a throttled call before its account is reported without roles.
const MAX_THROTTLED_RETRIES: u32 = 12;
/// Retries of a call that failed on the network or with a 5xx.
const MAX_TRANSIENT_RETRIES: u32 = 4;
/// The largest page the portal API allows.
const PAGE_SIZE: i32 = 100;

/// One account and the user's roles in it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccountEntry {
    pub account_id: String,
    pub account_name: String,
    pub email_address: String,
    pub roles: Vec<String>,
    /// Why the roles could not be listed, when they could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles_error: Option<String>,
}

impl AccountEntry {
    /// Case-insensitive substring match over id, name, email and role names.
    pub fn matches(&self, needle_lowercase: &str) -> bool {
        [&self.account_id, &self.account_name, &self.email_address]
            .into_iter()
            .chain(self.roles.iter())
            .any(|field| field.to_lowercase().contains(needle_lowercase))
    }
}

/// The result of one complete listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDirectory {
    pub accounts: Vec<AccountEntry>,
    /// When the listing finished, in Unix milliseconds.
    pub fetched_at_ms: i64,
    /// How long the listing took.
    pub took_ms: u64,
    /// Portal calls made, and how many of them were throttled (then retried).
    pub calls: u64,
    pub throttled: u64,
}

/// Where a listing is, for progress reports.
#[derive(Debug, Clone, Copy)]
pub struct ListingProgress {
    pub pages: usize,
    pub accounts_listed: usize,
    pub listing_complete: bool,
    pub roles_done: usize,
}

pub type ProgressFn<'a> = dyn Fn(ListingProgress) + Send + Sync + 'a;

#[derive(Default)]
struct Counters {
    pages: AtomicUsize,
    listed: AtomicUsize,
    listing_complete: AtomicUsize,
    roles_done: AtomicUsize,
    calls: AtomicUsize,
    throttled: AtomicUsize,
}

impl Counters {
    fn snapshot(&self) -> ListingProgress {
        ListingProgress {
            pages: self.pages.load(Ordering::Relaxed),
            accounts_listed: self.listed.load(Ordering::Relaxed),
            listing_complete: self.listing_complete.load(Ordering::Relaxed) == 1,
            roles_done: self.roles_done.load(Ordering::Relaxed),
        }
    }
}

struct AccountInfo {
    index: usize,
    account_id: String,
    account_name: String,
    email_address: String,
}

/// Lists every account with its roles.
pub async fn fetch_directory(
    portal: &Portal,
    limiter: &AdaptiveRateLimiter,
    access_token: &str,
    progress: &ProgressFn<'_>,
) -> Result<AccountDirectory, Failure> {
    let started = Instant::now();
    let counters = Counters::default();
    let counters = &counters;
    let (sender, receiver) = futures::channel::mpsc::unbounded::<AccountInfo>();

    let lister = async move {
        let mut next_token: Option<String> = None;
        loop {
            let page = paced(limiter, counters, &portal.endpoint, || {
                portal
                    .list_accounts()
                    .access_token(access_token)
                    .max_results(PAGE_SIZE)
                    .set_next_token(next_token.clone())
                    .send()
            })
            .await?;
            for account in page.account_list() {
                let Some(account_id) = account.account_id() else {
                    continue;
                };
                let index = counters.listed.fetch_add(1, Ordering::Relaxed);
                let info = AccountInfo {
                    index,
                    account_id: account_id.to_string(),
                    account_name: account.account_name().unwrap_or_default().to_string(),
                    email_address: account.email_address().unwrap_or_default().to_string(),
                };
                // The receiver lives until the listing ends; a send can only fail after an
                // error already ended it.
                let _ = sender.unbounded_send(info);
            }
            counters.pages.fetch_add(1, Ordering::Relaxed);
            next_token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if next_token.is_none() {
                counters.listing_complete.store(1, Ordering::Relaxed);
            }
            progress(counters.snapshot());
            if next_token.is_none() {
                break;
            }
        }
        drop(sender);
        Ok::<(), Failure>(())
    };

    let fetch_roles = receiver
        .map(|info| async move {
            let result = roles_paced(portal, limiter, counters, access_token, &info.account_id).await;
            counters.roles_done.fetch_add(1, Ordering::Relaxed);
            progress(counters.snapshot());
            (info, result)
        })
        .buffer_unordered(CONCURRENCY)
        .map(|(info, result)| {
            let (roles, roles_error) = match result {
                Ok(roles) => (roles, None),
                Err(Failure::Unauthorized) => return Err(Failure::Unauthorized),
                Err(other) => (Vec::new(), Some(other.describe())),
            };
            Ok((
                info.index,
                AccountEntry {
                    account_id: info.account_id,
                    account_name: info.account_name,
                    email_address: info.email_address,
                    roles,
                    roles_error,
                },
            ))
        })
        .try_collect::<Vec<(usize, AccountEntry)>>();

    let ((), mut entries) = futures::future::try_join(lister, fetch_roles).await?;
    entries.sort_by_key(|(index, _)| *index);
    Ok(AccountDirectory {
        accounts: entries.into_iter().map(|(_, entry)| entry).collect(),
        fetched_at_ms: unix_millis(),
        took_ms: started.elapsed().as_millis() as u64,
        calls: counters.calls.load(Ordering::Relaxed) as u64,
        throttled: counters.throttled.load(Ordering::Relaxed) as u64,
    })
}

/// `directory` with the roles of every account whose roles failed asked for again, concurrently
/// under the rate limit. An account that fails again stays marked; a rejected token (401) ends
/// the retry so that the caller can refresh. The listing keeps its time: retrying a few accounts
/// does not make the rest of it younger.
pub async fn retry_failed(
    portal: &Portal,
    limiter: &AdaptiveRateLimiter,
    access_token: &str,
    directory: &AccountDirectory,
    progress: &ProgressFn<'_>,
) -> Result<AccountDirectory, Failure> {
    let counters = Counters::default();
    let counters = &counters;
    counters.listed.store(directory.accounts.len(), Ordering::Relaxed);
    counters.listing_complete.store(1, Ordering::Relaxed);
    counters.roles_done.store(
        directory.accounts.len() - directory.failed_accounts(),
        Ordering::Relaxed,
    );
    // Owned ids: a stream over borrowed entries trips the compiler's Send check for the caller.
    let failed: Vec<(usize, String)> = directory
        .accounts
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.roles_error.is_some())
        .map(|(index, entry)| (index, entry.account_id.clone()))
        .collect();
    let retried: Vec<(usize, Result<Vec<String>, Failure>)> = futures::stream::iter(failed)
        .map(|(index, account_id)| async move {
            let result = roles_paced(portal, limiter, counters, access_token, &account_id).await;
            counters.roles_done.fetch_add(1, Ordering::Relaxed);
            progress(counters.snapshot());
            (index, result)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut updated = directory.clone();
    for (index, result) in retried {
        let entry = &mut updated.accounts[index];
        match result {
            Ok(roles) => {
                entry.roles = roles;
                entry.roles_error = None;
            }
            Err(Failure::Unauthorized) => return Err(Failure::Unauthorized),
            Err(other) => entry.roles_error = Some(other.describe()),
        }
    }
    updated.calls += counters.calls.load(Ordering::Relaxed) as u64;
    updated.throttled += counters.throttled.load(Ordering::Relaxed) as u64;
    Ok(updated)
}

/// The roles of one account (every page), paced by `limiter`.
pub async fn account_roles(
    portal: &Portal,
    limiter: &AdaptiveRateLimiter,
    access_token: &str,
    account_id: &str,
) -> Result<Vec<String>, Failure> {
    let counters = Counters::default();
    roles_paced(portal, limiter, &counters, access_token, account_id).await
}

async fn roles_paced(
    portal: &Portal,
    limiter: &AdaptiveRateLimiter,
    counters: &Counters,
    access_token: &str,
    account_id: &str,
) -> Result<Vec<String>, Failure> {
    let mut roles = Vec::new();
    let mut next_token: Option<String> = None;
    loop {
        let page = paced(limiter, counters, &portal.endpoint, || {
            portal
                .list_account_roles()
                .access_token(access_token)
                .account_id(account_id)
                .max_results(PAGE_SIZE)
                .set_next_token(next_token.clone())
                .send()
        })
        .await?;
        roles.extend(
            page.role_list()
                .iter()
                .filter_map(|r| r.role_name())
                .map(str::to_string),
        );
        next_token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if next_token.is_none() {
            return Ok(roles);
        }
    }
}

/// One portal call under the rate limit, retried on throttling and transient failures.
async fn paced<T, E, F, Fut>(
    limiter: &AdaptiveRateLimiter,
    counters: &Counters,
    endpoint: &str,
    mut call: F,
) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, aws_sdk_sso::error::SdkError<E, aws_sdk_sso::config::http::HttpResponse>>>,
    E: aws_sdk_sso::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut throttled = 0;
    let mut transient = 0;
    loop {
        limiter.acquire().await;
        counters.calls.fetch_add(1, Ordering::Relaxed);
        let failure = match call().await {
            Ok(value) => {
                limiter.on_success();
                return Ok(value);
            }
            Err(error) => classify(&error, endpoint),
        };
        let wait = match failure {
            Failure::Throttled if throttled < MAX_THROTTLED_RETRIES => {
                limiter.on_throttled();
                counters.throttled.fetch_add(1, Ordering::Relaxed);
                throttled += 1;
                backoff(throttled)
            }
            Failure::Transient(_) if transient < MAX_TRANSIENT_RETRIES => {
                transient += 1;
                backoff(transient)
            }
            other => return Err(other),
        };
        tokio::time::sleep(wait).await;
    }
}

pub fn unix_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl AccountDirectory {
    /// Whether every account's roles were listed.
    pub fn is_complete(&self) -> bool {
        self.accounts.iter().all(|a| a.roles_error.is_none())
    }

    /// How many accounts are listed without their roles.
    pub fn failed_accounts(&self) -> usize {
        self.accounts.iter().filter(|a| a.roles_error.is_some()).count()
    }

    /// Age of the listing.
    pub fn age(&self) -> Duration {
        Duration::from_millis((unix_millis() - self.fetched_at_ms).max(0) as u64)
    }
}
