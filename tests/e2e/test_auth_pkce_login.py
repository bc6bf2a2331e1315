"""Signing in with the authorization code flow and PKCE, as AWS CLI v2 does for an sso-session.

The browser is a script named by `BROWSER`: like a person's browser it opens the authorize URL of
the SSO emulator, which (approving on its own) redirects to the host's loopback listener with the
code. The emulator counts what happened: an Authorize visit, an `authorization_code` CreateToken,
and no device authorization. botocore then uses the cached token from a fresh process.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from urllib.parse import parse_qs, urlsplit

import anyio

from host_harness import START_URL, text_of
from sso_helpers import read_token, sha1_hex, sso_cache_dir, token_path, wait_until_authenticated
from test_auth_token_cache import SESSION_PROFILE, botocore_credentials, write_aws_config

# A browser: records the URL it is given, then (by mode) follows it to the end ("follow"),
# or first sends the listener the redirect with a forged state ("forge-state"), or does nothing
# more ("record"). Every page it reaches is recorded with its status.
BROWSER_SCRIPT = r'''
import json, sys, urllib.error, urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit
mode, record, url = sys.argv[1], sys.argv[2], sys.argv[-1]

def log(entry):
    with open(record, "a") as file:
        file.write(json.dumps(entry) + "\n")

class Stop(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

def get(url, follow=True):
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(Stop)
    try:
        with opener.open(url, timeout=60) as page:
            return page.status, page.read().decode(), page.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Location")

log({"opened": url})
if mode == "follow":
    status, body, _ = get(url)
    log({"status": status, "page": body})
elif mode == "forge-state":
    status, _, location = get(url, follow=False)
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    forged = urlunsplit(parts._replace(query=urlencode({**query, "state": "forged-" + query["state"]})))
    status, body, _ = get(forged)
    log({"forged": True, "status": status, "page": body, "code": query["code"]})
    status, body, _ = get(location)
    log({"status": status, "page": body})
'''


def browser(tmp_path, mode: str = "follow"):
    """A BROWSER command in `mode`, and a function that returns what it recorded."""
    script = tmp_path / "pkce_browser.py"
    script.write_text(BROWSER_SCRIPT)
    record = tmp_path / f"browser-{mode}.jsonl"

    def recorded() -> list[dict]:
        return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []

    return f"{sys.executable} {script} {mode} {record}", recorded


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def use_session_profile(host):
    """The AWS CLI v2 default setup: an sso-session profile, and no configs.json."""
    (host.home / ".mcp" / "configs.json").unlink()
    write_aws_config(host, SESSION_PROFILE)
    host.extra_env["AWS_PROFILE"] = "sandbox-dev"


def registration_file(host, session_name="sandbox", scopes=("sso:account:access",)) -> dict:
    """The registration cache file under botocore's key: `scopes` as configured (None if not)."""
    key = json.dumps({"tool": "botocore", "startUrl": START_URL, "region": "us-east-1",
                      "scopes": None if scopes is None else list(scopes), "session_name": session_name},
                     sort_keys=True)
    return json.loads((sso_cache_dir(host.home) / f"{sha1_hex(key)}.json").read_text())


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


# ----------------------------------------------------------------------------- CLI


def test_cli_pkce_login_end_to_end_then_botocore_uses_the_token(host, sso, tmp_path):
    use_session_profile(host)
    command, recorded = browser(tmp_path)

    result = host.cli("login", timeout=90, BROWSER=command)

    assert result.returncode == 0, result.stderr
    assert "Authentication Successful" in result.stdout
    state = sso.state()
    assert state["calls"]["Authorize"] == 1
    assert state["grants"] == {"authorization_code": 1}
    assert "StartDeviceAuthorization" not in state["calls"]

    # The browser opened the authorize page of the OIDC endpoint, with a loopback redirect.
    opened, landed = recorded()
    url = opened["opened"]
    assert url.startswith(f"{sso.url}/authorize?")
    query = query_of(url)
    redirect = urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "127.0.0.1", "/oauth/callback")
    assert redirect.port and redirect.port != sso.port
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43 and len(query["state"]) >= 16
    assert query["scopes"] == "sso:account:access"
    # The page the browser landed on says the login is complete.
    assert landed["status"] == 200
    assert "login complete" in landed["page"] and "close this window" in landed["page"]
    assert query["redirect_uri"] in result.stderr or url in result.stderr

    # The token is in the AWS CLI v2 cache under sha1(session name), renewable; the registration
    # is the one AWS CLI v2's SSOTokenFetcherAuth caches and reuses.
    token = read_token(host.home, session_name="sandbox")
    assert token["startUrl"] == START_URL and token["refreshToken"].startswith("aor")
    registration = registration_file(host)
    assert registration["clientId"] == token["clientId"]
    assert registration["grantTypes"] == ["authorization_code", "refresh_token"]
    assert registration["scopes"] == ["sso:account:access"]
    assert registration["expiresAt"].endswith("Z")

    credentials = botocore_credentials(host, "sandbox-dev")
    assert credentials["accessKeyId"].startswith("ASIA") and credentials["secret"] and credentials["token"]
    after = sso.state()
    assert after["calls"]["GetRoleCredentials"] == 1
    assert "StartDeviceAuthorization" not in after["calls"] and after["calls"]["Authorize"] == 1


def test_the_sso_sessions_registration_scopes_are_registered_asked_for_and_key_the_cache(host, sso, tmp_path):
    use_session_profile(host)
    write_aws_config(host, SESSION_PROFILE.replace(
        "sso_registration_scopes = sso:account:access",
        "sso_registration_scopes = sso:account:access, codewhisperer:completions ,"))
    command, recorded = browser(tmp_path)

    result = host.cli("login", timeout=90, BROWSER=command)

    assert result.returncode == 0, result.stderr
    scopes = ("sso:account:access", "codewhisperer:completions")
    assert registration_file(host, scopes=scopes)["scopes"] == list(scopes)
    assert query_of(recorded()[0]["opened"])["scopes"] == "sso:account:access codewhisperer:completions"
    assert "%20" in recorded()[0]["opened"]            # a space is %20 in the query, as botocore writes it


def test_a_second_pkce_login_after_logout_reuses_the_registration(host, sso, tmp_path):
    command, _ = browser(tmp_path)
    assert host.cli("login", timeout=90, BROWSER=command).returncode == 0
    assert host.cli("logout").returncode == 0
    again = host.cli("login", timeout=90, BROWSER=command)
    assert again.returncode == 0, again.stderr
    calls = sso.state()["calls"]
    assert calls["RegisterClient"] == 1 and calls["Authorize"] == 2


def test_use_device_code_uses_the_device_flow_even_with_a_browser(host, sso, tmp_path):
    command, recorded = browser(tmp_path)
    result = host.cli("login", "--use-device-code", timeout=90, BROWSER=command)
    assert result.returncode == 0, result.stderr
    state = sso.state()
    assert state["calls"]["StartDeviceAuthorization"] == 1
    assert "Authorize" not in state["calls"]
    assert set(state["grants"]) == {"device_code"}
    assert recorded()[0]["opened"].startswith(f"{sso.url}/device?user_code=")


def test_a_device_registration_is_not_reused_for_pkce_nor_the_other_way(host, sso, tmp_path):
    command, _ = browser(tmp_path)
    assert host.cli("login", "--use-device-code", timeout=90, BROWSER=command).returncode == 0
    assert host.cli("logout").returncode == 0
    assert host.cli("login", timeout=90, BROWSER=command).returncode == 0
    assert "grantTypes" in registration_file(host, session_name=None, scopes=None)
    assert host.cli("logout").returncode == 0
    assert host.cli("login", "--use-device-code", timeout=90, BROWSER=command).returncode == 0
    # The emulator refuses a client's grant it did not register, so each switch registered anew.
    state = sso.state()
    assert state["calls"]["RegisterClient"] == 3
    assert "UnauthorizedClientException" not in json.dumps(state["errors"])


def test_ssh_and_headless_sessions_use_the_device_flow(host, sso):
    # A desktop variable from X forwarding does not make the browser open where the user is.
    result = host.cli("login", timeout=90, DISPLAY=":0", SSH_CONNECTION="10.0.0.2 50000 10.0.0.1 22")
    assert result.returncode == 0, result.stderr
    assert sso.state()["calls"]["StartDeviceAuthorization"] == 1
    assert "Authorize" not in sso.state()["calls"]


def test_a_denied_pkce_login_fails_with_a_clear_message(host, sso, tmp_path):
    sso.configure(approval="deny")
    command, recorded = browser(tmp_path)
    result = host.cli("login", timeout=90, BROWSER=command)
    assert result.returncode == 1
    assert "denied" in result.stderr and "access_denied" in result.stderr
    assert "`mcp-aws-sso login`" in result.stderr
    assert not token_path(host.home).exists()
    landed = recorded()[-1]
    assert landed["status"] == 400 and "did not complete" in landed["page"]
    assert "authorization_code" not in sso.state()["grants"]


def test_a_redirect_with_a_forged_state_is_rejected_and_its_code_never_redeemed(host, sso, tmp_path):
    command, recorded = browser(tmp_path, "forge-state")
    result = host.cli("login", timeout=90, BROWSER=command)

    forged, landed = recorded()[1:]
    assert forged["forged"] and forged["status"] == 400
    assert "state does not match" in forged["page"]
    # The forged redirect carried the real code: had the host redeemed it, the real redirect
    # after it would have failed (a code works once). It succeeded, with one redemption.
    assert landed["status"] == 200 and "login complete" in landed["page"]
    assert result.returncode == 0, result.stderr
    assert sso.state()["grants"] == {"authorization_code": 1}
    assert "InvalidGrantException" not in json.dumps(sso.state()["errors"])


def test_debug_logs_of_a_pkce_login_hold_no_code_token_or_secret(host, sso, tmp_path):
    from sso_helpers import cached_secrets

    command, recorded = browser(tmp_path, "forge-state")
    result = host.cli("login", timeout=90, BROWSER=command, DEBUG="true")
    assert result.returncode == 0, result.stderr
    code = recorded()[1]["code"]
    secrets = [code, *cached_secrets(host.home)]
    assert len(secrets) >= 4            # the code, access and refresh tokens, client secret
    output = result.stdout + result.stderr
    assert "DEBUG" in result.stderr or "debug" in result.stderr.lower()
    assert [secret for secret in secrets if secret in output] == []


# ----------------------------------------------------------------------------- MCP


def test_mcp_pkce_login_returns_the_url_at_once_and_completes_in_the_background(host, sso, tmp_path):
    command, recorded = browser(tmp_path, "record")

    async def scenario():
        async with host.mcp(BROWSER=command) as session:
            first = await session.call_tool("aws_sso_login", {})
            second = await session.call_tool("aws_sso_login", {})
            # The person's browser follows the URL (here: the test, once the tool answered).
            url = first.structured_content["url"]
            page = await anyio.to_thread.run_sync(lambda: urllib.request.urlopen(url, timeout=60).read().decode())
            status = await wait_until_authenticated(session)
            return first, second, page, status

    first, second, page, status = run(scenario)

    pending = first.structured_content
    assert not first.is_error and pending["status"] == "pending"
    assert pending["flow"] == "authorization_code"
    assert pending["url"].startswith(f"{sso.url}/authorize?") and pending["browserOpened"] is True
    assert recorded()[0]["opened"] == pending["url"]
    assert pending["url"] in text_of(first) and "userCode" not in pending
    assert second.structured_content["reused"] is True and second.structured_content["url"] == pending["url"]
    assert "login complete" in page
    assert status.structured_content["state"] == "authenticated"
    state = sso.state()
    assert state["calls"]["Authorize"] == 1 and state["grants"] == {"authorization_code": 1}
    assert "StartDeviceAuthorization" not in state["calls"]


def test_mcp_pkce_login_reports_a_browser_that_cannot_start_and_still_gives_the_url(host, sso, tmp_path):
    async def scenario():
        async with host.mcp(BROWSER=str(tmp_path / "no-such-browser")) as session:
            started = await session.call_tool("aws_sso_login", {})
            # The user opens the URL by hand, in a browser on this machine.
            url = started.structured_content["url"]
            page = await anyio.to_thread.run_sync(lambda: urllib.request.urlopen(url, timeout=60).read().decode())
            await wait_until_authenticated(session)
            return started, page

    started, page = run(scenario)
    pending = started.structured_content
    assert pending["flow"] == "authorization_code" and pending["browserOpened"] is False
    assert "no-such-browser" in pending["browserError"]
    assert pending["url"] in text_of(started) and "login complete" in page


def test_mcp_use_device_code_starts_a_device_flow(host, sso, tmp_path):
    command, recorded = browser(tmp_path, "record")

    async def scenario():
        async with host.mcp(BROWSER=command) as session:
            started = await session.call_tool("aws_sso_login", {"useDeviceCode": True})
            await wait_until_authenticated(session)
            return started

    started = run(scenario).structured_content
    assert started["flow"] == "device_code" and started["userCode"]
    assert started["url"] == started["verificationUriComplete"]
    assert sso.state()["calls"]["StartDeviceAuthorization"] == 1
    assert "Authorize" not in sso.state()["calls"]


def test_mcp_denied_pkce_login_is_reported_by_the_next_status(host, sso, tmp_path):
    sso.configure(approval="deny")
    command, _ = browser(tmp_path)

    async def scenario():
        async with host.mcp(BROWSER=command) as session:
            await session.call_tool("aws_sso_login", {})
            with anyio.fail_after(30):
                while True:
                    status = await session.call_tool("aws_sso_status", {})
                    if status.structured_content["state"] != "login_pending":
                        return status
                    await anyio.sleep(0.3)

    status = run(scenario)
    assert status.structured_content["state"] == "not_authenticated"
    assert any("denied" in note for note in status.structured_content["notes"])


def test_an_http_server_bound_off_loopback_logs_in_with_the_device_flow(host, sso, tmp_path):
    """Its users are on other machines: a browser here is not theirs, nor can its redirect reach them."""
    from http_harness import serving
    from test_http_transport import http_session

    command, _ = browser(tmp_path, "record")

    async def login_over(url, token=None):
        async with http_session(url, token=token) as session:
            return (await session.call_tool("aws_sso_login", {})).structured_content

    token = "t0ken-for-the-pkce-test"
    with serving(host, "--host", "0.0.0.0", "--port", "0", stderr_path=tmp_path / "open.err",
                 MCP_AWS_SSO_HTTP_TOKEN=token, BROWSER=command) as server:
        remote = run(login_over, f"http://127.0.0.1:{server.port}/mcp", token)
    with serving(host, "--port", "0", stderr_path=tmp_path / "loopback.err", BROWSER=command) as server:
        local = run(login_over, server.url)

    assert remote["flow"] == "device_code" and remote["userCode"]
    assert local["flow"] == "authorization_code"


def non_loopback_addresses() -> list[str]:
    """This machine's IPv4 addresses other than 127.x (from the kernel's own table)."""
    import socket
    import subprocess as sp

    found = set()
    try:
        output = sp.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
        found.update(a for a in output.split() if "." in a)
    except (OSError, sp.SubprocessError):
        pass
    try:
        found.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127."))


def test_a_page_that_guesses_the_listener_port_can_neither_finish_nor_abort_the_login(host, sso, tmp_path):
    """The attacker: anything that can send the browser (or a local process) to 127.0.0.1:PORT."""
    import socket
    import urllib.error

    command, _ = browser(tmp_path, "record")

    def forged_get(url):
        try:
            with urllib.request.urlopen(url, timeout=30) as page:
                return page.status
        except urllib.error.HTTPError as error:
            return error.code

    async def scenario():
        async with host.mcp(BROWSER=command) as session:
            started = (await session.call_tool("aws_sso_login", {})).structured_content
            query = query_of(started["url"])
            callback = query["redirect_uri"]
            real = query["state"]
            flipped = real.swapcase() if real.swapcase() != real else real + "x"
            attacks = [
                "?error=access_denied",
                "?error=access_denied&state=guess",
                f"?error=access_denied&state={flipped}",
                "?code=attacker-code",
                "?code=attacker-code&state=",
                f"?code=attacker-code&state={flipped}",
                f"?code=attacker-code&state=guess&state={real}",
                f"?code=attacker-code&state={real}%00",
                f"?code=attacker-code&state={real[:-1]}",
            ]
            statuses = [await anyio.to_thread.run_sync(forged_get, callback + attack) for attack in attacks]
            still = (await session.call_tool("aws_sso_status", {})).structured_content
            # Only loopback reaches the listener: its port is closed on every other address.
            port = urlsplit(callback).port
            reachable = []
            for address in non_loopback_addresses():
                with socket.socket() as probe:
                    probe.settimeout(5)
                    if probe.connect_ex((address, port)) == 0:
                        reachable.append(address)
            page = await anyio.to_thread.run_sync(
                lambda: urllib.request.urlopen(started["url"], timeout=60).read().decode())
            status = await wait_until_authenticated(session)
            return statuses, still, reachable, page, status

    statuses, still, reachable, page, status = run(scenario)
    assert statuses == [400] * len(statuses)
    assert still["state"] == "login_pending"
    assert reachable == []
    assert "login complete" in page and status.structured_content["state"] == "authenticated"
    state = sso.state()
    assert state["grants"] == {"authorization_code": 1}       # no forged code was redeemed
    assert "CreateToken" not in state["errors"]


def test_logout_ends_a_pending_pkce_login_and_a_later_redirect_stores_nothing(host, sso, tmp_path):
    import urllib.error

    command, _ = browser(tmp_path, "record")

    def follow(url):
        try:
            with urllib.request.urlopen(url, timeout=30) as page:
                return page.status, page.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except urllib.error.URLError as error:       # the listener is gone: nobody answers
            return None, str(error.reason)

    async def scenario():
        async with host.mcp(BROWSER=command) as session:
            started = (await session.call_tool("aws_sso_login", {})).structured_content
            await session.call_tool("aws_sso_logout", {})
            answer = await anyio.to_thread.run_sync(follow, started["url"])
            status = (await session.call_tool("aws_sso_status", {})).structured_content
            return answer, status

    (code, page), status = run(scenario)
    assert code != 200 and "login complete" not in page
    assert status["state"] == "not_authenticated"
    assert not token_path(host.home).exists()
    assert "authorization_code" not in sso.state()["grants"]


def test_doctor_says_which_login_flow_this_machine_gets(host, sso, tmp_path):
    def login_check(**env):
        report = json.loads(host.cli("doctor", "--json", **env).stdout)
        return next(check for check in report["checks"] if check["area"] == "login")

    command, _ = browser(tmp_path)
    with_browser = login_check(BROWSER=command)
    assert with_browser["status"] == "ok" and "authorization code with PKCE" in with_browser["summary"]
    assert "--use-device-code" in with_browser["hint"]
    headless = login_check()
    assert "device code" in headless["summary"] and "no browser" in headless["summary"]
    over_ssh = login_check(DISPLAY=":0", SSH_CONNECTION="10.0.0.2 50000 10.0.0.1 22")
    assert "SSH session" in over_ssh["summary"]


def test_asking_for_the_device_flow_replaces_a_pending_browser_login(host, sso, tmp_path):
    import socket

    command, _ = browser(tmp_path, "record")

    async def scenario():
        async with host.mcp(BROWSER=command) as session:
            in_browser = (await session.call_tool("aws_sso_login", {})).structured_content
            again = (await session.call_tool("aws_sso_login", {})).structured_content
            device = (await session.call_tool("aws_sso_login", {"useDeviceCode": True})).structured_content
            port = urlsplit(query_of(in_browser["url"])["redirect_uri"]).port
            with anyio.fail_after(20):          # the replaced login's listener closes
                while True:
                    with socket.socket() as probe:
                        if probe.connect_ex(("127.0.0.1", port)) != 0:
                            break
                    await anyio.sleep(0.1)
            await wait_until_authenticated(session)
            return in_browser, again, device

    in_browser, again, device = run(scenario)
    assert in_browser["flow"] == "authorization_code" and again["reused"] is True
    assert device["flow"] == "device_code" and device["reused"] is False and device["userCode"]
    assert sso.state()["calls"]["StartDeviceAuthorization"] == 1
    assert "authorization_code" not in sso.state()["grants"]
