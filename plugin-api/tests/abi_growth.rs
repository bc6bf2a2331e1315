//! Why ABI 1 is frozen, checked with the layout checker the host runs when it loads a plugin
//! (abi_stable's `check_layout_compatibility`: the host's layout is the "interface", the
//! plugin's the "implementation").
//!
//! `grown` is ABI 1 with one `HostContext` method appended after `last_prefix_field`, the way
//! abi_stable's docs describe extending a prefix type. A host built with it would refuse every
//! plugin built before (so new host capabilities are `extension` method names instead), while a
//! plugin built with it would pass the check in an older host (so the host refuses plugins
//! built against a newer plugin-api itself, from their version).

#![allow(non_local_definitions)] // emitted by #[sabi_trait]

use abi_stable::StableAbi;
use abi_stable::abi_stability::abi_checking::{CheckingGlobals, check_layout_compatibility_with_globals};
use abi_stable::type_layout::TypeLayout;

#[allow(dead_code)] // only the layouts are used
mod grown {
    use abi_stable::{
        StableAbi, declare_root_module_statics,
        library::RootModule,
        sabi_trait,
        sabi_types::VersionStrings,
        std_types::{RBox, ROption, RResult, RStr, RString},
    };

    #[repr(C)]
    #[derive(StableAbi)]
    #[sabi(kind(Prefix(prefix_ref = PluginModRef)))]
    #[sabi(missing_field(option))]
    pub struct PluginMod {
        pub manifest: extern "C" fn() -> RResult<RString, RString>,
        #[sabi(last_prefix_field)]
        pub call: extern "C" fn(RStr<'_>, RStr<'_>, HostContextBox) -> RResult<RString, RString>,
    }

    impl RootModule for PluginModRef {
        declare_root_module_statics! {PluginModRef}
        const BASE_NAME: &'static str = "mcp_aws_sso_plugin";
        const NAME: &'static str = "mcp_aws_sso_plugin";
        const VERSION_STRINGS: VersionStrings = VersionStrings::new(env!("CARGO_PKG_VERSION"));
    }

    #[sabi_trait]
    pub trait HostContext: Send + Sync {
        fn credentials(
            &self,
            account_id: RStr<'_>,
            role_name: RStr<'_>,
            force_refresh: bool,
        ) -> RResult<RString, RString>;
        fn account_roles(&self, account_id: RStr<'_>) -> RResult<RString, RString>;
        fn default_region(&self) -> ROption<RString>;
        fn endpoint_url(&self, service: RStr<'_>) -> ROption<RString>;
        fn progress(&self, done: f64, total: ROption<f64>, message: RStr<'_>);
        fn log(&self, level: u8, message: RStr<'_>);
        fn is_cancelled(&self) -> bool;
        fn config(&self) -> RString;
        fn host_info(&self) -> RString;
        #[sabi(last_prefix_field)]
        fn extension(&self, method: RStr<'_>, params: RStr<'_>) -> RResult<RString, RString>;
        /// The appended method.
        fn deadline_ms(&self) -> u64;
    }

    pub type HostContextBox = HostContext_TO<'static, RBox<()>>;
}

fn compatible(host: &'static TypeLayout, plugin: &'static TypeLayout) -> bool {
    check_layout_compatibility_with_globals(host, plugin, &CheckingGlobals::new()).is_ok()
}

const CURRENT: &TypeLayout = <mcp_aws_sso_plugin_api::PluginModRef as StableAbi>::LAYOUT;
const GROWN: &TypeLayout = <grown::PluginModRef as StableAbi>::LAYOUT;

#[test]
fn the_current_abi_loads_itself() {
    assert!(compatible(CURRENT, CURRENT));
}

#[test]
fn a_host_with_an_appended_host_context_method_refuses_older_plugins() {
    assert!(!compatible(GROWN, CURRENT));
}

#[test]
fn a_plugin_with_an_appended_method_passes_the_layout_check_of_an_older_host() {
    assert!(compatible(CURRENT, GROWN));
}
