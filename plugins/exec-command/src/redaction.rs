//! Keeping the role's secrets out of what the model sees.
//!
//! The child needs the secret key and session token in its environment, and some commands print
//! them back: `aws configure export-credentials` (v2), `aws --debug` (the session token is a
//! request header), a wrapper that dumps its environment. Whatever the command, those two values
//! are replaced before the output goes anywhere. The access key id is not a secret (AWS shows it
//! in CloudTrail and error messages) and stays readable.

pub const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not searched for: they could match ordinary text, and real
/// secret keys (40 characters) and session tokens (hundreds) are far longer.
const MIN_SECRET_LEN: usize = 16;
/// A cut-off secret at the end of kept output is hidden when at least this much of it is there.
const MIN_TAIL_LEN: usize = 4;

/// `text` with every occurrence of each secret replaced, and a secret cut off at the very end (the
/// output cap can fall inside one) removed too.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= MIN_SECRET_LEN) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
        if let Some(cut) = partial_secret_at_end(&out, secret) {
            out.truncate(cut);
            out.push_str(REDACTED);
        }
    }
    out
}

/// Where a prefix of `secret` at the end of `text` starts, if there is one.
fn partial_secret_at_end(text: &str, secret: &str) -> Option<usize> {
    (MIN_TAIL_LEN..secret.len())
        .rev()
        .filter(|&n| secret.is_char_boundary(n))
        .find(|&n| text.ends_with(&secret[..n]))
        .map(|n| text.len() - n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKENvYWNjZXNzLWtleS1pZA==";

    #[test]
    fn replaces_every_occurrence() {
        let text = format!("AWS_SECRET_ACCESS_KEY={SECRET}\nAWS_SESSION_TOKEN={TOKEN}\nagain {SECRET}");
        let out = redact(&text, &[SECRET, TOKEN]);
        assert!(!out.contains(SECRET) && !out.contains(TOKEN), "{out}");
        assert_eq!(out.matches(REDACTED).count(), 3);
        assert!(out.starts_with("AWS_SECRET_ACCESS_KEY=<redacted>\n"));
    }

    #[test]
    fn hides_a_secret_cut_off_by_the_output_cap() {
        let text = format!("X-Amz-Security-Token: {}", &TOKEN[..20]);
        assert_eq!(redact(&text, &[TOKEN]), "X-Amz-Security-Token: <redacted>");
    }

    #[test]
    fn leaves_other_text_alone() {
        let text = "2024-01-01 bucket-a\n2024-01-02 bucket-b\n";
        assert_eq!(redact(text, &[SECRET, TOKEN]), text);
        // Short "secrets" (a test stub's) are not searched for: they would match ordinary words.
        assert_eq!(redact("the key", &["key"]), "the key");
    }
}
