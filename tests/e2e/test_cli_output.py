"""What a person sees at a terminal, and what a model sees over MCP, for the same results: hints
that name what each can run, markdown laid out for people on a TTY (and left alone when piped),
and a cached listing that says it is one, and how old."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import time

import anyio

from host_harness import HOST_BINARY, text_of
from test_plugin_compat import compat_library

ANSI = re.compile(r"\x1b\[")


def run_on_tty(host, *args: str, stderr_too: bool = False, **env: str) -> tuple[int, str, str]:
    """Runs the CLI with stdout on a pseudo-terminal (stderr piped, so no spinner, unless
    `stderr_too`); returns the exit code, what the terminal showed (newlines as written) and
    stderr (empty when it went to the terminal)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(HOST_BINARY), *args],
        env=host.env(**env),
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal if stderr_too else subprocess.PIPE,
    )
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the program closed the terminal
            break
        if not chunk:
            break
        shown.extend(chunk)
    os.close(controller)
    stderr = "" if stderr_too else process.stderr.read().decode()
    code = process.wait(timeout=60)
    return code, shown.decode().replace("\r\n", "\n"), stderr


def test_cli_hints_name_commands_and_mcp_hints_name_tools(host, logged_in):
    status = host.cli("status").stdout
    assert "`mcp-aws-sso ls-accounts`" in status, status
    listing = host.cli("ls-accounts").stdout
    assert "`mcp-aws-sso exec-command`" in listing and "`--filter`" in listing, listing
    for text in (status, listing):
        assert "aws_sso_" not in text, text

    async def scenario():
        async with host.mcp() as session:
            status = await session.call_tool("aws_sso_status", {})
            listing = await session.call_tool("aws_sso_ls_accounts", {})
            again = await session.call_tool("aws_sso_ls_accounts", {})
            return text_of(status), text_of(listing), text_of(again)

    status, listing, again = anyio.run(scenario)
    assert "`aws_sso_ls_accounts`" in status, status
    assert "`aws_sso_exec_command`" in listing and "`filter` narrows" in listing, listing
    assert "`refresh: true` lists again" in again, again
    for text in (status, listing, again):
        assert "mcp-aws-sso " not in text and "--" not in text.replace("\n---\n", ""), text

    logout = host.cli("logout").stdout
    assert "Run `mcp-aws-sso login` to sign in again." in logout, logout
    status = host.cli("status").stdout
    assert "Run `mcp-aws-sso login` to sign in." in status, status


def test_errors_from_the_session_name_commands_on_the_cli_and_tools_over_mcp(host, sso):
    """The `sso` crate's "not logged in" error reaches both front ends: each names what its reader
    can run (a CLI verb for a person, the tool for a model), in the text and in `--json`."""
    cli = host.cli("ls-accounts")
    assert cli.returncode == 1
    assert "Run `mcp-aws-sso login` to sign in." in cli.stderr and "aws_sso_" not in cli.stderr, cli.stderr
    as_json = json.loads(host.cli("ls-accounts", "--json").stdout)
    assert as_json["error"]["kind"] == "not_logged_in"
    assert "`mcp-aws-sso login`" in as_json["error"]["message"], as_json

    async def scenario():
        async with host.mcp() as session:
            return await session.call_tool("aws_sso_ls_accounts", {})

    result = anyio.run(scenario)
    assert result.is_error
    text = text_of(result)
    assert "Run `aws_sso_login` to sign in." in text and "mcp-aws-sso" not in text, text


def test_login_on_the_cli_points_at_the_next_commands(host, sso):
    from sso_helpers import login

    out = login(host).stdout
    assert "Next: `mcp-aws-sso ls-accounts` lists your accounts and roles; `mcp-aws-sso exec-command` runs" in out, out


def test_a_terminal_gets_text_for_people_and_a_pipe_gets_markdown(host, logged_in):
    piped = host.cli("status")
    assert piped.stdout.startswith("# AWS SSO: Session Status\n\n✅ **Authenticated**"), piped.stdout
    assert not ANSI.search(piped.stdout)

    code, shown, _ = run_on_tty(host, "status")
    assert code == 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert plain.startswith("AWS SSO: Session Status\n"), plain
    assert "✅ Authenticated" in plain and "• Start URL: https://sandbox-test.awsapps.com/start" in plain, plain
    assert "**" not in plain and "`" not in plain and "# " not in plain, plain
    assert "\x1b[1m" in shown, "a terminal with colour shows headings in bold"

    code, shown, _ = run_on_tty(host, "status", NO_COLOR="1")
    assert code == 0
    assert not ANSI.search(shown), repr(shown)
    assert shown.startswith("AWS SSO: Session Status\n═══"), shown
    assert "• Region: us-east-1" in shown

    code, shown, _ = run_on_tty(host, "status", TERM="dumb")
    assert not ANSI.search(shown), repr(shown)


def test_json_stays_json_on_a_terminal(host, logged_in):
    code, shown, _ = run_on_tty(host, "ls-accounts", "--json")
    assert code == 0
    assert not ANSI.search(shown)
    assert json.loads(shown)["totalAccounts"] == 3


def test_command_output_on_a_terminal_is_kept_verbatim(host):
    code, shown, _ = run_on_tty(host, "testkit-slow", "--steps", "2", "--step-ms", "1", NO_COLOR="1")
    assert (code, shown.strip()) == (0, "finished 2 steps")


def test_a_cached_listing_says_it_is_cached_and_how_old_from_the_stored_time(host, logged_in):
    first = json.loads(host.cli("ls-accounts", "--json").stdout)
    assert first["fromCache"] is False
    assert "Listed just now" in host.cli("ls-accounts", "--refresh").stdout

    # The next process reads the disk cache; make that listing five minutes old there.
    [cache] = (host.home / ".cache" / "mcp-aws-sso").glob("accounts-*.json")
    stored = json.loads(cache.read_text())
    stored["fetchedAtMs"] = int(time.time() * 1000) - 5 * 60 * 1000
    cache.write_text(json.dumps(stored))

    text = host.cli("ls-accounts").stdout
    assert "From the cache: listed 5 min ago (" in text, text
    assert "the cache is kept 600 s, `--refresh` lists again." in text, text
    assert "just now" not in text
    cached = json.loads(host.cli("ls-accounts", "--json").stdout)
    assert cached["fromCache"] is True
    assert 300 <= cached["cacheAgeSeconds"] < 360, cached


def test_no_color_also_means_plain_logs_on_a_terminal(host, tmp_path):
    """A plugin built for another ABI is skipped with a warning in the log: the log is coloured
    on a terminal unless NO_COLOR says otherwise."""
    from host_harness import make_plugin_dir

    plugins = make_plugin_dir(tmp_path / "with-broken", "template")
    shutil.copy(compat_library("abi_mismatch"), plugins / "abi_mismatch.so")
    code, shown, _ = run_on_tty(host, "plugins", stderr_too=True, MCP_AWS_SSO_PLUGIN_DIRS=str(plugins))
    assert "skipped plugin" in shown and ANSI.search(shown), repr(shown)
    code, shown, _ = run_on_tty(host, "plugins", stderr_too=True, MCP_AWS_SSO_PLUGIN_DIRS=str(plugins), NO_COLOR="1")
    assert "skipped plugin" in shown, shown
    assert not ANSI.search(shown), repr(shown)
