//! Progress on the terminal: a spinner on stderr, shown only when stderr is a terminal.

use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::call_context::ProgressSink;

pub struct Spinner {
    bar: ProgressBar,
}

impl Spinner {
    pub fn start(message: &str) -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
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

    /// Prints a line above the spinner (e.g. the login code), visible even without a terminal.
    pub fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
