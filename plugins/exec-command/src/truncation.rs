//! Fitting command output into the configured character budget (`maxOutputChars`), with the
//! facts a visible truncation note needs.
//!
//! stdout and stderr share one budget (the kit's `shared_budget`: stderr is guaranteed a quarter
//! when both are long). The head of a stream is kept, cut by the kit's `truncate`, because that is
//! where a listing or a JSON document starts.

use mcp_aws_sso_plugin_api::kit::text;

use crate::capture::Captured;
use crate::redaction::redact;

/// One stream, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub text: String,
    /// Bytes the command wrote to the stream.
    pub total_bytes: u64,
    pub truncated: bool,
}

impl Shown {
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Decodes, redacts and cuts both streams to fit `max_chars` together.
pub fn fit(stdout: &Captured, stderr: &Captured, max_chars: usize, secrets: &[&str]) -> (Shown, Shown) {
    let decode = |c: &Captured| redact(&String::from_utf8_lossy(&c.bytes), secrets);
    let (out, err) = (decode(stdout), decode(stderr));
    let (out_budget, err_budget) = text::shared_budget(max_chars, out.chars().count(), err.chars().count());
    let shown = |whole: String, captured: &Captured, limit: usize| {
        let head = text::truncate(&whole, limit);
        let (text, cut) = (head.text, head.cut);
        let incomplete = (captured.bytes.len() as u64) < captured.total_bytes || !captured.complete;
        Shown {
            text,
            total_bytes: captured.total_bytes,
            truncated: cut || incomplete,
        }
    };
    (shown(out, stdout, out_budget), shown(err, stderr, err_budget))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(text: &str) -> Captured {
        Captured {
            bytes: text.as_bytes().to_vec(),
            total_bytes: text.len() as u64,
            complete: true,
        }
    }

    #[test]
    fn everything_fits_untouched() {
        let (out, err) = fit(&captured("a\nb\n"), &captured("warn\n"), 100, &[]);
        assert_eq!(
            (out.text.as_str(), out.truncated, out.total_bytes),
            ("a\nb\n", false, 4)
        );
        assert_eq!((err.text.as_str(), err.truncated), ("warn\n", false));
    }

    #[test]
    fn long_output_is_cut_at_a_line_break_and_stderr_keeps_its_share() {
        let text: String = (0..100).map(|i| format!("line {i:03}\n")).collect(); // 9 chars a line
        let (out, err) = fit(&captured(&text), &captured(&"e".repeat(1000)), 200, &[]);
        assert!(out.truncated && err.truncated);
        assert_eq!((out.chars(), err.chars()), (144, 50));
        assert!(out.text.ends_with("line 015\n"), "{}", out.text);
    }

    #[test]
    fn a_stream_cut_by_the_capture_cap_is_truncated_even_if_it_fits() {
        let partial = Captured {
            bytes: b"abc".to_vec(),
            total_bytes: 10_000,
            complete: true,
        };
        let (out, _) = fit(&partial, &captured(""), 100, &[]);
        assert_eq!(
            (out.text.as_str(), out.truncated, out.total_bytes),
            ("abc", true, 10_000)
        );
    }

    #[test]
    fn secrets_are_redacted_before_cutting() {
        let secret = "SECRETSECRETSECRETSECRET";
        let (out, _) = fit(&captured(&format!("key={secret}\n")), &captured(""), 1000, &[secret]);
        assert_eq!(out.text, "key=<redacted>\n");
    }
}
