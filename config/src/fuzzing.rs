//! Entry points for the fuzz targets (`fuzz/`) and the property tests (`tests/properties.rs`);
//! not part of the crate's API. Each reads untrusted text the way the host does and panics only
//! if a reader does.

use std::path::Path;

use crate::aws_profile::AwsConfigFile;
use crate::configs_json;

/// `~/.mcp/configs.json` text through the reader: a value or a typed error, never a panic.
pub fn read_configs_json(text: &str) {
    let path = Path::new("/fuzz/.mcp/configs.json");
    match configs_json::from_text(path, text) {
        Ok(read) => {
            let _ = read.layer;
            for warning in read.warnings {
                let _ = warning.to_string();
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

/// `~/.aws/config` text through botocore's rules, then every section and profile looked up as
/// the host looks them up (a syntax error is reported for its section only).
pub fn read_aws_config(text: &str) {
    let file = AwsConfigFile::parse(Path::new("/fuzz/.aws/config"), text);
    for name in file.section_names() {
        let profile = name.strip_prefix("profile ").unwrap_or(&name).to_owned();
        if let Err(error) = file.profile_keys(&profile) {
            let _ = error.to_string();
        }
    }
    let _ = file.profile_keys("default");
}
