//! Test-only: a library that claims to be an mcp-aws-sso plugin built against plugin-api 1.0.0:
//! the same package name and version, the same root-module type name, module path and version
//! strings, so that abi_stable's name, package and version checks all pass. Only the layout
//! differs: `call` takes and returns a `u32`. The host must refuse it at load time for its
//! layout, instead of calling through a mismatched function pointer.

pub mod abi {
    #![allow(non_local_definitions)] // emitted by the abi_stable derives

    use abi_stable::{
        StableAbi, declare_root_module_statics,
        library::RootModule,
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
        const VERSION_STRINGS: VersionStrings = VersionStrings::new(env!("CARGO_PKG_VERSION"));
    }
}

use abi::{PluginMod, PluginModRef};
use abi_stable::{export_root_module, prefix_type::PrefixTypeTrait, std_types::RResult};

extern "C" fn manifest() -> RResult<abi_stable::std_types::RString, abi_stable::std_types::RString> {
    RResult::ROk(r#"{"name":"abi-mismatch","version":"0","tools":[]}"#.into())
}

extern "C" fn call(x: u32) -> u32 {
    x
}

#[export_root_module]
pub fn root_module() -> PluginModRef {
    PluginMod { manifest, call }.leak_into_prefix()
}
