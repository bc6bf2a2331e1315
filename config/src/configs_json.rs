//! `~/.mcp/configs.json`, the TypeScript server's file, read so a migrating user changes nothing:
//!
//! ```json
//! { "aws-sso": {
//!     "environments": { "AWS_SSO_START_URL": "https://x.awsapps.com/start", "AWS_SSO_REGION": "us-east-1" },
//!     "plugins": { "exec-command": { "allowedServices": ["s3"] } } } }
//! ```
//!
//! One section is used: the first of [`SECTIONS`] present in the file. Sections are not merged,
//! so a stale section under an old name cannot leak values into the current one.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::ConfigError;
use crate::keys;
use crate::layers::Layer;
use crate::near_miss;
use crate::source::Source;
use crate::warning::ConfigWarning;

/// Section names, highest priority first: ours, then the TypeScript package's two names.
pub const SECTIONS: &[&str] = &["aws-sso", "@aashari/mcp-server-aws-sso", "mcp-server-aws-sso"];

/// What configs.json contributes.
pub(crate) struct ConfigsJson {
    /// The section that was used, if the file exists and has one.
    pub section: Option<&'static str>,
    /// Its `environments`, as a layer (empty when there is none).
    pub layer: Layer,
    /// Its `plugins` object: one JSON object per plugin name.
    pub plugins: Map<String, Value>,
    /// Section and key names that look like typos of ours (they are not read).
    pub warnings: Vec<ConfigWarning>,
}

/// Where configs.json lives for a home directory.
pub(crate) fn path(home: &Path) -> PathBuf {
    home.join(".mcp").join("configs.json")
}

/// Reads the file; a missing (or blank) file is the same as an empty one.
pub(crate) fn read(path: &Path) -> Result<ConfigsJson, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(empty(path)),
        Err(source) => {
            return Err(ConfigError::Unreadable {
                path: path.to_owned(),
                source,
            });
        }
    };
    from_text(path, &text)
}

/// Reads the file's text (`path` is only for messages).
pub(crate) fn from_text(path: &Path, text: &str) -> Result<ConfigsJson, ConfigError> {
    // Windows editors may save a byte-order mark, which JSON parsers reject.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(empty(path));
    }
    let root: Value = serde_json::from_str(text).map_err(|error| ConfigError::MalformedConfigsJson {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
        message: strip_position(&error.to_string()),
    })?;
    parse(path, &root)
}

/// What a missing file contributes; also what a broken one is replaced by when the host loads
/// leniently (for `doctor` and the other verbs that must work with a broken file).
pub(crate) fn empty(path: &Path) -> ConfigsJson {
    ConfigsJson {
        section: None,
        layer: Layer::new(Source::ConfigsJson {
            path: path.to_owned(),
            section: String::new(),
        }),
        plugins: Map::new(),
        warnings: Vec::new(),
    }
}

/// Top-level names that look like one of [`SECTIONS`] but are not: `aws_sso`, `aws-ssso`, or a
/// name built around ours such as `mcp-aws-sso`.
fn misspelled_sections(path: &Path, root: &Map<String, Value>) -> Vec<ConfigWarning> {
    root.keys()
        .filter(|name| !SECTIONS.contains(&name.as_str()))
        .filter_map(|name| {
            let meant = near_miss::meant(name, SECTIONS).or_else(|| {
                let lower = name.to_ascii_lowercase().replace('_', "-");
                lower.contains("aws-sso").then_some(SECTIONS[0])
            })?;
            Some(ConfigWarning::MisspelledSection {
                path: path.to_owned(),
                found: name.clone(),
                meant,
            })
        })
        .collect()
}

fn parse(path: &Path, root: &Value) -> Result<ConfigsJson, ConfigError> {
    let shape = |at: String, expected: &'static str, found: &Value| ConfigError::ConfigsJsonShape {
        path: path.to_owned(),
        at,
        expected,
        found: json_type(found),
    };
    let Value::Object(root) = root else {
        return Err(shape("the top level".into(), "an object of server sections", root));
    };
    let mut warnings = misspelled_sections(path, root);
    // `null` counts as absent, like a blank string does for values.
    let Some((name, section)) = SECTIONS
        .iter()
        .find_map(|name| root.get(*name).filter(|v| !v.is_null()).map(|v| (*name, v)))
    else {
        return Ok(ConfigsJson {
            warnings,
            ..empty(path)
        });
    };
    let Value::Object(section) = section else {
        return Err(shape(format!("{name:?}"), "an object", section));
    };

    let mut layer = Layer::new(Source::ConfigsJson {
        path: path.to_owned(),
        section: name.to_owned(),
    });
    match section.get("environments") {
        None | Some(Value::Null) => {}
        Some(Value::Object(environments)) => {
            for (key, value) in environments {
                let Some(key) = keys::known(key) else {
                    // Other keys are allowed (the TypeScript server exports them all to its
                    // environment), but one typo away from ours is a setting that silently fails.
                    if let Some(meant) = near_miss::meant(key, keys::ALL) {
                        warnings.push(ConfigWarning::MisspelledKey {
                            path: path.to_owned(),
                            section: name,
                            found: key.clone(),
                            meant,
                        });
                    }
                    continue;
                };
                // The TypeScript server documents strings, but hand-written files carry
                // `"PORT": 3000` and `"DEBUG": true`; both mean what they say.
                match value {
                    Value::String(text) => layer.set(key, text),
                    Value::Number(number) => layer.set(key, &number.to_string()),
                    Value::Bool(flag) => layer.set(key, &flag.to_string()),
                    Value::Null => {}
                    other => {
                        return Err(shape(
                            format!("{name:?} → \"environments\" → {key:?}"),
                            "a string, number or boolean",
                            other,
                        ));
                    }
                }
            }
        }
        Some(other) => {
            return Err(shape(
                format!("{name:?} → \"environments\""),
                "an object of KEY: value",
                other,
            ));
        }
    }

    let plugins = match section.get("plugins") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(plugins)) => {
            for (plugin, config) in plugins {
                if !config.is_object() {
                    return Err(shape(
                        format!("{name:?} → \"plugins\" → {plugin:?}"),
                        "an object (that plugin's settings)",
                        config,
                    ));
                }
            }
            plugins.clone()
        }
        Some(other) => {
            return Err(shape(
                format!("{name:?} → \"plugins\""),
                "an object of plugin sections",
                other,
            ));
        }
    };

    Ok(ConfigsJson {
        section: Some(name),
        layer,
        plugins,
        warnings,
    })
}

/// serde_json appends " at line L column C"; we report those as fields already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(root: Value) -> Result<ConfigsJson, ConfigError> {
        parse(Path::new("/h/.mcp/configs.json"), &root)
    }

    #[test]
    fn first_present_section_wins_without_merging() {
        let file = parsed(json!({
            "mcp-server-aws-sso": {"environments": {"AWS_REGION": "eu-west-1", "PORT": "1"}},
            "@aashari/mcp-server-aws-sso": {"environments": {"PORT": "2"}},
        }))
        .unwrap();
        assert_eq!(file.section, Some("@aashari/mcp-server-aws-sso"));
        let stack = crate::layers::Stack::new([file.layer]);
        assert_eq!(stack.get(keys::PORT).unwrap().0, "2");
        assert_eq!(stack.get(keys::AWS_REGION), None);
    }

    #[test]
    fn null_section_is_absent() {
        let file = parsed(json!({"aws-sso": null, "mcp-server-aws-sso": {}})).unwrap();
        assert_eq!(file.section, Some("mcp-server-aws-sso"));
    }

    #[test]
    fn wrong_shapes_name_the_place() {
        let error = parsed(json!({"aws-sso": {"environments": {"PORT": [1]}}}))
            .err()
            .unwrap();
        let text = error.to_string();
        assert!(text.contains(r#""aws-sso" → "environments" → "PORT""#), "{text}");
        assert!(text.contains("an array"), "{text}");

        let error = parsed(json!({"aws-sso": {"plugins": {"ec2-exec": true}}}))
            .err()
            .unwrap();
        assert!(error.to_string().contains(r#""plugins" → "ec2-exec""#), "{error}");

        let error = parsed(json!(["aws-sso"])).err().unwrap();
        assert!(error.to_string().contains("the top level"), "{error}");
    }

    #[test]
    fn near_misses_of_sections_and_keys_are_warned_about() {
        let file = parsed(json!({
            "aws_sso": {"environments": {"AWS_SSO_START_URL": "https://x.awsapps.com/start"}},
            "mcp-aws-sso": {},
            "aws-s3": {},
            "mcp-server-aws-sso": {"environments": {"AWS_SSO_REGOIN": "us-east-1", "HTTPS_PROXY": "x"}},
        }))
        .unwrap();
        let mut found: Vec<(String, &str)> = file
            .warnings
            .iter()
            .map(|w| match w {
                ConfigWarning::MisspelledSection { found, meant, .. } => (found.clone(), *meant),
                ConfigWarning::MisspelledKey { found, meant, .. } => (found.clone(), *meant),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("AWS_SSO_REGOIN".to_string(), keys::AWS_SSO_REGION),
                ("aws_sso".to_string(), "aws-sso"),
                ("mcp-aws-sso".to_string(), "aws-sso"),
            ]
        );
    }
}
