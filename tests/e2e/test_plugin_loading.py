"""Plugin discovery and loading as a platform team would meet it: several plugin files side by
side, some broken, some unsafe. Good plugins load and answer; every bad file is skipped with a
reason that names it, and the host keeps serving."""

from __future__ import annotations

import json
import os
import shutil

import anyio

from host_harness import TARGET_DIR, HostSetup, plugin_library, text_of

from test_plugin_compat import compat_library


def plugins_report(host: HostSetup) -> tuple[int, dict[str, dict]]:
    out = host.cli("plugins", "--json")
    report = json.loads(out.stdout)
    return out.returncode, {os.path.basename(p["path"]): p for p in report["plugins"]}


def fresh_dir(host: HostSetup, name: str):
    directory = host.home.parent / name
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    host.plugin_dir = directory
    return directory


def test_two_plugins_with_the_same_interface_both_load_and_answer(host):
    """Guards abi_stable's per-type root module cache: the second file must not return the first."""
    directory = fresh_dir(host, "two")
    shutil.copy(plugin_library("testkit"), directory / "a_testkit.so")
    shutil.copy(plugin_library("template"), directory / "b_template.so")
    code, report = plugins_report(host)
    assert code == 0
    assert report["a_testkit.so"]["name"] == "testkit"
    assert report["b_template.so"]["name"] == "template"

    async def scenario():
        async with host.mcp() as session:
            first = await session.call_tool("testkit_slow", {"steps": 1, "stepMs": 1})
            second = await session.call_tool("aws_sso_check_access", {"accountId": "111111111111", "roleName": "ReadOnly"})
            return first, second

    first, second = anyio.run(scenario)
    assert text_of(first) == "finished 1 steps"
    # The template plugin answered (its own markdown), and honestly: nobody is logged in.
    assert "# AWS SSO: Role Access" in text_of(second)
    assert second.structured_content["roles"][0]["usable"] is False
    assert "aws_sso_login" in second.structured_content["roles"][0]["error"]


def test_bad_files_are_skipped_with_a_reason_and_the_rest_keep_serving(host):
    directory = fresh_dir(host, "mixed")
    shutil.copy(plugin_library("testkit"), directory / "good.so")
    (directory / "garbage.so").write_bytes(os.urandom(4096))
    shutil.copy(compat_library("abi_mismatch"), directory / "mismatch.so")
    shutil.copy(plugin_library("testkit"), directory / "zz_duplicate.so")  # same tool names again
    libz = next(p for p in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1") if os.path.exists(p))
    shutil.copy(libz, directory / "not_a_plugin.so")
    (directory / "README.txt").write_text("not a library; ignored")

    code, report = plugins_report(host)
    assert code == 1, "a skipped file makes `plugins` exit 1"
    assert report["good.so"]["status"] == "loaded"
    assert report["garbage.so"]["status"] == "skipped"
    assert "not a loadable library" in report["garbage.so"]["reason"]
    assert "layout does not match" in report["mismatch.so"]["reason"]
    assert "exports no plugin root module" in report["not_a_plugin.so"]["reason"]
    assert "already provided by plugin testkit" in report["zz_duplicate.so"]["reason"]
    assert "README.txt" not in report

    human = host.cli("plugins")
    assert "skipped" in human.stdout and str(directory / "garbage.so") in human.stdout

    served = host.cli("testkit-slow", "--steps", "1", "--step-ms", "1")
    assert served.returncode == 0 and "finished 1 steps" in served.stdout
    assert "garbage.so" in served.stderr, "skipped plugins are logged at start-up"


def test_world_writable_plugin_files_and_directories_are_refused(host):
    directory = fresh_dir(host, "unsafe_file")
    shutil.copy(plugin_library("testkit"), directory / "open.so")
    (directory / "open.so").chmod(0o666)
    code, report = plugins_report(host)
    assert code == 1
    assert "writable by every user" in report["open.so"]["reason"]
    started = host.cli("status", RUST_LOG="")  # empty counts as unset, not as "errors only"
    assert "open.so" in started.stderr and "writable by every user" in started.stderr, (
        "a refused file is logged at start-up, not just missing from the tools"
    )

    open_dir = fresh_dir(host, "unsafe_dir")
    shutil.copy(plugin_library("testkit"), open_dir / "ok.so")
    open_dir.chmod(0o777)
    out = json.loads(host.cli("plugins", "--json").stdout)
    assert out["plugins"] == []
    assert "chmod o-w" in out["directories"][0]["refused"]


def test_plugin_dirs_default_to_the_executable_directory(host):
    """With no MCP_AWS_SSO_PLUGIN_DIRS, a fresh `cargo build` finds its plugins beside the binary."""
    env = host.env()
    env.pop("MCP_AWS_SSO_PLUGIN_DIRS")
    import subprocess

    from host_harness import HOST_BINARY

    out = subprocess.run([str(HOST_BINARY), "plugins", "--json"], env=env, capture_output=True, text=True, timeout=60)
    report = json.loads(out.stdout)
    assert report["directories"][0]["path"] == str(TARGET_DIR)
    loaded = {p.get("name") for p in report["plugins"] if p["status"] == "loaded"}
    assert {"template", "testkit"} <= loaded


def test_installed_layout_finds_plugins_in_lib_beside_bin(tmp_path, host):
    """scripts/install.sh puts the binary in PREFIX/bin and plugins in PREFIX/lib/mcp-aws-sso/plugins."""
    import subprocess

    from host_harness import HOST_BINARY

    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    plugin_dir = prefix / "lib" / "mcp-aws-sso" / "plugins"
    plugin_dir.mkdir(parents=True)
    shutil.copy(HOST_BINARY, prefix / "bin" / "mcp-aws-sso")
    shutil.copy(plugin_library("template"), plugin_dir)
    env = host.env()
    env.pop("MCP_AWS_SSO_PLUGIN_DIRS")
    out = subprocess.run([str(prefix / "bin" / "mcp-aws-sso"), "plugins", "--json"], env=env, capture_output=True, text=True, timeout=60)
    report = json.loads(out.stdout)
    assert report["directories"][0]["path"] == str(plugin_dir)
    assert [p["name"] for p in report["plugins"]] == ["template"]


def test_tools_whose_cli_verbs_collide_skip_the_second_plugin_with_the_reason(host):
    """`team_x` (testkit) and `team-x` (verb-twin) would both be `mcp-aws-sso team-x`."""
    directory = fresh_dir(host, "verbs")
    shutil.copy(plugin_library("testkit"), directory / "a_testkit.so")
    shutil.copy(plugin_library("verb-twin"), directory / "b_verb_twin.so")
    code, report = plugins_report(host)
    assert code == 1
    assert report["a_testkit.so"]["status"] == "loaded"
    twin = report["b_verb_twin.so"]
    assert twin["status"] == "skipped"
    assert "`team-x` would have the CLI verb `team-x`, which tool `team_x` of plugin testkit" in twin["reason"]
    human = host.cli("plugins").stdout
    assert "skipped" in human and "CLI verb `team-x`" in human

    served = host.cli("team-x")
    assert served.returncode == 0 and served.stdout.strip() == "testkit team_x answered"

    async def scenario():
        async with host.mcp() as session:
            return [t.name for t in (await session.list_tools()).tools]

    names = anyio.run(scenario)
    assert "team_x" in names and "team-x" not in names
