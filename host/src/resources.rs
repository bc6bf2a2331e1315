//! The host's one resource registry: resources whose contents the host keeps (published by a
//! plugin through the `resources/publish` extension, or kept by the host itself), listed and read
//! over MCP next to the resources plugins declare in their manifests (see [`crate::catalog`]).
//!
//! Kept in memory for the host's run, newest last, under a total size cap: the oldest go first.

use std::sync::Mutex;

use mcp_aws_sso_plugin_api::ToolError;
use serde::Deserialize;

/// Total bytes of contents kept.
const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;

/// One kept resource.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeptResource {
    pub uri: String,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(flatten)]
    pub body: ResourceBody,
    /// Who put it there (a plugin name, or `host`).
    #[serde(skip)]
    pub owner: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceBody {
    Text(String),
    /// Base64.
    Blob(String),
}

impl KeptResource {
    fn size(&self) -> usize {
        match &self.body {
            ResourceBody::Text(text) => text.len(),
            ResourceBody::Blob(blob) => blob.len(),
        }
    }
}

/// URI schemes the host keeps for itself; plugins may not publish under them.
const RESERVED_SCHEMES: &[&str] = &["mcp-aws-sso"];

pub struct ResourceStore {
    kept: Mutex<Vec<KeptResource>>,
    /// The URI of every resource kept or replaced, for sessions subscribed to updates.
    updates: tokio::sync::broadcast::Sender<String>,
}

impl Default for ResourceStore {
    fn default() -> Self {
        Self {
            kept: Mutex::default(),
            updates: tokio::sync::broadcast::channel(64).0,
        }
    }
}

impl ResourceStore {
    /// Keeps `resource`, replacing one with the same URI. A plugin may replace only its own.
    pub fn keep(&self, resource: KeptResource) -> Result<(), ToolError> {
        let scheme = resource.uri.split_once("://").map(|(scheme, _)| scheme);
        let Some(scheme) = scheme.filter(|s| !s.is_empty()) else {
            return Err(ToolError::invalid_arguments(format!(
                "resource URI `{}` needs a scheme, like `my-plugin://report/1`",
                resource.uri
            )));
        };
        if resource.owner != "host" && RESERVED_SCHEMES.contains(&scheme) {
            return Err(ToolError::invalid_arguments(format!(
                "the `{scheme}://` scheme is the host's own; publish under another"
            )));
        }
        if resource.size() > MAX_TOTAL_BYTES {
            return Err(ToolError::invalid_arguments(
                "the resource is larger than the host keeps (64 MiB)",
            ));
        }
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(existing) = kept.iter().find(|r| r.uri == resource.uri)
            && existing.owner != resource.owner
        {
            return Err(ToolError::invalid_arguments(format!(
                "resource `{}` belongs to {}",
                resource.uri, existing.owner
            )));
        }
        kept.retain(|r| r.uri != resource.uri);
        let uri = resource.uri.clone();
        kept.push(resource);
        // No receiver (nobody subscribed) is not an error.
        let _ = self.updates.send(uri);
        let mut total: usize = kept.iter().map(KeptResource::size).sum();
        while total > MAX_TOTAL_BYTES && !kept.is_empty() {
            total -= kept.remove(0).size();
        }
        Ok(())
    }

    /// URIs of resources as they are kept or replaced.
    pub fn updates(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.updates.subscribe()
    }

    pub fn list(&self) -> Vec<KeptResource> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn get(&self, uri: &str) -> Option<KeptResource> {
        self.kept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|r| r.uri == uri)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(uri: &str, owner: &str) -> KeptResource {
        KeptResource {
            uri: uri.into(),
            name: "n".into(),
            title: None,
            description: None,
            mime_type: None,
            body: ResourceBody::Text("x".into()),
            owner: owner.into(),
        }
    }

    #[test]
    fn a_plugin_cannot_take_over_another_owners_uri_or_the_host_scheme() {
        let store = ResourceStore::default();
        store.keep(text("a://1", "one")).unwrap();
        assert!(store.keep(text("a://1", "two")).is_err());
        assert!(store.keep(text("mcp-aws-sso://output/1", "two")).is_err());
        assert!(store.keep(text("no-scheme", "two")).is_err());
        store.keep(text("a://1", "one")).unwrap();
        assert_eq!(store.list().len(), 1);
    }
}
