//! Which verbs run when the configuration has a problem, decided before anything else is built.
//!
//! Help, version and completions never need the configuration, and `doctor` and `plugins` are
//! how a user finds out what is wrong with it: those run on what did load, the broken parts left
//! out. Serving and the tool verbs refuse instead, with the key and its source: a silently
//! ignored file could drop a setting such as `MCP_AWS_SSO_READ_ONLY=true`.

use mcp_aws_sso_config::{Config, ConfigError, Loaded};

/// How a command line treats configuration problems and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Startup {
    /// `--help`, `--version`, `help`, `completions`: run on what loaded, print nothing extra
    /// (completion scripts are sourced by shells at every start).
    Quiet,
    /// `plugins`: run on what loaded, say on stderr what was left out.
    Lenient,
    /// `doctor`: run on what loaded and report problems and warnings in its own output.
    Diagnose,
    /// Serving and the tool verbs: refuse a configuration with problems; print warnings.
    Strict,
}

impl Startup {
    /// Reads the verb the way clap will: the root command takes no flag with a value, so the
    /// first argument that is not a flag is the verb; `--` ends the flags.
    pub fn of(args: &[String]) -> Startup {
        let args: Vec<&str> = args
            .iter()
            .skip(1)
            .map(String::as_str)
            .take_while(|arg| *arg != "--")
            .collect();
        if args
            .iter()
            .any(|arg| matches!(*arg, "-h" | "--help" | "-V" | "--version"))
        {
            return Startup::Quiet;
        }
        match args.iter().find(|arg| !arg.starts_with('-')).copied() {
            Some("help" | "completions") => Startup::Quiet,
            Some("plugins") => Startup::Lenient,
            Some("doctor") => Startup::Diagnose,
            _ => Startup::Strict,
        }
    }

    /// The configuration to run with, or `None` when this command line must not run with it.
    /// Problems and warnings are printed on stderr as this kind of command line wants them.
    pub fn accept(self, loaded: Loaded) -> Option<(Config, Vec<ConfigError>)> {
        let Loaded { config, problems } = loaded;
        match self {
            Startup::Strict if !problems.is_empty() => {
                for problem in &problems {
                    eprintln!("error: {problem}");
                }
                return None;
            }
            Startup::Strict => print_warnings(&config),
            Startup::Lenient => {
                for problem in &problems {
                    eprintln!(
                        "warning: {problem} (left out here; serving and tool commands refuse to start until it is fixed)"
                    );
                }
                print_warnings(&config);
            }
            Startup::Quiet | Startup::Diagnose => {}
        }
        Some((config, problems))
    }
}

fn print_warnings(config: &Config) {
    for warning in &config.warnings {
        eprintln!("warning: {warning}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(line: &str) -> Startup {
        let args: Vec<String> = std::iter::once("mcp-aws-sso")
            .chain(line.split_whitespace())
            .map(String::from)
            .collect();
        Startup::of(&args)
    }

    #[test]
    fn verbs_are_read_as_clap_reads_them() {
        assert_eq!(of("--help"), Startup::Quiet);
        assert_eq!(of("-V"), Startup::Quiet);
        assert_eq!(of("exec-command --help"), Startup::Quiet);
        assert_eq!(of("completions bash"), Startup::Quiet);
        assert_eq!(of("help serve"), Startup::Quiet);
        assert_eq!(of("plugins --json"), Startup::Lenient);
        assert_eq!(of("doctor"), Startup::Diagnose);
        assert_eq!(of(""), Startup::Strict);
        assert_eq!(of("serve --port 3000"), Startup::Strict);
        assert_eq!(of("ls-accounts --filter doctor"), Startup::Strict);
        // After `--` an argument belongs to someone else.
        assert_eq!(of("exec -- aws --help"), Startup::Strict);
    }
}
