//! Test-only: a plugin built against the first ABI 1 `plugin-api` (the frozen snapshot beside
//! it), whose root module has only the fields up to `last_prefix_field` (no `shutdown`).
//! Loading it proves the compatibility promise in `plugin-api/src/abi.rs`: fields appended after
//! `last_prefix_field` do not lock out older plugins.

use abi_stable::{
    export_root_module,
    prefix_type::PrefixTypeTrait,
    std_types::{RResult, RStr, RString},
};
use mcp_aws_sso_plugin_api::{HostContextBox, PluginMod, PluginModRef};

extern "C" fn manifest() -> RResult<RString, RString> {
    let manifest = serde_json::json!({
        "name": "legacy-abi",
        "version": "1.0.0",
        "tools": [{
            "name": "legacy_hello",
            "title": "Legacy hello",
            "description": "Answers from a plugin built against an older plugin-api",
            "inputSchema": {"type": "object", "properties": {"name": {"type": "string"}}}
        }]
    });
    RResult::ROk(manifest.to_string().into())
}

extern "C" fn call(_tool: RStr<'_>, args: RStr<'_>, ctx: HostContextBox) -> RResult<RString, RString> {
    let name = serde_json::from_str::<serde_json::Value>(args.as_str())
        .ok()
        .and_then(|v| v["name"].as_str().map(String::from))
        .unwrap_or_else(|| "world".to_string());
    let host = ctx.host_info();
    let output = serde_json::json!({"text": format!("hello {name} from a legacy plugin; host {host}")});
    RResult::ROk(output.to_string().into())
}

#[export_root_module]
pub fn root_module() -> PluginModRef {
    PluginMod { manifest, call }.leak_into_prefix()
}
