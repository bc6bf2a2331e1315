//! Test-only: a plugin built against plugin-api 1.2.0. The root module and `HostContext` are the
//! frozen ABI 1 layout (the very file of the frozen 1.0.0 copy), and `VERSION_STRINGS` is this
//! package's version, exactly as a real plugin-api 1.2.0 would write it into the library header.

#[path = "../../plugin-api-1.0.0/src/abi.rs"]
pub mod abi;

use abi::{HostContextBox, PluginMod, PluginModRef};
use abi_stable::{
    export_root_module,
    prefix_type::PrefixTypeTrait,
    std_types::{RResult, RStr, RString},
};

extern "C" fn manifest() -> RResult<RString, RString> {
    let manifest = r#"{"name":"api-1.2.0","version":"1.2.0","tools":[{"name":"api_next_minor_hello","title":"Hello","description":"Must never be served","inputSchema":{"type":"object"}}]}"#;
    RResult::ROk(manifest.into())
}

extern "C" fn call(_tool: RStr<'_>, _args: RStr<'_>, _ctx: HostContextBox) -> RResult<RString, RString> {
    RResult::ROk(r#"{"text":"a plugin the host should have refused ran"}"#.into())
}

#[export_root_module]
pub fn root_module() -> PluginModRef {
    PluginMod { manifest, call }.leak_into_prefix()
}
