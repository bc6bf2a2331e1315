//! Test-only: a library that claims to be an mcp-aws-sso plugin (same root-module name and ABI
//! version) but whose `call` has a different signature. The host must refuse it at load time
//! with a clear message, instead of calling through a mismatched function pointer.

#![allow(non_local_definitions)] // emitted by the abi_stable derives

use abi_stable::{
    StableAbi, declare_root_module_statics, export_root_module,
    library::RootModule,
    prefix_type::PrefixTypeTrait,
    sabi_types::VersionStrings,
    std_types::{RResult, RString},
};

#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginModRef)))]
#[sabi(missing_field(option))]
pub struct PluginMod {
    pub manifest: extern "C" fn() -> RResult<RString, RString>,
    #[sabi(last_prefix_field)]
    pub call: extern "C" fn(u32) -> u32,
}

impl RootModule for PluginModRef {
    declare_root_module_statics! {PluginModRef}
    const BASE_NAME: &'static str = "mcp_aws_sso_plugin";
    const NAME: &'static str = "mcp_aws_sso_plugin";
    const VERSION_STRINGS: VersionStrings = VersionStrings::new("1.0.0");
}

extern "C" fn manifest() -> RResult<RString, RString> {
    RResult::ROk(r#"{"name":"abi-mismatch","version":"0","tools":[]}"#.into())
}

extern "C" fn call(x: u32) -> u32 {
    x
}

#[export_root_module]
pub fn root_module() -> PluginModRef {
    PluginMod { manifest, call }.leak_into_prefix()
}
