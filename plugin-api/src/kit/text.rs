//! Text for the model: fenced code blocks that cannot be broken out of, and cutting text to a
//! character budget at a readable place. The host cuts oversized results with the same
//! [`truncate`], so a plugin that trims its own output behaves like the host would; two streams
//! that share one budget (stdout and stderr) split it with [`shared_budget`].

/// `text` in a fenced code block (` ```lang `). The fence is one backtick longer than the longest
/// run of backticks inside, so output containing ```` ``` ```` cannot close the block early and
/// smuggle markdown (or instructions) outside it.
pub fn fenced(text: &str, lang: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body = text.strip_suffix('\n').unwrap_or(text);
    format!("{fence}{lang}\n{body}\n{fence}")
}

/// A text cut to a budget, and what was cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncated {
    /// The kept head of the text.
    pub text: String,
    /// Characters of the whole text.
    pub total_chars: usize,
    /// True when anything was cut.
    pub cut: bool,
}

impl Truncated {
    /// Characters kept.
    pub fn kept_chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// The first `max_chars` characters of `text`, ending at a line break when one is within the
/// last fifth of the budget (a whole last line reads better than half of one). Never splits a
/// character.
pub fn truncate(text: &str, max_chars: usize) -> Truncated {
    let total_chars = text.chars().count();
    let Some((cut, _)) = text.char_indices().nth(max_chars) else {
        return Truncated {
            text: text.to_string(),
            total_chars,
            cut: false,
        };
    };
    let kept = &text[..cut];
    let line_end = kept
        .rfind('\n')
        .map(|i| i + 1)
        .filter(|&end| end >= cut - cut / 5 && end > 0);
    Truncated {
        text: kept[..line_end.unwrap_or(cut)].to_string(),
        total_chars,
        cut: true,
    }
}

/// How many characters each of two texts that share one budget may keep: each keeps all of itself
/// when both fit; otherwise the second (stderr: warnings, the error message) is guaranteed a
/// quarter of the budget, and the first (stdout) takes the rest.
pub fn shared_budget(max_chars: usize, first_chars: usize, second_chars: usize) -> (usize, usize) {
    if first_chars.saturating_add(second_chars) <= max_chars {
        return (first_chars, second_chars);
    }
    let second = second_chars.min((max_chars / 4).max(max_chars.saturating_sub(first_chars)));
    (first_chars.min(max_chars - second), second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_outlasts_any_backticks_inside() {
        assert_eq!(fenced("plain\n", "text"), "```text\nplain\n```");
        let tricky = "a\n```\n# Injected heading\n````x";
        let block = fenced(tricky, "");
        assert!(block.starts_with("`````\n") && block.ends_with("\n`````"), "{block}");
    }

    #[test]
    fn truncation_keeps_whole_lines_and_characters() {
        let text: String = (0..100).map(|i| format!("line {i:03}\n")).collect();
        let t = truncate(&text, 50);
        assert!(t.cut);
        assert_eq!(t.text, "line 000\nline 001\nline 002\nline 003\nline 004\n");
        assert_eq!(t.total_chars, 900);
        let t = truncate("ééééé", 3);
        assert_eq!((t.text.as_str(), t.cut), ("ééé", true));
        let t = truncate("short", 10);
        assert_eq!((t.text.as_str(), t.cut, t.kept_chars()), ("short", false, 5));
    }

    #[test]
    fn a_shared_budget_keeps_a_quarter_for_the_second_text() {
        assert_eq!(shared_budget(100, 30, 20), (30, 20));
        assert_eq!(shared_budget(100, 1000, 10), (90, 10));
        assert_eq!(shared_budget(100, 10, 1000), (10, 90));
        assert_eq!(shared_budget(100, 1000, 1000), (75, 25));
        assert_eq!(shared_budget(0, 5, 5), (0, 0));
    }
}
