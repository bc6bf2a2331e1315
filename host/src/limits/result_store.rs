//! Full outputs that were too long for a tool result, kept as MCP resources for one server
//! session and served by `resources/read`. Bounded: at most [`MAX_RESULTS`] outputs and
//! [`MAX_BYTES`] in all, the oldest evicted first.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub const MAX_RESULTS: usize = 20;
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// One kept output.
#[derive(Clone)]
pub struct StoredResult {
    pub uri: String,
    pub name: String,
    pub text: Arc<String>,
}

#[derive(Default)]
struct Inner {
    results: VecDeque<StoredResult>,
    bytes: usize,
    next: u64,
}

/// Cheap to clone; clones share the store.
#[derive(Clone, Default)]
pub struct ResultStore {
    inner: Arc<Mutex<Inner>>,
    max_results: usize,
    max_bytes: usize,
}

impl ResultStore {
    pub fn new() -> Self {
        Self::with_bounds(MAX_RESULTS, MAX_BYTES)
    }

    pub fn with_bounds(max_results: usize, max_bytes: usize) -> Self {
        Self {
            inner: Arc::default(),
            max_results,
            max_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps `text` (the first [`MAX_BYTES`] of it at most) and returns its entry.
    pub fn keep(&self, tool: &str, mut text: String) -> StoredResult {
        if text.len() > self.max_bytes {
            let mut cut = self.max_bytes;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        let mut inner = self.lock();
        inner.next += 1;
        let stored = StoredResult {
            uri: format!("mcp-aws-sso://results/{}/{tool}", inner.next),
            name: format!("Full output of {tool} (call {})", inner.next),
            text: Arc::new(text),
        };
        inner.bytes += stored.text.len();
        inner.results.push_back(stored.clone());
        while inner.results.len() > self.max_results || inner.bytes > self.max_bytes {
            match inner.results.pop_front() {
                Some(old) => inner.bytes -= old.text.len(),
                None => break,
            }
        }
        stored
    }

    pub fn get(&self, uri: &str) -> Option<StoredResult> {
        self.lock().results.iter().find(|r| r.uri == uri).cloned()
    }

    /// The kept results, oldest first.
    pub fn list(&self) -> Vec<StoredResult> {
        self.lock().results.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_n_results_and_m_bytes_oldest_out_first() {
        let store = ResultStore::with_bounds(2, 10);
        let a = store.keep("t", "aaaa".into());
        let b = store.keep("t", "bbbb".into());
        let c = store.keep("t", "cccc".into());
        assert!(store.get(&a.uri).is_none(), "over N: the oldest goes");
        assert_eq!(store.get(&b.uri).unwrap().text.as_str(), "bbbb");
        let d = store.keep("t", "dddddddd".into()); // 4 + 4 + 8 > 10 bytes
        assert!(store.get(&b.uri).is_none() && store.get(&c.uri).is_none());
        assert_eq!(store.list().len(), 1);
        let huge = store.keep("t", "é".repeat(20));
        assert!(huge.text.len() <= 10 && store.get(&d.uri).is_none());
    }
}
