"""How the end-to-end tests run the product as a user would.

`HostSetup` is one user's machine: a temporary HOME (with `~/.mcp/configs.json` pointing at the
sandbox), the plugin directory the host loads, and the environment the `mcp-aws-sso` binary runs
with (endpoint overrides to the SSO emulator and moto, the venv's real `aws` CLI on PATH). From it
a test runs the CLI (`setup.cli(...)`) or opens a real MCP client session over stdio
(`setup.mcp()`, the Python `mcp` SDK).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET_DIR = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target")) / os.environ.get("MCP_AWS_SSO_PROFILE", "debug")
HOST_BINARY = TARGET_DIR / "mcp-aws-sso"
VENV_BIN = Path(sys.executable).parent

# The start URL the sandbox accepts; any URL works, the emulator does not check it.
START_URL = "https://sandbox-test.awsapps.com/start"
SSO_REGION = "us-east-1"


def plugin_library(name: str) -> Path:
    """The built library of a workspace plugin crate, e.g. `exec-command` or `testkit`."""
    stem = "mcp_aws_sso_plugin_" + name.replace("-", "_")
    return TARGET_DIR / f"lib{stem}.so"


def make_plugin_dir(directory: Path, *names: str) -> Path:
    """A plugin directory holding links to the named plugins (links: the libraries are large)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    for name in names:
        library = plugin_library(name)
        assert library.exists(), f"{library} is missing: run `cargo build --workspace` first"
        (directory / library.name).symlink_to(library)
    return directory


def write_configs_json(home: Path, environments: dict[str, str], section: str = "aws-sso", extra: dict | None = None) -> Path:
    path = home / ".mcp" / "configs.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {section: {"environments": environments, **(extra or {})}}
    path.write_text(json.dumps(body, indent=2))
    return path


@dataclass
class HostSetup:
    home: Path
    plugin_dir: Path
    sso_url: str | None = None
    moto_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self, **overrides: str) -> dict[str, str]:
        """A clean environment: nothing of the developer's own AWS setup leaks into a test."""
        env = {
            "HOME": str(self.home),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LANG": "C.UTF-8",
            "MCP_AWS_SSO_PLUGIN_DIRS": str(self.plugin_dir),
            # The AWS CLI and SDKs must never look at a real profile or IMDS here.
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(self.home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.home / ".aws" / "credentials"),
        }
        if self.sso_url:
            env["AWS_ENDPOINT_URL_SSO"] = self.sso_url
            env["AWS_ENDPOINT_URL_SSO_OIDC"] = self.sso_url
        if self.moto_url:
            for service in ("STS", "S3", "EC2", "SSM", "IAM"):
                env[f"AWS_ENDPOINT_URL_{service}"] = self.moto_url
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def configure(self, **environments: str) -> Path:
        """Writes configs.json with the sandbox start URL and region plus `environments`."""
        values = {"AWS_SSO_START_URL": START_URL, "AWS_SSO_REGION": SSO_REGION, "AWS_REGION": "us-east-1"}
        values.update(environments)
        return write_configs_json(self.home, values)

    def cli(self, *args: str, timeout: float = 60, input: str | None = None, **env: str) -> subprocess.CompletedProcess:
        """Runs the real binary; returns the completed process (stdout, stderr, returncode)."""
        return subprocess.run(
            [str(HOST_BINARY), *args],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
        )

    def spawn(self, *args: str, **env: str) -> subprocess.Popen:
        """Starts the real binary without waiting (several processes at once); read the result
        with `.communicate(timeout=...)`."""
        return subprocess.Popen(
            [str(HOST_BINARY), *args],
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    @contextlib.asynccontextmanager
    async def mcp(self, errlog=None, client_options: dict | None = None, **env: str):
        """An initialized MCP `ClientSession` over stdio to a fresh `mcp-aws-sso` process.

        `client_options` go to `ClientSession`, e.g. `{"elicitation_callback": ...}`: the
        session then declares the matching client capability (protocol 2025-11-25)."""
        from mcp import ClientSession
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(command=str(HOST_BINARY), args=[], env=self.env(**env))
        with open(os.devnull, "w") if errlog is None else contextlib.nullcontext(errlog) as log:
            async with stdio_client(params, errlog=log) as (read, write):
                async with ClientSession(read, write, **(client_options or {})) as session:
                    await session.initialize()
                    yield session


def text_of(result) -> str:
    """All text content of a CallToolResult, joined."""
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")
