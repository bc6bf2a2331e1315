//! The running host: configuration, the auth service and the tool registry, assembled once at
//! start-up and shared by the MCP and CLI front ends.

use std::sync::Arc;

use mcp_aws_sso_config::Config;

use crate::auth::Auth;
use crate::builtin;
use crate::catalog::Catalog;
use crate::plugins::discovery::{self, SearchedDir};
use crate::plugins::{PluginCallEnv, PluginReport, loader};
use crate::registry::{Handler, Registry};
use crate::resources::ResourceStore;

pub struct App {
    pub config: Arc<Config>,
    pub auth: Arc<Auth>,
    pub registry: Registry,
    /// Prompts, resources, templates and completions declared by plugins.
    pub catalog: Catalog,
    /// Resources whose contents the host keeps (published by plugins or kept by the host).
    pub resources: Arc<ResourceStore>,
    pub plugin_reports: Vec<PluginReport>,
    pub plugin_dirs: Vec<SearchedDir>,
}

impl App {
    /// Registers the built-in tools, then every plugin found in the plugin directories.
    pub fn start(config: Config) -> Arc<App> {
        let config = Arc::new(config);
        let auth = Auth::new(config.clone());
        let resources = Arc::new(ResourceStore::default());
        let env = Arc::new(PluginCallEnv {
            auth: auth.clone(),
            config: config.clone(),
            resources: resources.clone(),
        });
        let mut registry = Registry::new(env);
        for tool in builtin::all(&auth, &config) {
            let spec = tool.spec();
            if let Err(e) = registry.register(spec, Handler::Builtin(tool)) {
                // Built-in specs are fixed at compile time; a failure here is a bug in the host.
                panic!("built-in tool rejected: {e}");
            }
        }
        let dirs = discovery::plugin_dirs(&config.plugin_dirs);
        let found = discovery::discover(&dirs);
        for dir in &found.dirs {
            if let Some(reason) = &dir.refused {
                tracing::warn!("plugin directory {} refused: {reason}", dir.path.display());
            }
        }
        let plugin_reports = loader::load_all(&found, &mut registry);
        let mut catalog = Catalog::default();
        for plugin in registry.plugins() {
            catalog.add(&plugin);
        }
        Arc::new(App {
            config,
            auth,
            registry,
            catalog,
            resources,
            plugin_reports,
            plugin_dirs: found.dirs,
        })
    }
}
