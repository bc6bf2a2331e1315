"""`scripts/install.sh` as a newcomer runs it: install into a prefix, use the installed binary,
uninstall, and find the prefix as it was before. `--from` installs the binaries of this build
(the test suite's debug build) instead of building a release."""

from __future__ import annotations

import json
import subprocess

from host_harness import REPO_ROOT, TARGET_DIR

SCRIPT = REPO_ROOT / "scripts" / "install.sh"


def install_script(host, *args: str) -> subprocess.CompletedProcess:
    env = host.env()
    env.pop("MCP_AWS_SSO_PLUGIN_DIRS")  # the installed binary must find its own plugins
    out = subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def tree(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")) if root.exists() else []


def test_install_then_uninstall_leaves_no_trace_in_a_new_prefix(host, tmp_path):
    prefix = tmp_path / "opt" / "mcp-aws-sso"
    install_script(host, "--from", str(TARGET_DIR), "--prefix", str(prefix))
    binary = prefix / "bin" / "mcp-aws-sso"
    assert binary.exists()

    env = host.env()
    env.pop("MCP_AWS_SSO_PLUGIN_DIRS")
    report = json.loads(subprocess.run([str(binary), "plugins", "--json"], env=env, capture_output=True, text=True,
                                       timeout=60).stdout)
    assert {p["name"] for p in report["plugins"]} == {"exec-command", "ec2-exec", "template", "console"}

    install_script(host, "--uninstall", "--prefix", str(prefix))
    assert not prefix.exists(), tree(prefix)
    assert (tmp_path / "opt").exists(), "only what the install created is removed"


def test_uninstall_keeps_directories_that_were_there_before(host, tmp_path):
    prefix = tmp_path / "local"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "lib").mkdir()
    install_script(host, "--from", str(TARGET_DIR), "--prefix", str(prefix))
    install_script(host, "--from", str(TARGET_DIR), "--prefix", str(prefix))  # again: an upgrade
    install_script(host, "--uninstall", "--prefix", str(prefix))
    assert tree(prefix) == ["bin", "lib"]


def test_uninstall_keeps_a_created_directory_that_is_no_longer_empty(host, tmp_path):
    prefix = tmp_path / "fresh"
    install_script(host, "--from", str(TARGET_DIR), "--prefix", str(prefix))
    (prefix / "bin" / "other-tool").write_text("#!/bin/sh\n")
    install_script(host, "--uninstall", "--prefix", str(prefix))
    assert tree(prefix) == ["bin", "bin/other-tool"]


def test_a_relative_prefix_is_relative_to_where_the_script_was_run(host, tmp_path):
    env = host.env()
    env.pop("MCP_AWS_SSO_PLUGIN_DIRS")
    for args in (["--from", str(TARGET_DIR), "--prefix", "here"], ["--uninstall", "--prefix", "here"]):
        out = subprocess.run(["bash", str(SCRIPT), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=300, stdin=subprocess.DEVNULL)
        assert out.returncode == 0, out.stderr
        if args[0] == "--from":
            assert (tmp_path / "here" / "bin" / "mcp-aws-sso").exists()
            assert not (REPO_ROOT / "here").exists()
    assert not (tmp_path / "here").exists()
