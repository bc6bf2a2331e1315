"""`mcp-aws-sso plugins new` as a plugin author meets it: the generated crate builds outside
this workspace with plain cargo, its own unit test passes, and its library, copied into a plugin
directory, loads and answers through a real MCP client with the signed-in user's roles.

The build uses `--plugin-api-path` (plugin-api is not published yet), the workspace's Cargo.lock
(the same dependency versions, already downloaded: `--offline`) and the compat target directory
(scripts/test.sh builds the same dependencies there with the same settings), so nothing is
downloaded or rebuilt from scratch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import anyio

from host_harness import REPO_ROOT, text_of
from sso_helpers import login

TARGET = REPO_ROOT / "target" / "compat"


def cargo(args: list[str], cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "CARGO_TARGET_DIR": str(TARGET), "CARGO_PROFILE_DEV_DEBUG": "false"}
    return subprocess.run(["cargo", *args, "--offline"], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_a_scaffolded_plugin_builds_out_of_tree_and_loads(host, sso, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    made = host.cli("plugins", "new", "team-roles", "--dir", str(outside), "--plugin-api-path", str(REPO_ROOT / "plugin-api"))
    assert made.returncode == 0, made.stderr
    crate = outside / "team-roles"
    manifest = (crate / "Cargo.toml").read_text()
    assert ".workspace" not in manifest and "[workspace]" in manifest
    assert "cargo build --release" in made.stdout and "libteam_roles.so" in made.stdout
    again = host.cli("plugins", "new", "team-roles", "--dir", str(outside))
    assert again.returncode == 2 and "already exists" in again.stderr, "never overwrites"

    shutil.copy(REPO_ROOT / "Cargo.lock", crate / "Cargo.lock")
    tested = cargo(["test"], crate)
    assert tested.returncode == 0, tested.stderr[-3000:]
    assert "test tests::lists_the_roles_of_an_account ... ok" in tested.stdout
    built = cargo(["build"], crate)
    assert built.returncode == 0, built.stderr[-3000:]

    plugin_dir = tmp_path / "team_plugins"
    plugin_dir.mkdir(mode=0o755)
    plugin_dir.chmod(0o755)
    shutil.copy(TARGET / "debug" / "libteam_roles.so", plugin_dir)
    host.plugin_dir = plugin_dir
    report = json.loads(host.cli("plugins", "--json").stdout)["plugins"]
    assert [(p["name"], p["status"], p["tools"]) for p in report] == [("team-roles", "loaded", ["team_roles_roles"])]

    login(host)

    async def scenario():
        async with host.mcp() as session:
            tools = {t.name: t for t in (await session.list_tools()).tools}
            result = await session.call_tool("team_roles_roles", {"accountId": "111111111111"})
            as_number = await session.call_tool("team_roles_roles", {"accountId": 111111111111})
            bad = await session.call_tool("team_roles_roles", {"accountId": "1111; rm -rf /"})
            return tools, result, as_number, bad

    tools, result, as_number, bad = anyio.run(scenario)
    assert tools["team_roles_roles"].annotations.read_only_hint is True
    assert not result.is_error, text_of(result)
    assert result.structured_content["roles"] == ["ReadOnly", "PowerUser"]
    assert "# Roles in 111111111111" in text_of(result)
    assert as_number.structured_content == result.structured_content
    assert bad.is_error and "accountId" in text_of(bad)
    cli = host.cli("team-roles-roles", "--account-id", "111111111111")
    assert cli.returncode == 0 and "- ReadOnly" in cli.stdout
