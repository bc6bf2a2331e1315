//! The figment side: each source becomes a [`Layer`] (a figment provider that knows its
//! [`Source`]), and a [`Stack`] merges them and answers "what is KEY, and who said so?".
//!
//! figment's own `Env` and `Json` providers are not used directly: `Env` reads the process
//! environment (tests pass an explicit map instead, so they never race on the global), and the
//! part of configs.json we want is a nested object picked by a first-present-wins rule. What
//! figment gives us is the merge and the per-value metadata tag that leads back to the layer.

use std::collections::{BTreeMap, HashMap};

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use crate::keys;
use crate::source::Source;

/// The values one source sets, all as trimmed, non-empty strings.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    origin: Source,
    values: BTreeMap<&'static str, String>,
}

impl Layer {
    pub(crate) fn new(origin: Source) -> Self {
        Layer {
            origin,
            values: BTreeMap::new(),
        }
    }

    /// The known keys of an environment map; other variables are none of our business.
    pub(crate) fn from_env(env: &HashMap<String, String>) -> Self {
        let mut layer = Layer::new(Source::Env);
        for (name, value) in env {
            if let Some(key) = keys::known(name) {
                layer.set(key, value);
            }
        }
        layer
    }

    /// Sets a key unless the value is blank: users of the TypeScript server often leave `""`
    /// in configs.json to mean "not set", and a blank must not hide a lower source's value.
    pub(crate) fn set(&mut self, key: &'static str, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.values.insert(key, value.to_owned());
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        // Only read back through `Stack::origins`; never shown to users.
        Metadata::named(self.origin.to_string())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let dict = self
            .values
            .iter()
            .map(|(key, value)| (key.to_string(), Value::from(value.as_str())))
            .collect();
        Ok(Profile::Default.collect(dict))
    }
}

/// Layers merged by figment, lowest priority first.
pub(crate) struct Stack {
    figment: Figment,
    origins: HashMap<String, Source>,
}

impl Stack {
    pub(crate) fn new(lowest_first: impl IntoIterator<Item = Layer>) -> Self {
        let mut figment = Figment::new();
        let mut origins = HashMap::new();
        for layer in lowest_first {
            origins.insert(layer.metadata().name.into_owned(), layer.origin.clone());
            figment = figment.merge(layer);
        }
        Stack { figment, origins }
    }

    /// The winning value of `key` and the source it came from.
    pub(crate) fn get(&self, key: &str) -> Option<(String, Source)> {
        let value = self.figment.find_value(key).ok()?;
        let origin = self
            .figment
            .get_metadata(value.tag())
            .and_then(|metadata| self.origins.get(metadata.name.as_ref()))
            .cloned()
            // Every provider is a Layer, so this is unreachable; "the default" is the least
            // misleading answer if figment ever tags a value on its own.
            .unwrap_or(Source::Default);
        // Layers only hold strings; anything else would be figment's own doing.
        let text = value.into_string()?;
        Some((text, origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(origin: Source, pairs: &[(&'static str, &str)]) -> Layer {
        let mut layer = Layer::new(origin);
        for (key, value) in pairs {
            layer.set(key, value);
        }
        layer
    }

    #[test]
    fn higher_layers_win_and_blank_values_fall_through() {
        let json = Source::ConfigsJson {
            path: "/h/.mcp/configs.json".into(),
            section: "aws-sso".into(),
        };
        let stack = Stack::new([
            layer(json.clone(), &[(keys::PORT, "4000"), (keys::AWS_REGION, "eu-west-1")]),
            layer(Source::Env, &[(keys::PORT, "5000"), (keys::AWS_REGION, "  ")]),
        ]);
        assert_eq!(stack.get(keys::PORT), Some(("5000".into(), Source::Env)));
        assert_eq!(stack.get(keys::AWS_REGION), Some(("eu-west-1".into(), json)));
        assert_eq!(stack.get(keys::AWS_SSO_START_URL), None);
    }
}
