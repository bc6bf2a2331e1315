//! Typed tools: each tool is a type with its spec and a `run` over typed arguments, and a
//! [`ToolSet`] routes calls by name. A plugin's `call` becomes `self.tools.call(tool, args, host)`,
//! or the whole plugin a [`ToolPlugin`].
//!
//! ```
//! use mcp_aws_sso_plugin_api::kit::{Tool, ToolPlugin, schema, validate::types::AccountId};
//! use mcp_aws_sso_plugin_api::{Host, ToolAnnotations, ToolError, ToolOutput, ToolSpec};
//!
//! struct Whoami;
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct Args { account_id: AccountId }
//!
//! impl Tool for Whoami {
//!     type Args = Args;
//!     fn spec(&self) -> ToolSpec {
//!         ToolSpec {
//!             name: "team_whoami".into(),
//!             title: "Who am I".into(),
//!             description: "Shows the account".into(),
//!             input_schema: schema::object([("accountId", schema::account_id())], &["accountId"]),
//!             output_schema: None,
//!             annotations: ToolAnnotations::read_only(),
//!             ..Default::default()
//!         }
//!     }
//!     fn run(&self, args: Args, _host: &Host) -> Result<ToolOutput, ToolError> {
//!         Ok(ToolOutput::text(format!("account {}", args.account_id)))
//!     }
//! }
//!
//! let plugin = ToolPlugin::new("team", "1.0.0").tool(Whoami);
//! // mcp_aws_sso_plugin_api::export_plugin!(ToolPlugin, plugin);
//! # let _ = plugin;
//! ```

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::export::Plugin;
use crate::host::Host;
use crate::manifest::{Manifest, ToolSpec};
use crate::outcome::{ToolError, ToolOutput};

/// One tool with typed arguments.
pub trait Tool: Send + Sync + 'static {
    /// The arguments, deserialized from the JSON the host already validated against
    /// [`Tool::spec`]'s input schema. Use the [`types`](super::validate::types) newtypes for
    /// account ids, role names, regions and instance ids.
    type Args: DeserializeOwned;

    /// The tool's declaration: name, title, description, schemas, annotations.
    fn spec(&self) -> ToolSpec;

    fn run(&self, args: Self::Args, host: &Host) -> Result<ToolOutput, ToolError>;
}

type Runner = Box<dyn Fn(Value, &Host) -> Result<ToolOutput, ToolError> + Send + Sync>;

/// Tools by name.
#[derive(Default)]
pub struct ToolSet {
    tools: Vec<(ToolSpec, Runner)>,
}

impl ToolSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a tool.
    pub fn tool<T: Tool>(mut self, tool: T) -> Self {
        let spec = tool.spec();
        let name = spec.name.clone();
        let run: Runner = Box::new(move |args, host| {
            let args: T::Args = serde_json::from_value(args)
                .map_err(|e| ToolError::invalid_arguments(format!("Invalid arguments for `{name}`: {e}.")))?;
            tool.run(args, host)
        });
        self.tools.push((spec, run));
        self
    }

    /// Every tool's spec, for the manifest.
    pub fn specs(&self) -> Vec<ToolSpec> {
        self.tools.iter().map(|(spec, _)| spec.clone()).collect()
    }

    /// Runs the tool named `name`.
    pub fn call(&self, name: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        match self.tools.iter().find(|(spec, _)| spec.name == name) {
            Some((_, run)) => run(args, host),
            None => {
                let known: Vec<&str> = self.tools.iter().map(|(spec, _)| spec.name.as_str()).collect();
                Err(ToolError::invalid_arguments(format!(
                    "This plugin has no tool `{name}`; it provides {}.",
                    known.join(", ")
                )))
            }
        }
    }
}

/// A whole plugin made of a [`ToolSet`]: `export_plugin!(ToolPlugin, ToolPlugin::new(..).tool(..))`.
pub struct ToolPlugin {
    name: String,
    version: String,
    description: String,
    enforces_read_only: bool,
    tools: ToolSet,
}

impl ToolPlugin {
    /// `name` is the plugin's kebab-case name (its config section); `version` usually
    /// `env!("CARGO_PKG_VERSION")`.
    pub fn new(name: &str, version: &str) -> Self {
        Self {
            name: name.to_string(),
            version: version.to_string(),
            description: String::new(),
            enforces_read_only: false,
            tools: ToolSet::new(),
        }
    }

    pub fn description(mut self, description: &str) -> Self {
        self.description = description.to_string();
        self
    }

    /// Declares that the plugin checks `host.read_only()` itself for its tools that are not
    /// annotated read-only (see [`Manifest::enforces_read_only`]).
    pub fn enforces_read_only(mut self) -> Self {
        self.enforces_read_only = true;
        self
    }

    pub fn tool<T: Tool>(mut self, tool: T) -> Self {
        self.tools = self.tools.tool(tool);
        self
    }
}

impl Plugin for ToolPlugin {
    fn manifest(&self) -> Manifest {
        Manifest {
            name: self.name.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            enforces_read_only: self.enforces_read_only,
            tools: self.tools.specs(),
            ..Default::default()
        }
    }

    fn call(&self, tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        self.tools.call(tool, args, host)
    }
}
