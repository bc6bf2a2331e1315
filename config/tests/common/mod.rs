//! A temporary home with the two files a user edits, and an explicit environment map.

#![allow(dead_code)] // each test binary uses a different part of this

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mcp_aws_sso_config::{Config, ConfigError};

pub struct Home {
    dir: tempfile::TempDir,
    pub env: HashMap<String, String>,
}

impl Home {
    pub fn new() -> Self {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
            env: HashMap::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn configs_json_path(&self) -> PathBuf {
        self.path().join(".mcp/configs.json")
    }

    pub fn aws_config_path(&self) -> PathBuf {
        self.path().join(".aws/config")
    }

    pub fn configs_json(&self, text: &str) -> &Self {
        write(&self.configs_json_path(), text);
        self
    }

    pub fn aws_config(&self, text: &str) -> &Self {
        write(&self.aws_config_path(), text);
        self
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn load(&self) -> Result<Config, ConfigError> {
        Config::load_from(&self.env, self.path())
    }

    pub fn config(&self) -> Config {
        self.load()
            .unwrap_or_else(|error| panic!("config should load: {error}"))
    }

    pub fn error(&self) -> String {
        match self.load() {
            Ok(config) => panic!("config should fail to load, got {config:#?}"),
            Err(error) => error.to_string(),
        }
    }
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}
