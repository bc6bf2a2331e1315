//! `mcp-aws-sso plugins new NAME [--dir DIR] [--plugin-api-path PATH]`: writes a standalone
//! plugin crate (its own workspace, no `*.workspace = true`) with one working tool and one unit
//! test, that builds anywhere with `cargo build --release`. It depends on plugin-api by version,
//! or on a local checkout with `--plugin-api-path`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ArgMatches;
use mcp_aws_sso_plugin_api::ABI_VERSION;

use super::{EXIT_OK, EXIT_TOOL_ERROR, EXIT_USAGE};
use crate::app::App;

const CARGO_TOML: &str = include_str!("scaffold/Cargo.toml.tmpl");
const LIB_RS: &str = include_str!("scaffold/lib.rs.tmpl");
const GITIGNORE: &str = include_str!("scaffold/gitignore.tmpl");

/// Plugin names: kebab-case, a letter first; they become the crate, config section and verbs.
fn check_name(name: &str) -> Result<(), String> {
    let ok = (2..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a usable plugin name: use 2-40 characters from a-z, 0-9 and `-`, starting with a letter \
             (e.g. team-tools)"
        ))
    }
}

/// The dependency line for plugin-api.
fn plugin_api_dependency(path: Option<&Path>) -> Result<String, String> {
    let Some(path) = path else {
        let mut parts = ABI_VERSION.split('.');
        let (major, minor) = (parts.next().unwrap_or("1"), parts.next().unwrap_or("0"));
        return Ok(format!("\"{major}.{minor}\""));
    };
    let path = path
        .canonicalize()
        .map_err(|e| format!("--plugin-api-path {}: {e}", path.display()))?;
    if !path.join("Cargo.toml").is_file() {
        return Err(format!(
            "--plugin-api-path {}: no Cargo.toml there; point it at the plugin-api directory of an mcp-aws-sso checkout",
            path.display()
        ));
    }
    Ok(format!("{{ path = {:?} }}", path.display().to_string()))
}

fn render(template: &str, name: &str, plugin_api: &str) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{snake}}", &name.replace('-', "_"))
        .replace("{{plugin_api}}", plugin_api)
}

fn write(root: &Path, name: &str, plugin_api: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("src"))?;
    std::fs::write(root.join("Cargo.toml"), render(CARGO_TOML, name, plugin_api))?;
    std::fs::write(root.join("src/lib.rs"), render(LIB_RS, name, plugin_api))?;
    std::fs::write(root.join(".gitignore"), GITIGNORE)?;
    Ok(())
}

pub fn run(app: &App, matches: &ArgMatches) -> ExitCode {
    let name = matches.get_one::<String>("name").expect("required by clap");
    if let Err(message) = check_name(name) {
        eprintln!("error: {message}");
        return ExitCode::from(EXIT_USAGE);
    }
    let plugin_api = match plugin_api_dependency(matches.get_one::<PathBuf>("plugin-api-path").map(PathBuf::as_path)) {
        Ok(dependency) => dependency,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let parent = matches
        .get_one::<PathBuf>("dir")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let root = parent.join(name);
    if root.exists() && std::fs::read_dir(&root).map(|mut d| d.next().is_some()).unwrap_or(true) {
        eprintln!(
            "error: {} already exists and is not empty; choose another name or --dir",
            root.display()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    if let Err(e) = write(&root, name, &plugin_api) {
        eprintln!("error: cannot write the plugin into {}: {e}", root.display());
        return ExitCode::from(EXIT_TOOL_ERROR);
    }
    let snake = name.replace('-', "_");
    let plugin_dir = app
        .plugin_dirs
        .first()
        .map(|d| d.path.display().to_string())
        .unwrap_or_else(|| "<a plugin directory>".to_string());
    println!(
        "Created the plugin `{name}` in {}, with the tool `{snake}_roles`.",
        root.display()
    );
    println!();
    println!("  cd {}", root.display());
    println!("  cargo test");
    println!("  cargo build --release");
    println!("  cp target/release/lib{snake}.so {plugin_dir}/");
    println!("  mcp-aws-sso {name}-roles --account-id 123456789012   # or restart your MCP client");
    ExitCode::from(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case() {
        for good in ["team-tools", "ab", "x1-y2"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "a", "Team", "1abc", "a_b", "a--b", "a-", "../x", "a b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_crate_is_standalone_and_depends_on_plugin_api_by_version() {
        let cargo = render(CARGO_TOML, "team-tools", &plugin_api_dependency(None).unwrap());
        assert!(!cargo.contains(".workspace"), "{cargo}");
        assert!(cargo.contains("name = \"team_tools\"") && cargo.contains("\n[workspace]\n"));
        assert!(cargo.contains("mcp-aws-sso-plugin-api = \"1."), "{cargo}");
        let lib = render(LIB_RS, "team-tools", "");
        assert!(lib.contains("\"team_tools_roles\"") && !lib.contains("{{"));
    }
}
