//! Cutting oversized tool text. The full text is kept where the front end can serve it (an MCP
//! resource, a private file), and the note says where.
//!
//! `MCP_AWS_SSO_MAX_OUTPUT` (a plugin sees it as `maxOutputChars`) is the budget a plugin fits
//! its payload into, e.g. a command's output; the markdown around it (headings, the command, the
//! plugin's own truncation note) comes on top. So the host cuts only text longer than the budget
//! plus a framing allowance ([`hard_limit`]): a well-behaved plugin is never cut twice, and a
//! plugin that ignores the budget is cut close to it.

use mcp_aws_sso_plugin_api::ToolOutput;
use mcp_aws_sso_plugin_api::kit::text::truncate;

/// An output over the cap: the cut output for the model, and the full text to keep.
pub struct Oversized {
    pub full_text: String,
    pub total_chars: usize,
    pub kept_chars: usize,
}

/// The most characters of text the host lets through for a budget of `max_chars`: the budget
/// plus a quarter of it, at least 2,000 characters, for the plugin's framing.
pub fn hard_limit(max_chars: usize) -> usize {
    max_chars.saturating_add((max_chars / 4).max(2_000))
}

/// Cuts `output.text` to `max_chars` when it is longer than [`hard_limit`]; returns the full
/// text to keep.
pub fn cap(output: &mut ToolOutput, max_chars: usize) -> Option<Oversized> {
    // Within the limit when there is no character past it.
    output.text.chars().nth(hard_limit(max_chars))?;
    let truncated = truncate(&output.text, max_chars);
    if !truncated.cut {
        return None;
    }
    let kept_chars = truncated.kept_chars();
    let full_text = std::mem::replace(&mut output.text, truncated.text);
    Some(Oversized {
        full_text,
        total_chars: truncated.total_chars,
        kept_chars,
    })
}

/// The note appended to the cut text; `full_at` says where the whole text is.
pub fn note(oversized: &Oversized, max_chars: usize, full_at: &str) -> String {
    format!(
        "\n\n---\n✂ Output truncated by the host: showing the first {} of {} characters (MCP_AWS_SSO_MAX_OUTPUT={max_chars}). {full_at}",
        oversized.kept_chars, oversized.total_chars
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_past_the_framing_allowance_is_cut_and_the_full_text_kept() {
        let mut framed = ToolOutput::text("x".repeat(2_040));
        assert!(cap(&mut framed, 40).is_none(), "within the framing allowance");
        assert_eq!(framed.text.len(), 2_040);
        let mut big = ToolOutput::text("x".repeat(2_041));
        let kept = cap(&mut big, 40).unwrap();
        assert_eq!(big.text.len(), 40);
        assert_eq!(
            (kept.full_text.len(), kept.total_chars, kept.kept_chars),
            (2_041, 2_041, 40)
        );
        assert_eq!(hard_limit(40_000), 50_000);
        assert!(note(&kept, 40, "Full text: there.").contains("first 40 of 2041 characters"));
    }
}
