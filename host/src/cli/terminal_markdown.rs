//! Tool results for a person at a terminal: the same markdown a model reads, laid out as text,
//! so nobody reads `**Start URL**:` or code fences. Headings stand out, lists get bullets, code
//! blocks are indented and kept verbatim (they carry command output), inline code loses its
//! backticks. With colour, headings and emphasis are bold and code is cyan; without it
//! (`NO_COLOR`, `TERM=dumb`) the layout is the same and no escape sequence is written.
//!
//! Only for stdout on a terminal ([`wanted`]); piped output stays markdown and `--json` stays JSON.

use std::io::IsTerminal;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// How stdout should show a tool's markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// Piped or redirected: the markdown as is, for scripts and other programs.
    Markdown,
    /// A terminal: laid out for people, with or without colour.
    Terminal { color: bool },
}

/// Markdown unless stdout is a terminal; colour there when [`color_allowed`]
/// (<https://no-color.org>).
pub fn wanted() -> Rendering {
    if !std::io::stdout().is_terminal() {
        return Rendering::Markdown;
    }
    Rendering::Terminal { color: color_allowed() }
}

/// Whether the environment allows colour on a terminal: not with `NO_COLOR` set to anything but
/// the empty string, not on a `dumb` terminal. Logs on stderr follow the same rule.
pub fn color_allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|term| term == "dumb");
    !no_color && !dumb
}

/// `markdown` as it should be shown.
pub fn show(markdown: &str, rendering: Rendering) -> String {
    match rendering {
        Rendering::Markdown => markdown.trim_end().to_string(),
        Rendering::Terminal { color } => render(markdown, color),
    }
}

const BOLD: &str = "1";
const ITALIC: &str = "3";
const UNDERLINE: &str = "4";
const CYAN: &str = "36";

/// Lays `markdown` out as terminal text.
pub fn render(markdown: &str, color: bool) -> String {
    let mut out = Writer {
        color,
        ..Writer::default()
    };
    let mut lists: Vec<Option<u64>> = Vec::new();
    // The text of the heading or link being written: a heading's underline is as long as its
    // text, and a link's address is shown unless it is its text.
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut link: Option<(String, String)> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Paragraph) => out.gap(),
            Event::End(TagEnd::Paragraph) => out.end_line(),
            Event::Start(Tag::Heading { level, .. }) => {
                out.gap();
                out.push_style(BOLD);
                if level == HeadingLevel::H1 {
                    out.push_style(UNDERLINE);
                }
                heading = Some((level, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                out.pop_style();
                if let Some((level, text)) = heading.take() {
                    if level == HeadingLevel::H1 {
                        out.pop_style();
                    }
                    let width = text.chars().count();
                    // Without styles, a heading is told apart by the line under it.
                    if !color && level <= HeadingLevel::H2 {
                        out.end_line();
                        let mark = if level == HeadingLevel::H1 { "═" } else { "─" };
                        out.text(&mark.repeat(width.max(3)));
                    }
                }
                out.end_line();
            }
            Event::Start(Tag::BlockQuote(_)) => {
                out.gap();
                out.prefixes.push("│ ".to_string());
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                out.end_line();
                out.prefixes.pop();
            }
            // The language tag of a fence (`bash`) is for renderers, not for people.
            Event::Start(Tag::CodeBlock(_)) => {
                out.gap();
                out.prefixes.push("    ".to_string());
                out.verbatim = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                out.verbatim = false;
                out.end_line();
                out.prefixes.pop();
            }
            Event::Start(Tag::List(start)) => {
                if lists.is_empty() {
                    out.gap();
                } else {
                    out.end_line();
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                out.end_line();
            }
            Event::Start(Tag::Item) => {
                out.end_line();
                let bullet = match lists.last_mut() {
                    Some(Some(n)) => {
                        let bullet = format!("{n}. ");
                        *n += 1;
                        bullet
                    }
                    _ => "• ".to_string(),
                };
                out.text(&bullet);
                out.just_bulleted = true;
                out.prefixes.push(" ".repeat(bullet.chars().count()));
            }
            Event::End(TagEnd::Item) => {
                out.end_line();
                out.prefixes.pop();
            }
            Event::Start(Tag::Strong) => out.push_style(BOLD),
            Event::Start(Tag::Emphasis) => out.push_style(ITALIC),
            Event::End(TagEnd::Strong | TagEnd::Emphasis) => out.pop_style(),
            Event::Start(Tag::Link { dest_url, .. }) => link = Some((dest_url.to_string(), String::new())),
            Event::End(TagEnd::Link) => {
                if let Some((url, text)) = link.take()
                    && text.trim() != url
                {
                    out.text(&format!(" ({url})"));
                }
            }
            Event::Code(code) => {
                capture(&mut heading, &mut link, &code);
                out.push_style(CYAN);
                out.text(&code);
                out.pop_style();
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                capture(&mut heading, &mut link, &text);
                out.text(&text);
            }
            Event::SoftBreak | Event::HardBreak => out.newline(),
            Event::Rule => {
                out.gap();
                out.text(&"─".repeat(40));
                out.end_line();
            }
            _ => {}
        }
    }
    out.finish()
}

fn capture(heading: &mut Option<(HeadingLevel, String)>, link: &mut Option<(String, String)>, text: &str) {
    if let Some((_, buffer)) = heading {
        buffer.push_str(text);
    }
    if let Some((_, buffer)) = link {
        buffer.push_str(text);
    }
}

/// Text with line prefixes (quotes, list indents, code indents) and a stack of styles.
#[derive(Default)]
struct Writer {
    out: String,
    color: bool,
    prefixes: Vec<String>,
    styles: Vec<&'static str>,
    at_line_start: bool,
    /// A blank line is owed before the next block, with the prefixes in force where the gap
    /// opened (a blank line before a quote is not part of the quote).
    gap_pending: Option<String>,
    /// The line holds only a list bullet so far: a paragraph inside the item starts right here.
    just_bulleted: bool,
    /// Inside a code block: text is written as is, line by line.
    verbatim: bool,
}

impl Writer {
    fn gap(&mut self) {
        if self.just_bulleted {
            return;
        }
        self.end_line();
        if !self.out.is_empty() && self.gap_pending.is_none() {
            self.gap_pending = Some(self.prefixes.concat());
        }
    }

    fn end_line(&mut self) {
        if !self.out.is_empty() && !self.at_line_start {
            self.newline();
        }
    }

    fn newline(&mut self) {
        self.reset_styles();
        self.write_raw("\n");
        self.at_line_start = true;
    }

    /// Writes text; a `\n` in it ends the line (code blocks arrive a line at a time, each with
    /// its newline; an empty line inside one is still a line of the block).
    fn text(&mut self, text: &str) {
        let mut lines = text.split('\n').peekable();
        while let Some(line) = lines.next() {
            let more = lines.peek().is_some();
            if !line.is_empty() || (self.verbatim && more) {
                self.start_line();
                self.just_bulleted = false;
                self.out.push_str(line);
            }
            if more {
                self.newline();
            }
        }
    }

    fn start_line(&mut self) {
        if !self.at_line_start && !self.out.is_empty() {
            return;
        }
        if let Some(blank) = self.gap_pending.take() {
            self.out.push_str(blank.trim_end());
            self.out.push('\n');
        }
        let prefix = self.prefixes.concat();
        self.out.push_str(&prefix);
        self.at_line_start = false;
        self.apply_styles();
    }

    fn push_style(&mut self, code: &'static str) {
        self.styles.push(code);
        if self.color && !self.at_line_start {
            self.write_raw(&format!("\x1b[{code}m"));
        }
    }

    fn pop_style(&mut self) {
        self.styles.pop();
        if self.color && !self.at_line_start {
            self.write_raw("\x1b[0m");
            self.apply_styles();
        }
    }

    fn apply_styles(&mut self) {
        if self.color {
            for code in self.styles.clone() {
                self.write_raw(&format!("\x1b[{code}m"));
            }
        }
    }

    fn reset_styles(&mut self) {
        if self.color && !self.styles.is_empty() && !self.at_line_start {
            self.write_raw("\x1b[0m");
        }
    }

    fn write_raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn finish(mut self) -> String {
        self.reset_styles();
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        if self.color && self.out.contains('\x1b') && !self.out.ends_with("\x1b[0m") {
            self.out.push_str("\x1b[0m");
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "# AWS SSO: Session Status\n\n✅ **Authenticated**\n\n\
        - **Start URL**: https://x.awsapps.com/start\n- **Region**: us-east-1\n\n\
        Use `mcp-aws-sso ls-accounts` to list accounts and roles.\n\n> a note";

    #[test]
    fn markdown_becomes_plain_text_without_colour() {
        let text = render(STATUS, false);
        assert_eq!(
            text,
            "AWS SSO: Session Status\n═══════════════════════\n\n✅ Authenticated\n\n\
             • Start URL: https://x.awsapps.com/start\n• Region: us-east-1\n\n\
             Use mcp-aws-sso ls-accounts to list accounts and roles.\n\n│ a note"
        );
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn code_blocks_keep_their_text_verbatim_and_indented() {
        let text = render(
            "## Output\n```\n2023-01-15 my-bucket\n  indented **not bold**\n\n```\n\nDone.",
            false,
        );
        assert_eq!(
            text,
            "Output\n──────\n\n    2023-01-15 my-bucket\n      indented **not bold**\n    \n\nDone."
        );
    }

    #[test]
    fn colour_marks_headings_emphasis_and_code() {
        let text = render("# Title\n\nSome **bold** and `code`.", true);
        assert!(text.starts_with("\x1b[1m\x1b[4mTitle\x1b[0m"), "{text:?}");
        assert!(text.contains("\x1b[1mbold\x1b[0m"), "{text:?}");
        assert!(text.contains("\x1b[36mcode\x1b[0m"), "{text:?}");
        assert!(!text.contains("**") && !text.contains('`'));
    }

    #[test]
    fn nested_lists_rules_and_links() {
        let text = render(
            "1. one\n2. two\n   - inner\n\n---\n[docs](https://example.com) and <https://a.example>",
            false,
        );
        assert_eq!(
            text,
            "1. one\n2. two\n   • inner\n\n────────────────────────────────────────\n\n\
             docs (https://example.com) and https://a.example"
        );
    }

    #[test]
    fn piped_output_stays_markdown() {
        assert_eq!(show("# T\n\n**b**\n\n", Rendering::Markdown), "# T\n\n**b**");
    }
}
