"""Signing in with the device authorization flow, as a person at a terminal and as an MCP client.

The real binary talks to the SSO emulator (tests/sandbox/sso_emulator.py) through the standard
endpoint overrides; the emulator plays the browser side: it approves on its own, on a control
call, or when the verification URL is opened (by the fake browser `BROWSER` names here).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

import anyio
import pytest

from host_harness import HOST_BINARY, SSO_REGION, START_URL, text_of
from sso_helpers import login, mode, read_token, sha1_hex, sso_cache_dir, token_path, wait_until_authenticated

FAKE_BROWSER = """
import sys, urllib.request
url = sys.argv[-1]
with open({record!r}, "a") as record:
    record.write(url + "\\n")
if {visit!r}:
    urllib.request.urlopen(url, timeout=10).read()
"""


def fake_browser(tmp_path, visit: bool = True) -> tuple[str, "Path"]:
    """A BROWSER command that records the URL it is given and, like a person, opens it."""
    record = tmp_path / "browser-urls.txt"
    script = tmp_path / "fake_browser.py"
    script.write_text(FAKE_BROWSER.format(record=str(record), visit=visit))
    return f"{sys.executable} {script}", record


def code_in(stderr: str) -> str:
    """The user code the CLI showed (the emulator forgets a code once it is redeemed)."""
    match = re.search(r"approve the code ([A-Z]{4}-[A-Z]{4})", stderr)
    assert match, stderr
    return match.group(1)


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def wait_until(predicate, timeout: float = 30.0, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


# ----------------------------------------------------------------------------- CLI


def test_cli_login_completes_the_device_flow_and_writes_the_aws_cli_cache(host, sso):
    result = login(host)

    # The person at the terminal sees the code and the URL on stderr; the result goes to stdout.
    state = sso.state()
    assert state["calls"]["RegisterClient"] == 1
    assert state["calls"]["StartDeviceAuthorization"] == 1
    code = code_in(result.stderr)
    assert f"{sso.url}/device?user_code={code}" in result.stderr
    assert "Authentication Successful" in result.stdout
    assert "Session expires" in result.stdout

    # The token is where the AWS CLI v2 looks for it: sha1(start URL) for a start-URL config.
    path = token_path(host.home)
    token = read_token(host.home)
    assert token["startUrl"] == START_URL
    assert token["region"] == SSO_REGION
    assert token["accessToken"].startswith("aoa")
    assert token["refreshToken"].startswith("aor")
    assert token["clientId"] and token["clientSecret"]
    assert len(token["expiresAt"]) == 20 and token["expiresAt"].endswith("Z")
    assert token["registrationExpiresAt"].endswith("Z")
    assert state["activeAccessTokens"] == 1

    # Secret files are 0600 in 0700 directories, and no temp file stays behind.
    assert mode(path) == 0o600
    assert mode(sso_cache_dir(host.home)) == 0o700
    # The token, the client registration, and the token's lock file beside it; nothing else.
    json_files = sorted(p.name for p in sso_cache_dir(host.home).glob("*.json"))
    assert len(json_files) == 2 and path.name in json_files, json_files
    files = sorted(p.name for p in sso_cache_dir(host.home).iterdir())
    assert files == sorted([*json_files, f"{path.name}.lock"]), files
    assert mode(sso_cache_dir(host.home) / f"{path.name}.lock") == 0o600
    registration_file = next(p for p in sso_cache_dir(host.home).glob("*.json") if p != path)
    registration = json.loads(registration_file.read_text())
    assert registration["clientId"] == token["clientId"]
    assert registration["scopes"] == ["sso:account:access"]
    assert mode(registration_file) == 0o600
    # botocore's name for it: sha1(json.dumps({...}, sort_keys=True)).
    # No sso-session sets sso_registration_scopes here: botocore keys that with "scopes": null.
    key = json.dumps({"tool": "botocore", "startUrl": START_URL, "region": SSO_REGION,
                      "scopes": None, "session_name": None}, sort_keys=True)
    assert registration_file.name == f"{sha1_hex(key)}.json"


def test_a_second_login_reuses_the_session_and_the_client_registration(host, sso):
    login(host)
    again = host.cli("login", "--no-launch-browser")
    assert again.returncode == 0
    assert "Already Authenticated" in again.stdout
    assert sso.state()["calls"]["StartDeviceAuthorization"] == 1

    # After logout a new login needs the browser again, but not a new client registration.
    assert host.cli("logout").returncode == 0
    login(host)
    calls = sso.state()["calls"]
    assert calls["RegisterClient"] == 1
    assert calls["StartDeviceAuthorization"] == 2


def test_cli_login_opens_the_browser_named_by_BROWSER_at_the_complete_url(host, sso, tmp_path):
    sso.configure(approval="manual")            # only opening the URL approves
    browser, record = fake_browser(tmp_path)

    # With a browser here the default is PKCE (tests/e2e/test_auth_pkce_login.py); this is the device flow's.
    result = host.cli("login", "--use-device-code", timeout=60, BROWSER=browser)

    assert result.returncode == 0, result.stderr
    [url] = record.read_text().split()
    assert url == f"{sso.url}/device?user_code={code_in(result.stderr)}"
    assert sso.state()["deviceVisits"] == 1
    assert "A browser window was opened" in result.stderr


def test_no_launch_browser_never_opens_one_but_still_shows_the_code(host, sso, tmp_path):
    browser, record = fake_browser(tmp_path)
    result = host.cli("login", "--no-launch-browser", BROWSER=browser)
    assert result.returncode == 0, result.stderr
    assert not record.exists()
    assert sso.state()["deviceVisits"] == 0
    assert code_in(result.stderr)


def test_slow_down_adds_five_seconds_to_the_polling_interval(host, sso):
    sso.configure(slow_down_polls=1, approve_after_polls=1, interval=1)
    started = time.monotonic()
    login(host)
    elapsed = time.monotonic() - started
    state = sso.state()
    # Poll 1 -> slow_down, poll 2 (6 s later, not 1 s) -> pending, poll 3 -> token.
    assert state["calls"]["CreateToken"] == 3
    assert state["errors"]["CreateToken"] == {"SlowDownException": 1, "AuthorizationPendingException": 1}
    assert elapsed >= 1 + 6 + 6, f"the client did not slow down: {elapsed:.1f} s"


def test_a_denied_login_fails_with_a_clear_message_and_caches_nothing(host, sso):
    sso.configure(approval="deny")
    result = host.cli("login", "--no-launch-browser")
    assert result.returncode == 1
    assert "denied" in result.stderr
    assert "Run `mcp-aws-sso login` again" in result.stderr, "the CLI names the command, not the MCP tool"
    assert not token_path(host.home).exists()


def test_an_expired_device_code_ends_the_login(host, sso):
    sso.configure(approval="manual", device_code_ttl=2)
    result = host.cli("login", "--no-launch-browser")
    assert result.returncode == 1
    assert "expired before it was approved" in result.stderr
    assert not token_path(host.home).exists()


def test_ctrl_c_cancels_a_waiting_cli_login(host, sso):
    sso.configure(approval="manual")
    process = subprocess.Popen([str(HOST_BINARY), "login", "--no-launch-browser"], env=host.env(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: sso.state()["pendingAuthorizations"])
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1
    assert "cancelled" in stderr
    assert not token_path(host.home).exists()


def test_no_auto_poll_at_the_terminal_checks_when_enter_is_pressed(host, sso):
    sso.configure(approval="manual")
    process = subprocess.Popen([str(HOST_BINARY), "login", "--no-launch-browser", "--no-auto-poll"], env=host.env(),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        [pending] = wait_until(lambda: sso.state()["pendingAuthorizations"])
        time.sleep(2.5)
        assert sso.state()["calls"].get("CreateToken", 0) == 0, "polled without Enter"
        sso.approve(pending["userCode"])
        process.stdin.write("\n")
        process.stdin.flush()
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "Press Enter once you have approved" in stderr
    assert "Authentication Successful" in stdout
    assert sso.state()["calls"]["CreateToken"] == 1


# ----------------------------------------------------------------------------- MCP


def test_mcp_login_answers_at_once_then_completes_in_the_background(host, sso):
    sso.configure(approval="manual")

    async def scenario():
        async with host.mcp() as session:
            first = await session.call_tool("aws_sso_login", {"launchBrowser": False})
            second = await session.call_tool("aws_sso_login", {"launchBrowser": False})
            code = first.structured_content["userCode"]
            sso.approve(code)
            status = await wait_until_authenticated(session)
            again = await session.call_tool("aws_sso_login", {})
            return first, second, status, again

    first, second, status, again = run(scenario)

    assert not first.is_error
    pending = first.structured_content
    assert pending["status"] == "pending"
    assert pending["browserOpened"] is False and pending["autoPoll"] is True and pending["reused"] is False
    assert pending["verificationUriComplete"] == f"{sso.url}/device?user_code={pending['userCode']}"
    assert pending["codeExpiresAt"].endswith("Z")
    text = text_of(first)
    assert text.startswith("# AWS SSO: Login Pending")
    assert pending["userCode"] in text and pending["verificationUriComplete"] in text

    # A second call while pending returns the same flow instead of starting another.
    assert second.structured_content["userCode"] == pending["userCode"]
    assert second.structured_content["reused"] is True
    assert sso.state()["calls"]["StartDeviceAuthorization"] == 1

    report = status.structured_content
    assert report["authenticated"] is True
    assert report["startUrl"] == START_URL and report["region"] == SSO_REGION
    assert report["refreshable"] is True
    assert 3500 < report["secondsLeft"] <= 3600
    assert "# AWS SSO: Session Status" in text_of(status) and "Authenticated" in text_of(status)

    assert again.structured_content["status"] == "already_authenticated"
    assert "Already Authenticated" in text_of(again)
    assert again.structured_content["expiresAt"] == report["expiresAt"]
    assert token_path(host.home).exists()


def test_mcp_login_without_auto_poll_is_completed_by_a_later_status_call(host, sso):
    sso.configure(approval="manual")

    async def scenario():
        async with host.mcp() as session:
            started = await session.call_tool("aws_sso_login", {"launchBrowser": False, "autoPoll": False})
            before = await session.call_tool("aws_sso_status", {})
            sso.approve(started.structured_content["userCode"])
            after = await session.call_tool("aws_sso_status", {})
            return started, before, after

    started, before, after = run(scenario)
    assert started.structured_content["autoPoll"] is False
    assert "call `aws_sso_login` or `aws_sso_status` again" in text_of(started)
    assert before.structured_content["state"] == "login_pending"
    assert before.structured_content["pendingLogin"]["userCode"] == started.structured_content["userCode"]
    assert after.structured_content["state"] == "authenticated"
    # No background polling: one CreateToken for the pending check, one that got the token.
    assert sso.state()["calls"]["CreateToken"] == 2


def test_mcp_login_opens_the_browser_and_reports_it(host, sso, tmp_path):
    sso.configure(approval="manual")
    browser, record = fake_browser(tmp_path)

    async def scenario():
        async with host.mcp(BROWSER=browser) as session:
            started = await session.call_tool("aws_sso_login", {"useDeviceCode": True})
            with anyio.fail_after(20):
                while (await session.call_tool("aws_sso_status", {})).structured_content["state"] != "authenticated":
                    await anyio.sleep(0.3)
            return started

    started = run(scenario)
    assert started.structured_content["browserOpened"] is True
    assert record.read_text().split() == [started.structured_content["verificationUriComplete"]]


def test_mcp_login_reports_a_browser_that_cannot_start(host, sso, tmp_path):
    async def scenario():
        async with host.mcp(BROWSER=str(tmp_path / "no-such-browser")) as session:
            return await session.call_tool("aws_sso_login", {"useDeviceCode": True})

    started = run(scenario)
    assert not started.is_error
    assert started.structured_content["browserOpened"] is False
    assert "no-such-browser" in started.structured_content["browserError"]
    assert started.structured_content["userCode"] in text_of(started)


def test_mcp_denied_login_is_reported_by_the_next_status(host, sso):
    sso.configure(approval="manual")

    async def scenario():
        async with host.mcp() as session:
            started = await session.call_tool("aws_sso_login", {"launchBrowser": False})
            sso.deny(started.structured_content["userCode"])
            with anyio.fail_after(20):
                while True:
                    status = await session.call_tool("aws_sso_status", {})
                    if status.structured_content["state"] != "login_pending":
                        return status
                    await anyio.sleep(0.3)

    status = run(scenario)
    assert status.structured_content["state"] == "not_authenticated"
    assert any("denied" in note for note in status.structured_content["notes"])
    assert "Run `aws_sso_login`" in text_of(status)


def test_status_and_tools_without_a_session_point_to_login(host, sso):
    async def scenario():
        async with host.mcp() as session:
            return (await session.call_tool("aws_sso_status", {}),
                    await session.call_tool("aws_sso_ls_accounts", {}),
                    await session.call_tool("testkit_context", {"accountId": "111111111111", "roleName": "ReadOnly"}))

    status, accounts, plugin = run(scenario)
    assert not status.is_error
    assert status.structured_content["state"] == "not_authenticated"
    assert accounts.is_error
    assert "not logged in" in text_of(accounts) and "aws_sso_login" in text_of(accounts)
    assert plugin.structured_content["credentials"]["kind"] == "not_logged_in"
    assert "aws_sso_login" in plugin.structured_content["credentials"]["message"]


def test_a_missing_start_url_says_which_key_to_set(host, sso):
    (host.home / ".mcp" / "configs.json").unlink()
    result = host.cli("login", "--no-launch-browser")
    assert result.returncode == 1
    assert "AWS_SSO_START_URL" in result.stderr
    assert "configs.json" in result.stderr


def test_a_login_without_network_says_which_host_in_one_line(host, sso, free_port):
    # `.invalid` never resolves (RFC 2606); a port nobody listens on refuses the connection.
    unresolvable = host.cli("login", "--no-launch-browser", AWS_ENDPOINT_URL_SSO_OIDC="http://oidc.sandbox.invalid")
    refused_url = f"http://127.0.0.1:{free_port()}"

    async def scenario():
        async with host.mcp(AWS_ENDPOINT_URL_SSO_OIDC=refused_url) as session:
            return await session.call_tool("aws_sso_login", {"launchBrowser": False})

    refused = run(scenario)

    assert unresolvable.returncode == 1
    [line] = [l for l in unresolvable.stderr.splitlines() if l.startswith("error:")]
    assert "cannot resolve oidc.sandbox.invalid" in line and "AWS_ENDPOINT_URL_SSO_OIDC" in line, line
    assert refused.is_error
    assert f"{refused_url.removeprefix('http://')} refused the connection" in text_of(refused)
    for text in (unresolvable.stderr, text_of(refused)):
        assert "DispatchFailure" not in text and "ConnectorError" not in text and "{" not in text, text
