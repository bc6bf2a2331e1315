"""The README answers a newcomer's first questions before they run anything: what to install
first, and where their MCP client's configuration file is."""

from __future__ import annotations

import re

from host_harness import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def section(title: str) -> str:
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ )", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_prerequisites_come_before_try_it_and_name_versions_and_build_cost():
    assert README.index("## Prerequisites") < README.index("## Try it")
    text = section("Prerequisites")
    for needed in ("1.94.1", "python3", "venv", "npm", "conformance", "minutes", "GB"):
        assert needed in text, needed
    # The Rust minimum is the workspace's own.
    cargo = (REPO_ROOT / "Cargo.toml").read_text()
    assert 'rust-version = "1.94.1"' in cargo


def test_client_config_files_are_given_for_each_client_and_system():
    text = section("Use it from your MCP client")
    header = next(line for line in text.splitlines() if line.startswith("| Client"))
    assert [cell.strip() for cell in header.strip("|").split("|")] == ["Client", "macOS", "Linux", "Windows"]
    for client, marker in (("Claude Desktop", "claude_desktop_config.json"), ("Cursor", "mcp.json"),
                           ("Claude Code", ".claude.json")):
        row = next(line for line in text.splitlines() if line.startswith(f"| {client}"))
        assert marker in row and len(row.strip("|").split("|")) == 4, row
