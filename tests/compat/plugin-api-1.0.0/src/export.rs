//! The plugin author's side: the [`Plugin`] trait and the [`export_plugin!`] macro that turns an
//! implementation into the root module, with every entry point guarded against panics (a panic
//! unwinding out of an `extern "C"` function would abort the whole host).

use std::panic::{AssertUnwindSafe, catch_unwind};

use abi_stable::std_types::{RResult, RStr, RString};
use serde_json::Value;

use crate::abi::HostContextBox;
use crate::host::Host;
use crate::manifest::Manifest;
use crate::outcome::{ToolError, ToolOutput};

/// A tool plugin. One instance is created on first use and shared by all calls, which may run on
/// several threads at once.
pub trait Plugin: Send + Sync + 'static {
    /// The plugin's name, version and tools.
    fn manifest(&self) -> Manifest;

    /// Runs `tool` with arguments already validated by the host against the tool's input schema.
    fn call(&self, tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError>;
}

/// Exports a [`Plugin`] as this library's root module.
///
/// ```ignore
/// mcp_aws_sso_plugin_api::export_plugin!(MyPlugin, MyPlugin::new());
/// ```
///
/// The plugin crate must be a `cdylib` and depend on `abi_stable` directly (the export attribute
/// names it), at the version `plugin-api` uses.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty, $constructor:expr) => {
        static __MCP_AWS_SSO_PLUGIN: ::std::sync::OnceLock<$plugin> = ::std::sync::OnceLock::new();

        fn __mcp_aws_sso_plugin() -> &'static $plugin {
            __MCP_AWS_SSO_PLUGIN.get_or_init(|| $constructor)
        }

        extern "C" fn __mcp_aws_sso_manifest() -> $crate::abi_stable::std_types::RResult<
            $crate::abi_stable::std_types::RString,
            $crate::abi_stable::std_types::RString,
        > {
            $crate::__entry::manifest(__mcp_aws_sso_plugin)
        }

        extern "C" fn __mcp_aws_sso_call(
            tool: $crate::abi_stable::std_types::RStr<'_>,
            args: $crate::abi_stable::std_types::RStr<'_>,
            ctx: $crate::HostContextBox,
        ) -> $crate::abi_stable::std_types::RResult<
            $crate::abi_stable::std_types::RString,
            $crate::abi_stable::std_types::RString,
        > {
            $crate::__entry::call(__mcp_aws_sso_plugin, tool, args, ctx)
        }

        #[::abi_stable::export_root_module]
        pub fn __mcp_aws_sso_root_module() -> $crate::PluginModRef {
            use $crate::abi_stable::prefix_type::PrefixTypeTrait;
            $crate::PluginMod {
                manifest: __mcp_aws_sso_manifest,
                call: __mcp_aws_sso_call,
            }
            .leak_into_prefix()
        }
    };
}

/// The bodies of the exported functions; public only for [`export_plugin!`].
#[doc(hidden)]
pub mod __entry {
    use super::*;

    pub fn manifest<P: Plugin>(plugin: fn() -> &'static P) -> RResult<RString, RString> {
        match catch_unwind(|| serde_json::to_string(&plugin().manifest())) {
            Ok(Ok(json)) => RResult::ROk(json.into()),
            Ok(Err(e)) => RResult::RErr(format!("manifest is not serializable: {e}").into()),
            Err(panic) => RResult::RErr(
                format!(
                    "plugin panicked while building its manifest: {}",
                    panic_message(&*panic)
                )
                .into(),
            ),
        }
    }

    pub fn call<P: Plugin>(
        plugin: fn() -> &'static P,
        tool: RStr<'_>,
        args: RStr<'_>,
        ctx: HostContextBox,
    ) -> RResult<RString, RString> {
        let host = Host::new(ctx);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let args: Value = serde_json::from_str(args.as_str())
                .map_err(|e| ToolError::invalid_arguments(format!("arguments are not valid JSON: {e}")))?;
            plugin().call(tool.as_str(), args, &host)
        }));
        let result = match outcome {
            Ok(result) => result,
            Err(panic) => Err(ToolError::internal(format!(
                "the plugin crashed while running `{}`: {}. The host is still running; report this to the plugin's authors.",
                tool.as_str(),
                panic_message(&*panic)
            ))),
        };
        match result {
            Ok(output) => match serde_json::to_string(&output) {
                Ok(json) => RResult::ROk(json.into()),
                Err(e) => RResult::RErr(
                    ToolError::internal(format!("tool output is not serializable: {e}"))
                        .to_json()
                        .into(),
                ),
            },
            Err(error) => RResult::RErr(error.to_json().into()),
        }
    }

    fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    }
}
