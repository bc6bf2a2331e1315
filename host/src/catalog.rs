//! What plugins declare besides tools — prompts, resources, resource templates, completions —
//! indexed by name or URI to the plugin that serves them. Built once at start-up from the loaded
//! plugins' manifests; the first plugin to declare a name keeps it.

use std::collections::BTreeMap;
use std::sync::Arc;

use mcp_aws_sso_plugin_api::{CompletionRef, PromptSpec, ResourceSpec, ResourceTemplateSpec};

use crate::plugins::LoadedPlugin;

#[derive(Default)]
pub struct Catalog {
    prompts: BTreeMap<String, (PromptSpec, Arc<LoadedPlugin>)>,
    resources: BTreeMap<String, (ResourceSpec, Arc<LoadedPlugin>)>,
    templates: Vec<(ResourceTemplateSpec, Arc<LoadedPlugin>)>,
}

impl Catalog {
    pub fn add(&mut self, plugin: &Arc<LoadedPlugin>) {
        let name = &plugin.manifest.name;
        for prompt in &plugin.manifest.prompts {
            if self.prompts.contains_key(&prompt.name) {
                tracing::warn!(
                    "plugin {name}: prompt `{}` is already served by another plugin",
                    prompt.name
                );
                continue;
            }
            self.prompts
                .insert(prompt.name.clone(), (prompt.clone(), plugin.clone()));
        }
        for resource in &plugin.manifest.resources {
            if self.resources.contains_key(&resource.uri) {
                tracing::warn!(
                    "plugin {name}: resource `{}` is already served by another plugin",
                    resource.uri
                );
                continue;
            }
            self.resources
                .insert(resource.uri.clone(), (resource.clone(), plugin.clone()));
        }
        for template in &plugin.manifest.resource_templates {
            self.templates.push((template.clone(), plugin.clone()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.prompts.is_empty() && self.resources.is_empty() && self.templates.is_empty()
    }

    pub fn has_prompts(&self) -> bool {
        !self.prompts.is_empty()
    }

    pub fn prompts(&self) -> impl Iterator<Item = &PromptSpec> {
        self.prompts.values().map(|(spec, _)| spec)
    }

    pub fn prompt(&self, name: &str) -> Option<&(PromptSpec, Arc<LoadedPlugin>)> {
        self.prompts.get(name)
    }

    pub fn resources(&self) -> impl Iterator<Item = &ResourceSpec> {
        self.resources.values().map(|(spec, _)| spec)
    }

    pub fn templates(&self) -> impl Iterator<Item = &ResourceTemplateSpec> {
        self.templates.iter().map(|(spec, _)| spec)
    }

    /// The plugin serving `uri`: a declared resource, else the first template it matches.
    pub fn resource_owner(&self, uri: &str) -> Option<&Arc<LoadedPlugin>> {
        if let Some((_, plugin)) = self.resources.get(uri) {
            return Some(plugin);
        }
        self.templates
            .iter()
            .find(|(spec, _)| template_matches(&spec.uri_template, uri))
            .map(|(_, plugin)| plugin)
    }

    /// Completion values for an argument of a prompt or template, those starting with `typed`.
    pub fn complete(&self, reference: CompletionRef, name: &str, argument: &str, typed: &str) -> Vec<String> {
        let plugins = self
            .prompts
            .values()
            .map(|(_, p)| p)
            .chain(self.resources.values().map(|(_, p)| p))
            .chain(self.templates.iter().map(|(_, p)| p));
        let mut values: Vec<String> = Vec::new();
        for plugin in plugins {
            for completion in &plugin.manifest.completions {
                if completion.reference == reference && completion.name == name && completion.argument == argument {
                    for value in &completion.values {
                        if value.starts_with(typed) && !values.contains(value) {
                            values.push(value.clone());
                        }
                    }
                }
            }
        }
        values
    }
}

/// RFC 6570 level 1 matching: literal parts equal, each `{var}` one or more characters without `/`.
pub fn template_matches(template: &str, uri: &str) -> bool {
    let mut rest = uri;
    let mut parts = template.split('{');
    let Some(first) = parts.next() else { return false };
    let Some(after) = rest.strip_prefix(first) else {
        return false;
    };
    rest = after;
    for part in parts {
        let Some((_, literal)) = part.split_once('}') else {
            return false;
        };
        let end = if literal.is_empty() {
            rest.find('/').unwrap_or(rest.len())
        } else {
            match rest.find(literal) {
                Some(i) => i,
                None => return false,
            }
        };
        let value = &rest[..end];
        if value.is_empty() || value.contains('/') {
            return false;
        }
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::template_matches;

    #[test]
    fn templates_match_one_segment_per_variable() {
        assert!(template_matches(
            "test://template/{id}/data",
            "test://template/123/data"
        ));
        assert!(!template_matches("test://template/{id}/data", "test://template//data"));
        assert!(!template_matches(
            "test://template/{id}/data",
            "test://template/1/2/data"
        ));
        assert!(!template_matches(
            "test://template/{id}/data",
            "test://template/1/datax"
        ));
        assert!(template_matches("x://{a}", "x://b"));
        assert!(!template_matches("x://{a}", "x://b/c"));
    }
}
