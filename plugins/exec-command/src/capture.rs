//! Reading a child's stdout or stderr on a thread of its own, keeping at most a fixed number of
//! bytes and counting the rest.
//!
//! Each stream is drained to its end whatever the cap: a child blocked on a full pipe would never
//! exit, and reading both streams from one thread in turn deadlocks as soon as the one not being
//! read fills up. So every stream gets a thread, and bytes past the cap are read and dropped.

use std::io::Read;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

/// What was read from one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The first bytes, up to the cap.
    pub bytes: Vec<u8>,
    /// Every byte the stream produced, kept or not.
    pub total_bytes: u64,
    /// False when the stream was still open at the deadline (a process outside the killed group
    /// held it); `bytes` is then what had arrived by then.
    pub complete: bool,
}

impl Captured {
    fn push(&mut self, chunk: &[u8], limit: usize) {
        self.total_bytes += chunk.len() as u64;
        let room = limit.saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&chunk[..room.min(chunk.len())]);
    }
}

/// A stream being read in the background.
pub struct StreamReader {
    shared: Arc<Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

impl StreamReader {
    /// Starts draining `stream`, keeping at most `limit` bytes.
    pub fn spawn(mut stream: impl Read + Send + 'static, limit: usize, name: &str) -> std::io::Result<Self> {
        let shared = Arc::new(Mutex::new(Captured::default()));
        let (tx, done) = mpsc::channel();
        let sink = Arc::clone(&shared);
        thread::Builder::new()
            .name(format!("exec-command-{name}"))
            .spawn(move || {
                let mut buffer = [0u8; 16 * 1024];
                loop {
                    match stream.read(&mut buffer) {
                        Ok(0) => break,
                        Ok(n) => sink.lock().unwrap_or_else(|p| p.into_inner()).push(&buffer[..n], limit),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(_) => break,
                    }
                }
                let _ = tx.send(());
            })?;
        Ok(Self { shared, done })
    }

    /// What the stream produced, waiting for its end until `deadline` at the latest.
    pub fn finish(self, deadline: Instant) -> Captured {
        let complete = self
            .done
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok();
        let mut captured = std::mem::take(&mut *self.shared.lock().unwrap_or_else(|p| p.into_inner()));
        captured.complete = complete;
        captured
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn keeps_the_head_and_counts_everything() {
        let data = vec![b'x'; 100_000];
        let reader = StreamReader::spawn(std::io::Cursor::new(data), 1000, "test").unwrap();
        let captured = reader.finish(Instant::now() + Duration::from_secs(5));
        assert_eq!(captured.bytes.len(), 1000);
        assert_eq!(captured.total_bytes, 100_000);
        assert!(captured.complete);
    }

    #[test]
    fn short_streams_are_kept_whole() {
        let reader = StreamReader::spawn(&b"hello\n"[..], 1000, "test").unwrap();
        let captured = reader.finish(Instant::now() + Duration::from_secs(5));
        assert_eq!(captured.bytes, b"hello\n");
        assert_eq!(captured.total_bytes, 6);
    }
}
