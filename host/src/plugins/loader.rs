//! Loading plugin libraries through the stable ABI and registering their tools.
//!
//! Each file is loaded on its own with `lib_header_from_path(..).init_root_module()`. abi_stable's
//! `RootModule::load_from_file` caches one module per root-module *type*, and every plugin exports
//! the same type, so it would hand the first plugin's module back for every later file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use abi_stable::library::{LibraryError, lib_header_from_path};
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::sabi_types::VersionNumber;
use abi_stable::std_types::{RResult, RStr};
use mcp_aws_sso_plugin_api::{ABI_VERSION, HostContext_TO, Manifest, PluginModRef, ToolError, ToolOutput};
use serde_json::Value;

use super::discovery::Discovery;
use super::guarded_call::GuardedCalls;
use super::host_context::{PluginCallEnv, PluginHostContext};
use crate::call_context::CallContext;
use crate::limits::call_timeout::CallLimit;
use crate::registry::{Handler, Registry};

/// A plugin whose tools are registered.
pub struct LoadedPlugin {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// The plugin-api version the plugin was built with (its library header says).
    pub plugin_api: String,
    module: PluginModRef,
    /// Its calls in flight that the host stopped waiting for.
    calls: GuardedCalls,
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
        plugin_api: String,
        tools: Vec<String>,
    },
    Skipped {
        reason: String,
    },
}

impl LoadedPlugin {
    /// Runs a tool under the host's limits (see [`guarded_call`](super::guarded_call)).
    pub async fn call(
        &self,
        tool: &str,
        args: Value,
        ctx: CallContext,
        env: Arc<PluginCallEnv>,
        limit: CallLimit,
    ) -> Result<ToolOutput, ToolError> {
        let call = self.module.call();
        let tool_name = tool.to_string();
        let args = args.to_string();
        let plugin = self.manifest.name.clone();
        let answer = self
            .calls
            .run(&self.manifest.name, tool, ctx, limit, move |ctx| {
                let context = PluginHostContext::new(plugin.clone(), env, ctx);
                let context = HostContext_TO::from_value(context, TD_Opaque);
                move || call(RStr::from(tool_name.as_str()), RStr::from(args.as_str()), context)
            })
            .await?;
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
        .map(|(path, reason)| {
            // Said as a load failure is: a refused file must not just be missing from the tools.
            tracing::warn!("skipped plugin {}: {reason}", path.display());
            PluginReport {
                path: path.clone(),
                status: PluginStatus::Skipped { reason: reason.clone() },
            }
        })
        .collect();
    for path in &discovery.files {
        let status = match load_one(path).and_then(|plugin| register(plugin, registry)) {
            Ok(plugin) => {
                let status = PluginStatus::Loaded {
                    name: plugin.manifest.name.clone(),
                    version: plugin.manifest.version.clone(),
                    plugin_api: plugin.plugin_api.clone(),
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
    let header = lib_header_from_path(path).map_err(|e| describe_load_error(&e))?;
    let plugin_api = header.version_strings();
    let module = header
        .init_root_module::<PluginModRef>()
        .map_err(|e| describe_load_error(&e))?;
    // abi_stable accepted the layout; a plugin built against a newer 1.x may still rely on host
    // capabilities this host predates, so the minor is the host's own rule (see plugin-api's abi.rs).
    let plugin_api =
        VersionNumber::new(plugin_api).map_err(|e| format!("its plugin-api version is unreadable: {e}"))?;
    check_plugin_api(plugin_api)?;
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
        plugin_api: plugin_api.to_string(),
        module,
        calls: GuardedCalls::default(),
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
        } => incompatible_major(*expected_version, *actual_version),
        LibraryError::AbiInstability(_) | LibraryError::InvalidAbiHeader(_) | LibraryError::InvalidCAbi { .. } => {
            format!(
                "its plugin ABI layout does not match this host's; rebuild it against this host's plugin-api ({})",
                detail()
            )
        }
        _ => format!("it could not be loaded ({})", detail()),
    }
}

/// The host's version of plugin-api.
fn host_plugin_api() -> VersionNumber {
    VersionNumber::new(abi_stable::sabi_types::VersionStrings::new(ABI_VERSION))
        .expect("plugin-api's own version parses")
}

/// A plugin built against plugin-api 1.x loads in a host with 1.y for every y >= x.
fn check_plugin_api(plugin: VersionNumber) -> Result<(), String> {
    let host = host_plugin_api();
    if plugin.major != host.major {
        return Err(incompatible_major(host, plugin));
    }
    if plugin.minor > host.minor {
        return Err(format!(
            "built against plugin-api {plugin}, newer than this host's plugin-api {host} (mcp-aws-sso {}): it may rely on \
             host capabilities this host lacks. Upgrade mcp-aws-sso, or rebuild the plugin against plugin-api {}.{} \
             (`cargo update -p mcp-aws-sso-plugin-api --precise {host}`)",
            env!("CARGO_PKG_VERSION"),
            host.major,
            host.minor,
        ));
    }
    Ok(())
}

fn incompatible_major(host: VersionNumber, plugin: VersionNumber) -> String {
    if plugin.major > host.major {
        format!(
            "built for plugin ABI {plugin}, newer than this host's ABI {host}: it needs a newer mcp-aws-sso (one built with \
             plugin-api {}.x). Upgrade mcp-aws-sso, or rebuild the plugin against plugin-api {}.x",
            plugin.major, host.major
        )
    } else {
        format!(
            "built for the older plugin ABI {plugin}, but this host speaks ABI {host}; rebuild the plugin against \
             plugin-api {}.x",
            host.major
        )
    }
}
