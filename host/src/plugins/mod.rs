//! Tool plugins: finding plugin files ([`discovery`]), loading them through the stable ABI
//! ([`loader`]), and the context the host hands a plugin for each call ([`host_context`]).

pub mod discovery;
pub mod guarded_call;
pub mod host_context;
pub mod loader;

pub use host_context::PluginCallEnv;
pub use loader::{LoadedPlugin, PluginReport, PluginStatus};
