//! Progress on the terminal: a spinner on stderr, shown only when stderr is a terminal.

use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::call_context::{NoticeSink, ProgressSink};

pub struct Spinner {
    bar: ProgressBar,
}

impl Spinner {
    pub fn start(message: &str) -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Self { bar }
    }

    pub fn sink(&self) -> ProgressSink {
        let bar = self.bar.clone();
        Arc::new(move |update| {
            if !update.message.is_empty() {
                bar.set_message(update.message);
            }
        })
    }

    /// Prints text above the spinner (e.g. the login code), also when stderr is not a terminal.
    pub fn notice_sink(&self) -> NoticeSink {
        let bar = self.bar.clone();
        Arc::new(move |text: &str| {
            if bar.is_hidden() {
                eprintln!("{text}");
            } else {
                bar.suspend(|| eprintln!("{text}\n"));
            }
        })
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
