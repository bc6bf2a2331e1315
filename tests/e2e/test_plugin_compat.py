"""The plugin ABI promise, tested with real builds: a plugin built against the frozen copy of
plugin-api 1.0.0 (tests/compat/plugin-api-1.0.0) loads in the current host and works through a
real MCP client; a plugin built against a newer plugin-api than the host's, or for the next ABI,
or with a different layout under the same package name, is refused with a reason that says so.

The fixtures are built by scripts/test.sh (`cargo build --manifest-path tests/compat/...
--target-dir target/compat`)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import anyio

from host_harness import REPO_ROOT, HostSetup, text_of

COMPAT_DIR = REPO_ROOT / "target" / "compat" / "debug"


def compat_library(stem: str) -> Path:
    library = COMPAT_DIR / f"libmcp_aws_sso_plugin_{stem}.so"
    assert library.exists(), f"{library} is missing: build tests/compat first (scripts/test.sh does)"
    return library


def only_plugins(host: HostSetup, *stems: str) -> Path:
    directory = host.home.parent / "compat_plugins"
    directory.mkdir(mode=0o755, exist_ok=True)
    directory.chmod(0o755)
    for stem in stems:
        shutil.copy(compat_library(stem), directory / f"{stem}.so")
    host.plugin_dir = directory
    return directory


def report_of(host: HostSetup) -> dict[str, dict]:
    out = host.cli("plugins", "--json")
    return {os.path.basename(p["path"]): p for p in json.loads(out.stdout)["plugins"]}


def test_a_plugin_built_against_the_frozen_plugin_api_1_0_loads_and_answers(host):
    only_plugins(host, "frozen_1_0")
    report = report_of(host)["frozen_1_0.so"]
    assert report["status"] == "loaded", report
    assert report["pluginApi"] == "1.0.0"

    async def scenario():
        async with host.mcp() as session:
            tools = {t.name: t for t in (await session.list_tools()).tools}
            result = await session.call_tool("frozen_hello", {"name": "ops"})
            refused = await session.call_tool("frozen_hello", {"region": "us-east-1; rm -rf /"})
            return tools, result, refused

    tools, result, refused = anyio.run(scenario)
    assert tools["frozen_hello"].annotations.read_only_hint is True
    assert not result.is_error, text_of(result)
    assert text_of(result).startswith("hello ops from plugin-api 1.0.0\n\n```json\n")
    facts = result.structured_content
    # The host's answers reach the old plugin and are readable by its older JSON types.
    assert facts["hostInfo"]["abi"].startswith("1.")
    assert facts["config"]["callTimeoutSeconds"] == 300
    assert facts["unknownExtension"] is True, "an unknown extension is `unavailable`, not a crash"
    assert refused.is_error and "`region`" in text_of(refused)


def test_a_plugin_built_against_a_newer_plugin_api_is_refused_with_the_versions(host):
    only_plugins(host, "next_minor", "frozen_1_0")
    report = report_of(host)
    reason = report["next_minor.so"]["reason"]
    assert report["next_minor.so"]["status"] == "skipped"
    assert "built against plugin-api 1.2.0, newer than this host's plugin-api 1.1" in reason
    assert "Upgrade mcp-aws-sso" in reason
    assert report["frozen_1_0.so"]["status"] == "loaded", "one refused file does not stop the others"
    out = host.cli("api-next-minor-hello")
    assert out.returncode == 2, "its tool is not served"


def test_a_plugin_for_the_next_abi_is_refused(host):
    only_plugins(host, "abi_2")
    report = report_of(host)["abi_2.so"]
    assert report["status"] == "skipped"
    assert "built for plugin ABI 2.0.0, newer than this host's ABI 1." in report["reason"]


def test_same_package_name_and_version_but_another_layout_is_refused_for_its_layout(host):
    only_plugins(host, "abi_mismatch")
    reason = report_of(host)["abi_mismatch.so"]["reason"]
    assert "layout does not match" in reason
    # Not refused for its name or version: the fixture is named and versioned like plugin-api 1.0.0.
    assert "package" not in reason.lower() and "version" not in reason.lower()


def test_the_frozen_copy_is_plugin_api_1_0_0_itself():
    """While plugin-api is at 1.0.0 the frozen copy must be byte for byte its sources; once
    plugin-api moves on, the copy stays as it is (and this test then only checks its version)."""
    import filecmp
    import tomllib

    real = REPO_ROOT / "plugin-api"
    frozen = REPO_ROOT / "tests" / "compat" / "plugin-api-1.0.0"
    assert tomllib.loads((frozen / "Cargo.toml").read_text())["package"]["version"] == "1.0.0"
    if tomllib.loads((real / "Cargo.toml").read_text())["package"]["version"] != "1.0.0":
        return
    real_files = sorted(p.relative_to(real / "src") for p in (real / "src").rglob("*.rs"))
    frozen_files = sorted(p.relative_to(frozen / "src") for p in (frozen / "src").rglob("*.rs"))
    assert real_files == frozen_files
    for name in real_files:
        assert filecmp.cmp(real / "src" / name, frozen / "src" / name, shallow=False), f"{name} differs"
