//! The tool registry: every tool the host serves, built-in or from a plugin, by name.
//!
//! Both front ends (MCP and CLI) go through [`Registry::call`], which validates the arguments
//! against the tool's input schema before the tool sees them, so tools can trust their input's
//! shape and every front end gets the same error messages.

use std::collections::BTreeMap;
use std::sync::Arc;

use mcp_aws_sso_plugin_api::{ToolError, ToolOutput, ToolSpec};
use serde_json::Value;

use crate::builtin::BuiltinTool;
use crate::call_context::CallContext;
use crate::limits::{call_timeout, read_only};
use crate::plugins::{LoadedPlugin, PluginCallEnv};

/// What runs a tool.
#[derive(Clone)]
pub enum Handler {
    Builtin(Arc<dyn BuiltinTool>),
    Plugin(Arc<LoadedPlugin>),
}

pub struct ToolEntry {
    pub spec: ToolSpec,
    pub handler: Handler,
    validator: jsonschema::Validator,
}

impl ToolEntry {
    /// Where the tool comes from, for `plugins` and error messages.
    pub fn origin(&self) -> String {
        match &self.handler {
            Handler::Builtin(_) => "built-in".to_string(),
            Handler::Plugin(p) => format!("plugin {} ({})", p.manifest.name, p.path.display()),
        }
    }
}

/// Why a tool could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("tool name `{0}` is invalid: use 1-64 characters from a-z, A-Z, 0-9, `_` and `-`")]
    InvalidName(String),
    #[error("tool `{name}` is already provided by {origin}")]
    Duplicate { name: String, origin: String },
    #[error("tool `{name}` would have the CLI verb `{verb}`, which the host itself uses")]
    ReservedVerb { name: String, verb: String },
    #[error(
        "tool `{name}` would have the CLI verb `{verb}`, which tool `{other}` of {origin} already has \
         (`_` and `-` both become `-`); rename one of the tools"
    )]
    VerbCollision {
        name: String,
        verb: String,
        other: String,
        origin: String,
    },
    #[error("tool `{name}` has an input schema that is not a valid JSON Schema object: {reason}")]
    BadSchema { name: String, reason: String },
}

/// CLI verbs of the host itself; a tool may not shadow them. (`console` is a host verb too, but
/// not reserved: it is the CLI face of the `console` plugin's `aws_sso_console` tool.)
pub const RESERVED_VERBS: &[&str] = &[
    "serve",
    "plugins",
    "doctor",
    "completions",
    "help",
    "credential-process",
    "export-credentials",
    "exec",
    "profiles",
];

#[derive(Default)]
pub struct Registry {
    tools: BTreeMap<String, ToolEntry>,
    /// Tools in registration order: built-ins first, then plugins in discovery order.
    order: Vec<String>,
    env: Option<Arc<PluginCallEnv>>,
}

impl Registry {
    pub fn new(env: Arc<PluginCallEnv>) -> Self {
        Self {
            env: Some(env),
            ..Self::default()
        }
    }

    /// Checks that all of `specs` could be added, without adding any: a plugin is registered
    /// whole or not at all. Returns the compiled validators, in order, for [`Registry::add`].
    pub fn check(&self, specs: &[ToolSpec]) -> Result<Vec<jsonschema::Validator>, RegisterError> {
        let mut seen = std::collections::HashSet::new();
        let mut verbs = std::collections::HashMap::new();
        let mut validators = Vec::with_capacity(specs.len());
        for spec in specs {
            check_name(&spec.name)?;
            let verb = cli_verb(&spec.name);
            if RESERVED_VERBS.contains(&verb.as_str()) {
                return Err(RegisterError::ReservedVerb {
                    name: spec.name.clone(),
                    verb,
                });
            }
            let taken = self
                .tools()
                .find(|t| t.spec.name != spec.name && cli_verb(&t.spec.name) == verb)
                .map(|t| (t.spec.name.clone(), t.origin()))
                .or_else(|| {
                    verbs
                        .get(&verb)
                        .filter(|other| *other != &spec.name)
                        .map(|other: &String| (other.clone(), "the same plugin".to_string()))
                });
            if let Some((other, origin)) = taken {
                return Err(RegisterError::VerbCollision {
                    name: spec.name.clone(),
                    verb,
                    other,
                    origin,
                });
            }
            verbs.insert(verb, spec.name.clone());
            if let Some(existing) = self.tools.get(&spec.name) {
                return Err(RegisterError::Duplicate {
                    name: spec.name.clone(),
                    origin: existing.origin(),
                });
            }
            if !seen.insert(spec.name.as_str()) {
                return Err(RegisterError::Duplicate {
                    name: spec.name.clone(),
                    origin: "the same plugin".to_string(),
                });
            }
            validators.push(compile_schema(spec)?);
        }
        Ok(validators)
    }

    /// Registers one tool after checking it.
    pub fn register(&mut self, spec: ToolSpec, handler: Handler) -> Result<(), RegisterError> {
        let validator = self.check(std::slice::from_ref(&spec))?.remove(0);
        self.add(spec, handler, validator);
        Ok(())
    }

    /// Adds a tool that [`Registry::check`] accepted, with the validator it compiled.
    pub fn add(&mut self, spec: ToolSpec, handler: Handler, validator: jsonschema::Validator) {
        self.order.push(spec.name.clone());
        self.tools.insert(
            spec.name.clone(),
            ToolEntry {
                spec,
                handler,
                validator,
            },
        );
    }

    /// A tool by name.
    pub fn get(&self, name: &str) -> Option<&ToolEntry> {
        self.tools.get(name)
    }

    /// Every loaded plugin that serves a tool, once each, in registration order.
    pub fn plugins(&self) -> Vec<Arc<LoadedPlugin>> {
        let mut plugins: Vec<Arc<LoadedPlugin>> = Vec::new();
        for entry in self.tools() {
            if let Handler::Plugin(plugin) = &entry.handler
                && !plugins.iter().any(|p| Arc::ptr_eq(p, plugin))
            {
                plugins.push(plugin.clone());
            }
        }
        plugins
    }

    /// Sends a plugin a request other than a tool call (`prompts/get`, `resources/read`) for
    /// something it declared in its manifest.
    pub async fn call_plugin_request(
        &self,
        plugin: &LoadedPlugin,
        request: &str,
        args: Value,
        ctx: CallContext,
    ) -> Result<ToolOutput, ToolError> {
        let env = self
            .env
            .clone()
            .ok_or_else(|| ToolError::internal("plugin requests need a host environment"))?;
        let plugin_config = env.config.plugin_config(&plugin.manifest.name);
        let limit = call_timeout::limit_for(&args, &Value::Null, &plugin_config);
        plugin.call(request, args, ctx, env, limit).await
    }

    /// The plugin that serves `name`, when a plugin does (the host's output cap applies to them).
    pub fn plugin_of(&self, name: &str) -> Option<&LoadedPlugin> {
        match &self.tools.get(name)?.handler {
            Handler::Plugin(plugin) => Some(plugin),
            Handler::Builtin(_) => None,
        }
    }

    /// All tools in registration order.
    pub fn tools(&self) -> impl Iterator<Item = &ToolEntry> {
        self.order.iter().filter_map(|name| self.tools.get(name))
    }

    /// Validates `args` and runs the tool. Every failure, including an unknown tool name, is a
    /// [`ToolError`] the front end shows as a tool error.
    pub async fn call(&self, name: &str, args: Value, ctx: CallContext) -> Result<ToolOutput, ToolError> {
        let Some(entry) = self.tools.get(name) else {
            let known: Vec<&str> = self.order.iter().map(String::as_str).collect();
            return Err(ToolError::invalid_arguments(format!(
                "Unknown tool `{name}`. Available tools: {}.",
                known.join(", ")
            )));
        };
        let args = if args.is_null() {
            Value::Object(Default::default())
        } else {
            args
        };
        match &entry.handler {
            Handler::Builtin(tool) => {
                validate(entry, &args)?;
                tool.call(args, &ctx).await
            }
            Handler::Plugin(plugin) => {
                let env = self
                    .env
                    .clone()
                    .ok_or_else(|| ToolError::internal("plugin tools need a host environment"))?;
                if env.config.read_only
                    && let Some(refusal) = read_only::refusal(&entry.spec, &plugin.manifest)
                {
                    return Err(refusal);
                }
                validate(entry, &args)?;
                let plugin_config = env.config.plugin_config(&plugin.manifest.name);
                let limit = call_timeout::limit_for(&args, &entry.spec.input_schema, &plugin_config);
                plugin.call(name, args, ctx, env, limit).await
            }
        }
    }
}

/// The CLI verb of a tool: its name without the `aws_sso_` prefix, in kebab-case.
pub fn cli_verb(tool_name: &str) -> String {
    tool_name
        .strip_prefix("aws_sso_")
        .unwrap_or(tool_name)
        .replace('_', "-")
}

fn check_name(name: &str) -> Result<(), RegisterError> {
    let ok = (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(RegisterError::InvalidName(name.to_string()))
    }
}

fn compile_schema(spec: &ToolSpec) -> Result<jsonschema::Validator, RegisterError> {
    let bad = |reason: String| RegisterError::BadSchema {
        name: spec.name.clone(),
        reason,
    };
    if spec.input_schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(bad("its top-level \"type\" must be \"object\"".to_string()));
    }
    jsonschema::validator_for(&spec.input_schema).map_err(|e| bad(e.to_string()))
}

fn validate(entry: &ToolEntry, args: &Value) -> Result<(), ToolError> {
    let problems: Vec<String> = entry
        .validator
        .iter_errors(args)
        .map(|error| {
            let path = error.instance_path().to_string();
            if path.is_empty() {
                error.to_string()
            } else {
                format!("`{}`: {error}", path.trim_start_matches('/'))
            }
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(ToolError::invalid_arguments(format!(
        "Invalid arguments for `{}`: {}.",
        entry.spec.name,
        problems.join("; ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_verbs_drop_the_prefix_and_use_kebab_case() {
        assert_eq!(cli_verb("aws_sso_ls_accounts"), "ls-accounts");
        assert_eq!(cli_verb("aws_sso_ec2_exec_command"), "ec2-exec-command");
        assert_eq!(cli_verb("team_tool"), "team-tool");
    }

    fn spec(name: &str) -> ToolSpec {
        ToolSpec {
            name: name.into(),
            title: name.into(),
            description: String::new(),
            input_schema: serde_json::json!({"type": "object"}),
            output_schema: None,
            annotations: Default::default(),
            ..Default::default()
        }
    }

    #[test]
    fn tools_with_the_same_cli_verb_are_refused_within_one_plugin() {
        let registry = Registry::default();
        let error = registry
            .check(&[spec("team_x"), spec("team-x")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`team-x` would have the CLI verb `team-x`, which tool `team_x` of the same plugin"),
            "{error}"
        );
        assert!(registry.check(&[spec("team_x"), spec("team_y")]).is_ok());
    }
}
