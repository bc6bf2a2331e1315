//! Fitting command output into the configured character budget (`maxOutputChars`), with the
//! facts a visible truncation note needs.
//!
//! stdout and stderr share one budget: each keeps all of itself when both fit; otherwise stderr
//! (warnings, the error message) is guaranteed a quarter of the budget, and stdout takes the rest.
//! The head of a stream is kept, because that is where a listing or a JSON document starts.

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
    let (out_budget, err_budget) = budget(max_chars, out.chars().count(), err.chars().count());
    let shown = |text: String, captured: &Captured, limit: usize| {
        let (text, cut) = head(&text, limit);
        let incomplete = (captured.bytes.len() as u64) < captured.total_bytes || !captured.complete;
        Shown {
            text,
            total_bytes: captured.total_bytes,
            truncated: cut || incomplete,
        }
    };
    (shown(out, stdout, out_budget), shown(err, stderr, err_budget))
}

/// Characters allowed to stdout and stderr.
pub fn budget(max_chars: usize, stdout_chars: usize, stderr_chars: usize) -> (usize, usize) {
    if stdout_chars.saturating_add(stderr_chars) <= max_chars {
        return (stdout_chars, stderr_chars);
    }
    let stderr_share = stderr_chars.min((max_chars / 4).max(max_chars.saturating_sub(stdout_chars)));
    let stdout_share = stdout_chars.min(max_chars - stderr_share);
    (stdout_share, stderr_share)
}

/// The first `max_chars` characters of `text`, ending at a line break when one is close to the
/// cut (a whole last line reads better than half of one), and whether anything was cut.
pub fn head(text: &str, max_chars: usize) -> (String, bool) {
    let Some((cut, _)) = text.char_indices().nth(max_chars) else {
        return (text.to_string(), false);
    };
    let kept = &text[..cut];
    let line_end = kept
        .rfind('\n')
        .map(|i| i + 1)
        .filter(|&end| end >= cut - cut / 5 && end > 0);
    (kept[..line_end.unwrap_or(cut)].to_string(), true)
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
    fn the_budget_is_shared_and_stderr_keeps_a_quarter() {
        assert_eq!(budget(100, 30, 20), (30, 20));
        assert_eq!(budget(100, 1000, 10), (90, 10));
        assert_eq!(budget(100, 10, 1000), (10, 90));
        assert_eq!(budget(100, 1000, 1000), (75, 25));
        assert_eq!(budget(0, 5, 5), (0, 0));
    }

    #[test]
    fn long_output_is_cut_at_a_line_break_near_the_limit() {
        let text: String = (0..100).map(|i| format!("line {i:03}\n")).collect(); // 9 chars a line
        let (kept, cut) = head(&text, 50);
        assert!(cut);
        assert_eq!(kept, "line 000\nline 001\nline 002\nline 003\nline 004\n");
        // No line break near the cut: cut at the character.
        let (kept, cut) = head(&"x".repeat(100), 50);
        assert_eq!((kept.len(), cut), (50, true));
    }

    #[test]
    fn cuts_on_character_boundaries() {
        let (kept, cut) = head("ééééé", 3);
        assert_eq!((kept.as_str(), cut), ("ééé", true));
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
