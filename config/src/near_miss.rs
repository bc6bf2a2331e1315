//! "Did you mean …?" for names we read from files: a section or key that is one typo away from
//! one we know is almost certainly meant as that one, and ignoring it silently would leave the
//! user wondering why their setting has no effect.

/// The known name that `found` was probably meant as: the same after ignoring case and `-`/`_`,
/// or one edit (insertion, deletion, substitution or swap of neighbours) away from it. One edit
/// only: the TypeScript servers share configs.json, and `aws-s3` is another server, not a typo
/// of `aws-sso`.
pub(crate) fn meant<'a>(found: &str, known: &[&'a str]) -> Option<&'a str> {
    let found = normalized(found);
    known
        .iter()
        .map(|name| (strsim::damerau_levenshtein(&found, &normalized(name)), *name))
        .filter(|(distance, _)| *distance <= 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

fn normalized(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTIONS: &[&str] = &["aws-sso", "@aashari/mcp-server-aws-sso", "mcp-server-aws-sso"];

    #[test]
    fn typos_point_at_the_name_meant() {
        for (typo, expected) in [
            ("aws_sso", "aws-sso"),
            ("AWS-SSO", "aws-sso"),
            ("aws-ssso", "aws-sso"),
            ("awssso", "aws-sso"),
            ("aws-sos", "aws-sso"),
            ("@ashari/mcp-server-aws-sso", "@aashari/mcp-server-aws-sso"),
            ("mcp-server-aws_sso", "mcp-server-aws-sso"),
        ] {
            assert_eq!(meant(typo, SECTIONS), Some(expected), "{typo}");
        }
    }

    #[test]
    fn other_servers_are_not_typos() {
        for other in ["aws-s3", "github", "@aashari/mcp-server-atlassian-jira", "sso"] {
            assert_eq!(meant(other, SECTIONS), None, "{other}");
        }
    }
}
