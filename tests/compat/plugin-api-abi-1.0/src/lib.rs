//! Frozen snapshot of `plugin-api` as the first ABI 1 release exported it, reduced to the ABI
//! itself. abi_stable compares the module path of the root-module type, so it stays in `abi`.

pub mod abi;

pub use abi::*;
