//! Loading plugin libraries through the stable ABI and registering their tools.
//!
//! Each file is loaded on its own with `lib_header_from_path(..).init_root_module()`. abi_stable's
//! `RootModule::load_from_file` caches one module per root-module *type*, and every plugin exports
//! the same type, so it would hand the first plugin's module back for every later file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use abi_stable::library::{LibraryError, lib_header_from_path};
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RResult, RStr};
use mcp_aws_sso_plugin_api::{HostContext_TO, Manifest, PluginModRef, ToolError, ToolOutput};
use serde_json::Value;

use super::discovery::Discovery;
use super::host_context::{PluginCallEnv, PluginHostContext};
use crate::call_context::CallContext;
use crate::registry::{Handler, Registry};

/// A plugin whose tools are registered.
pub struct LoadedPlugin {
    pub path: PathBuf,
    pub manifest: Manifest,
    module: PluginModRef,
}

/// What happened to one plugin file, for `mcp-aws-sso plugins`, `doctor` and the start-up log.
#[derive(Debug, Clone)]
pub struct PluginReport {
    pub path: PathBuf,
    pub status: PluginStatus,
}

#[derive(Debug, Clone)]
pub enum PluginStatus {
    Loaded {
        name: String,
        version: String,
        tools: Vec<String>,
    },
    Skipped {
        reason: String,
    },
}

impl LoadedPlugin {
    /// Runs a tool on a blocking thread: plugin code is synchronous and may block for minutes.
    pub async fn call(
        &self,
        tool: &str,
        args: Value,
        ctx: CallContext,
        env: Arc<PluginCallEnv>,
    ) -> Result<ToolOutput, ToolError> {
        let call = self.module.call();
        let context = PluginHostContext::new(self.manifest.name.clone(), env, ctx);
        let context = HostContext_TO::from_value(context, TD_Opaque);
        let tool = tool.to_string();
        let args = args.to_string();
        let answer =
            tokio::task::spawn_blocking(move || call(RStr::from(tool.as_str()), RStr::from(args.as_str()), context))
                .await
                .map_err(|e| ToolError::internal(format!("the plugin call did not complete: {e}")))?;
        match answer {
            RResult::ROk(json) => serde_json::from_str(json.as_str()).map_err(|e| {
                ToolError::internal(format!(
                    "plugin `{}` returned output the host cannot read: {e}",
                    self.manifest.name
                ))
            }),
            RResult::RErr(json) => Err(ToolError::from_json(json.as_str())),
        }
    }
}

/// Loads every discovered file and registers its tools. A file that fails any check is skipped
/// with a reason; the others still load.
pub fn load_all(discovery: &Discovery, registry: &mut Registry) -> Vec<PluginReport> {
    let mut reports: Vec<PluginReport> = discovery
        .refused_files
        .iter()
        .map(|(path, reason)| PluginReport {
            path: path.clone(),
            status: PluginStatus::Skipped { reason: reason.clone() },
        })
        .collect();
    for path in &discovery.files {
        let status = match load_one(path).and_then(|plugin| register(plugin, registry)) {
            Ok(plugin) => {
                let status = PluginStatus::Loaded {
                    name: plugin.manifest.name.clone(),
                    version: plugin.manifest.version.clone(),
                    tools: plugin.manifest.tools.iter().map(|t| t.name.clone()).collect(),
                };
                tracing::debug!(path = %path.display(), plugin = %plugin.manifest.name, "plugin loaded");
                status
            }
            Err(reason) => {
                tracing::warn!("skipped plugin {}: {reason}", path.display());
                PluginStatus::Skipped { reason }
            }
        };
        reports.push(PluginReport {
            path: path.clone(),
            status,
        });
    }
    reports
}

fn load_one(path: &Path) -> Result<LoadedPlugin, String> {
    let module = lib_header_from_path(path)
        .and_then(|header| header.init_root_module::<PluginModRef>())
        .map_err(|e| describe_load_error(&e))?;
    let manifest_json = match (module.manifest())() {
        RResult::ROk(json) => json,
        RResult::RErr(message) => return Err(format!("the plugin could not describe itself: {message}")),
    };
    let manifest: Manifest =
        serde_json::from_str(manifest_json.as_str()).map_err(|e| format!("the plugin's manifest is not valid: {e}"))?;
    if manifest.name.trim().is_empty() {
        return Err("the plugin's manifest has no name".to_string());
    }
    if manifest.tools.is_empty() {
        return Err(format!("plugin `{}` declares no tools", manifest.name));
    }
    Ok(LoadedPlugin {
        path: path.to_path_buf(),
        manifest,
        module,
    })
}

fn register(plugin: LoadedPlugin, registry: &mut Registry) -> Result<Arc<LoadedPlugin>, String> {
    let validators = registry
        .check(&plugin.manifest.tools)
        .map_err(|e| format!("plugin `{}` was not loaded: {e}", plugin.manifest.name))?;
    let plugin = Arc::new(plugin);
    for (spec, validator) in plugin.manifest.tools.iter().zip(validators) {
        registry.add(spec.clone(), Handler::Plugin(plugin.clone()), validator);
    }
    Ok(plugin)
}

/// abi_stable's errors can run to hundreds of lines (a full layout diff): say what kind of
/// mismatch it is, with the first lines of the detail where they help.
fn describe_load_error(error: &LibraryError) -> String {
    let detail = || -> String {
        let text: Vec<String> = error
            .to_string()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(3)
            .map(String::from)
            .collect();
        text.join(" ").chars().take(300).collect()
    };
    match error {
        LibraryError::OpenError { err, .. } => format!("not a loadable library ({err})"),
        LibraryError::GetSymbolError { .. } => {
            "not an mcp-aws-sso plugin: it exports no plugin root module (build it with `export_plugin!`)".to_string()
        }
        LibraryError::IncompatibleVersionNumber {
            expected_version,
            actual_version,
            ..
        } => format!(
            "built for plugin ABI {actual_version}, but this host speaks ABI {expected_version}; rebuild the plugin against this host's plugin-api"
        ),
        LibraryError::AbiInstability(_) | LibraryError::InvalidAbiHeader(_) | LibraryError::InvalidCAbi { .. } => {
            format!(
                "its plugin ABI layout does not match this host's; rebuild it against this host's plugin-api ({})",
                detail()
            )
        }
        _ => format!("it could not be loaded ({})", detail()),
    }
}
