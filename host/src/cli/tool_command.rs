//! A tool's JSON Schema as a CLI subcommand: one `--flag` per property, and back from the parsed
//! flags to the JSON arguments the tool expects. The schema is the single definition; `--help`
//! text comes from its descriptions.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use mcp_aws_sso_plugin_api::ToolSpec;
use serde_json::{Map, Value};

use crate::registry::cli_verb;

/// How a schema property is spelled on the command line.
enum FlagKind {
    Text,
    Integer,
    Number,
    /// A boolean whose default is false: `--x` turns it on.
    SwitchOn,
    /// A boolean whose default is true: `--no-x` turns it off.
    SwitchOff,
    List,
    /// Objects and anything else: a JSON value.
    Json,
}

struct Property<'a> {
    name: &'a str,
    schema: &'a Value,
    kind: FlagKind,
    flag: String,
}

fn properties(spec: &ToolSpec) -> Vec<Property<'_>> {
    let Some(props) = spec.input_schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, schema)| {
            // `["string", "integer"]` (an account id the kit also accepts as a number): typed on
            // the command line, it is text, which keeps its leading zeros.
            let declared = match schema.get("type") {
                Some(Value::Array(types)) if types.iter().any(|t| t == "string") => Some("string"),
                other => other.and_then(Value::as_str),
            };
            let kind = match declared {
                Some("string") => FlagKind::Text,
                Some("integer") => FlagKind::Integer,
                Some("number") => FlagKind::Number,
                Some("boolean") if schema.get("default") == Some(&Value::Bool(true)) => FlagKind::SwitchOff,
                Some("boolean") => FlagKind::SwitchOn,
                Some("array") => FlagKind::List,
                _ => FlagKind::Json,
            };
            let base = kebab_case(name);
            let flag = match kind {
                FlagKind::SwitchOff => format!("no-{base}"),
                _ => base,
            };
            Property {
                name,
                schema,
                kind,
                flag,
            }
        })
        .collect()
}

fn required(spec: &ToolSpec) -> Vec<&str> {
    spec.input_schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `accountId` -> `account-id`, `timeout_seconds` -> `timeout-seconds`.
pub fn kebab_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

pub fn command_for(spec: &ToolSpec) -> Command {
    let required = required(spec);
    let mut command = Command::new(cli_verb(&spec.name))
        .about(spec.title.clone())
        .long_about(format!("{}\n\n{}", spec.title, spec.description))
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print the structured result as JSON instead of markdown"),
        );
    for prop in properties(spec) {
        let mut help = prop
            .schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut arg = Arg::new(prop.name.to_string()).long(prop.flag.clone());
        arg = match prop.kind {
            FlagKind::SwitchOn | FlagKind::SwitchOff => arg.action(ArgAction::SetTrue),
            FlagKind::List => arg.action(ArgAction::Append).value_name("VALUE"),
            FlagKind::Integer => arg.value_parser(clap::value_parser!(i64)).value_name("N"),
            FlagKind::Number => arg.value_parser(clap::value_parser!(f64)).value_name("N"),
            FlagKind::Json => arg.value_name("JSON"),
            FlagKind::Text => arg.value_name(kebab_case(prop.name).to_uppercase().replace('-', "_")),
        };
        if let Some(values) = prop.schema.get("enum").and_then(Value::as_array) {
            let values: Vec<String> = values.iter().filter_map(Value::as_str).map(String::from).collect();
            arg = arg.value_parser(PossibleValuesParser::new(values));
        }
        if let Some(default) = prop
            .schema
            .get("default")
            .filter(|_| !matches!(prop.kind, FlagKind::SwitchOff))
        {
            help.push_str(&format!(" [default: {default}]"));
        }
        if required.contains(&prop.name) && !matches!(prop.kind, FlagKind::SwitchOn | FlagKind::SwitchOff) {
            arg = arg.required(true);
        }
        command = command.arg(arg.help(help));
    }
    command
}

/// The JSON arguments for the tool from what the user typed; flags not given are left out, so
/// the tool's own defaults apply.
pub fn arguments_from(spec: &ToolSpec, matches: &ArgMatches) -> Result<Value, String> {
    let mut args = Map::new();
    for prop in properties(spec) {
        let id = prop.name;
        let value = match prop.kind {
            FlagKind::SwitchOn => matches.get_flag(id).then_some(Value::Bool(true)),
            FlagKind::SwitchOff => matches.get_flag(id).then_some(Value::Bool(false)),
            FlagKind::Integer => matches.get_one::<i64>(id).map(|n| Value::from(*n)),
            FlagKind::Number => matches.get_one::<f64>(id).map(|n| Value::from(*n)),
            FlagKind::Text => matches.get_one::<String>(id).map(|s| Value::String(s.clone())),
            FlagKind::List => matches
                .get_many::<String>(id)
                .map(|values| Value::Array(values.map(|v| Value::String(v.clone())).collect())),
            FlagKind::Json => match matches.get_one::<String>(id) {
                Some(text) => {
                    Some(serde_json::from_str(text).map_err(|e| format!("--{} is not valid JSON: {e}", prop.flag))?)
                }
                None => None,
            },
        };
        if let Some(value) = value {
            args.insert(id.to_string(), value);
        }
    }
    Ok(Value::Object(args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> ToolSpec {
        ToolSpec {
            name: "aws_sso_demo_tool".into(),
            title: "Demo".into(),
            description: "A demo".into(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "accountId": {"type": "string", "description": "The account"},
                    "timeoutSeconds": {"type": "integer"},
                    "launchBrowser": {"type": "boolean", "default": true},
                    "refresh": {"type": "boolean"},
                    "tags": {"type": "array", "items": {"type": "string"}}
                },
                "required": ["accountId"]
            }),
            output_schema: None,
            annotations: Default::default(),
            ..Default::default()
        }
    }

    #[test]
    fn flags_round_trip_to_json_arguments() {
        let matches = command_for(&spec())
            .try_get_matches_from([
                "demo-tool",
                "--account-id",
                "123456789012",
                "--timeout-seconds",
                "5",
                "--no-launch-browser",
                "--tags",
                "a",
                "--tags",
                "b",
            ])
            .unwrap();
        let args = arguments_from(&spec(), &matches).unwrap();
        assert_eq!(
            args,
            json!({"accountId": "123456789012", "timeoutSeconds": 5, "launchBrowser": false, "tags": ["a", "b"]})
        );
    }

    #[test]
    fn required_flags_are_enforced() {
        let error = command_for(&spec()).try_get_matches_from(["demo-tool"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn kebab_case_handles_camel_and_snake_case() {
        assert_eq!(kebab_case("accountId"), "account-id");
        assert_eq!(kebab_case("timeout_seconds"), "timeout-seconds");
        assert_eq!(kebab_case("refresh"), "refresh");
    }
}
