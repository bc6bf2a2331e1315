//! Settings that load but are probably not what the user meant. A warning never stops the host:
//! it prints each one as a single line on stderr at start-up, and `doctor` lists them.

use std::path::PathBuf;

use crate::error::KeyAt;
use crate::source::Source;

/// Something in the configuration worth a word, though it does not stop anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigWarning {
    /// `DEBUG` is not a boolean, e.g. the Node.js `debug` pattern `express:*` that people who ran
    /// the TypeScript server often still have in their shell. Debug logging stays off.
    #[error(
        "{} is not true or false, so debug logging is off (a Node.js `debug` pattern means nothing \
         here; set DEBUG=true for this server's debug logs)",
        KeyAt::new(crate::keys::DEBUG, value, origin)
    )]
    DebugNotBoolean {
        /// The value as given.
        value: String,
        /// Where it came from.
        origin: Source,
    },

    /// A top-level section of configs.json whose name is close to one that is read.
    #[error(
        "{}: section \"{found}\" is not read; did you mean \"{meant}\"? (read: {})",
        path.display(),
        crate::configs_json::SECTIONS.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
    )]
    MisspelledSection {
        /// The configs.json file.
        path: PathBuf,
        /// The name in the file.
        found: String,
        /// The section name it is probably meant as.
        meant: &'static str,
    },

    /// A key in a section's `environments` whose name is close to a known key.
    #[error("{}, section {section}: \"{found}\" is not a setting of this server; did you mean \"{meant}\"?", path.display())]
    MisspelledKey {
        /// The configs.json file.
        path: PathBuf,
        /// The section that was read.
        section: &'static str,
        /// The key as written.
        found: String,
        /// The key it is probably meant as.
        meant: &'static str,
    },

    /// The start URL is `http://`. AWS access portals are HTTPS only, so this is most likely a
    /// typo; it also keys a different token cache from the `https://` URL `aws sso login` uses.
    #[error(
        "{} is not https://: AWS access portal URLs are https:// (the portal shows yours), and \
         the token cache is keyed by the exact URL, so `aws sso login` with the https:// one would \
         not share this session",
        KeyAt::new(crate::keys::AWS_SSO_START_URL, value, origin)
    )]
    InsecureStartUrl {
        /// The URL as given.
        value: String,
        /// Where it came from.
        origin: Source,
    },
}
