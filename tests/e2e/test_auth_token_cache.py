"""One login shared with the AWS CLI and botocore, and a session that renews itself.

The token and role credential caches are the AWS CLI v2's: a token this host writes must be read
by botocore (the engine of the AWS CLI and boto3), a token written by another tool in that format
must be used here, and role credentials cached here must be found by botocore under the file name
it computes itself. Refreshing with the refresh token never shows a login prompt.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import anyio
import pytest

import sso_helpers
from host_harness import START_URL, text_of
from sso_helpers import login, login_as_another_tool, mode, read_token, role_credentials_path, token_path

SESSION_PROFILE = """\
[profile sandbox-dev]
sso_session = sandbox
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = us-east-1

[sso-session sandbox]
sso_start_url = {start_url}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""

LEGACY_PROFILE = """\
[profile legacy]
sso_start_url = {start_url}
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = PowerUser
region = us-east-1
"""

# Runs in a fresh interpreter so that botocore computes its cache paths from this HOME.
BOTOCORE_CREDENTIALS = """
import json, os, sys
import boto3
from botocore.utils import JSONFileCache
session = boto3.Session(profile_name=sys.argv[1])
if sys.argv[2] == "with-cli-cache":
    # What the AWS CLI v2 does: share role credentials through ~/.aws/cli/cache.
    provider = session._session.get_component("credential_provider").get_provider("sso")
    provider.cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
credentials = session.get_credentials().get_frozen_credentials()
print(json.dumps({"accessKeyId": credentials.access_key, "secret": bool(credentials.secret_key),
                  "token": bool(credentials.token)}))
"""


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def botocore_credentials(host, profile: str, cache: str = "no-cache") -> dict:
    result = subprocess.run([sys.executable, "-c", BOTOCORE_CREDENTIALS, profile, cache], env=host.env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def write_aws_config(host, text: str) -> None:
    path = host.home / ".aws" / "config"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(start_url=START_URL))


def set_expiry(host, seconds_from_now: float, **where) -> None:
    sso_helpers.set_expiry(host.home, seconds_from_now, **where)


# ----------------------------------------------------------------------- shared with botocore


def test_an_sso_session_profile_login_is_read_by_botocore(host, sso):
    (host.home / ".mcp" / "configs.json").unlink()
    write_aws_config(host, SESSION_PROFILE)

    login(host, AWS_PROFILE="sandbox-dev")

    token = read_token(host.home, session_name="sandbox")     # sha1("sandbox"), not of the URL
    assert token["startUrl"] == START_URL
    credentials = botocore_credentials(host, "sandbox-dev")
    assert credentials["accessKeyId"].startswith("ASIA") and credentials["secret"] and credentials["token"]
    state = sso.state()
    assert state["calls"]["GetRoleCredentials"] == 1
    assert state["calls"].get("StartDeviceAuthorization") == 1   # botocore did not log in again


def test_a_colon_separated_profile_works_for_us_and_botocore(host, sso):
    # `key: value`, as botocore's ConfigParser reads it.
    (host.home / ".mcp" / "configs.json").unlink()
    write_aws_config(host, SESSION_PROFILE.replace(" = ", ": "))

    login(host, AWS_PROFILE="sandbox-dev")

    assert read_token(host.home, session_name="sandbox")["startUrl"] == START_URL
    assert botocore_credentials(host, "sandbox-dev")["accessKeyId"].startswith("ASIA")


def test_a_broken_unrelated_profile_does_not_stop_start_up(host, sso):
    (host.home / ".mcp" / "configs.json").unlink()
    write_aws_config(host, "[profile broken]\nthis line is not ini\n\n" + SESSION_PROFILE)

    async def scenario():
        async with host.mcp(AWS_PROFILE="sandbox-dev") as session:
            return await session.call_tool("aws_sso_status", {})

    status = run(scenario)
    assert status.structured_content["state"] == "not_authenticated", text_of(status)
    login(host, AWS_PROFILE="sandbox-dev")
    assert host.cli("ls-accounts", AWS_PROFILE="sandbox-dev").returncode == 0
    # The broken profile itself is reported, naming the line, when it is the one to read.
    broken = host.cli("status", AWS_PROFILE="broken")
    assert broken.returncode != 0
    assert "line 2" in broken.stderr and "[profile broken]" in broken.stderr, broken.stderr
    assert "rejects this file" not in broken.stderr


def test_a_start_url_login_is_read_by_a_legacy_botocore_profile(host, sso):
    write_aws_config(host, LEGACY_PROFILE)
    login(host)                                                # start URL from configs.json
    credentials = botocore_credentials(host, "legacy")
    assert credentials["accessKeyId"].startswith("ASIA")
    assert sso.state()["calls"]["GetRoleCredentials"] == 1


def test_role_credentials_are_cached_in_the_aws_cli_format_and_botocore_reuses_them(host, logged_in):
    sso = logged_in
    write_aws_config(host, LEGACY_PROFILE)
    first = host.cli("testkit-context", "--account-id", "222222222222", "--role-name", "PowerUser", "--json")
    second = host.cli("testkit-context", "--account-id", "222222222222", "--role-name", "PowerUser", "--json")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    ours = json.loads(first.stdout)["credentials"]
    assert ours["ok"] is True
    assert json.loads(second.stdout)["credentials"]["accessKeyId"] == ours["accessKeyId"]
    assert sso.state()["calls"]["GetRoleCredentials"] == 1, "the second process reused the cached credentials"

    path = role_credentials_path(host.home, "222222222222", "PowerUser")
    cached = json.loads(path.read_text())
    assert cached["ProviderType"] == "sso"
    assert cached["Credentials"]["AccessKeyId"] == ours["accessKeyId"]
    assert cached["Credentials"]["AccountId"] == "222222222222"
    assert cached["Credentials"]["Expiration"].endswith("Z")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700

    # botocore, with the AWS CLI v2's cache, finds them under its own key and calls nobody.
    credentials = botocore_credentials(host, "legacy", "with-cli-cache")
    assert credentials["accessKeyId"] == ours["accessKeyId"]
    assert sso.state()["calls"]["GetRoleCredentials"] == 1


@pytest.mark.parametrize("style", ["Z", "UTC", "offset"])
def test_a_token_written_by_another_tool_is_used(host, sso, style):
    # Another tool (here boto3, as `aws sso login` would) signs in and writes the cache file.
    login_as_another_tool(sso, host.home, style)
    path = token_path(host.home)
    written = path.read_text()

    status = host.cli("status", "--json")
    accounts = host.cli("ls-accounts", "--json")

    assert status.returncode == 0 and accounts.returncode == 0, status.stderr + accounts.stderr
    assert json.loads(status.stdout)["state"] == "authenticated"
    assert json.loads(accounts.stdout)["totalAccounts"] == 3
    state = sso.state()
    assert state["calls"]["StartDeviceAuthorization"] == 1      # only the other tool's
    assert state["calls"]["CreateToken"] == 1                   # no refresh was needed
    assert path.read_text() == written, "a valid token is used as it is, not rewritten"


# ----------------------------------------------------------------------------- refresh


def test_a_token_inside_the_refresh_window_is_refreshed_without_a_prompt(host, logged_in):
    sso = logged_in
    before = read_token(host.home)
    set_expiry(host, 120)                      # two minutes left: inside the refresh window

    result = host.cli("ls-accounts")

    assert result.returncode == 0, result.stderr
    assert "approve the code" not in result.stderr
    after = read_token(host.home)
    assert after["accessToken"] != before["accessToken"]
    assert after["refreshToken"] and after["clientId"] == before["clientId"]
    assert dt.datetime.strptime(after["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc) \
        > dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=55)
    calls = sso.state()["calls"]
    assert calls["StartDeviceAuthorization"] == 1
    assert calls["CreateToken"] == 3           # pending + device-code grant + one refresh
    assert mode(token_path(host.home)) == 0o600


def test_a_token_aws_rejects_early_is_refreshed_and_the_call_retried(host, logged_in):
    sso = logged_in
    before = read_token(host.home)
    sso.expire_tokens()                        # AWS-side expiry: the portal now answers 401

    result = host.cli("ls-accounts", "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["totalAccounts"] == 3
    assert read_token(host.home)["accessToken"] != before["accessToken"]
    assert sso.state()["errors"]["ListAccounts"] == {"UnauthorizedException": 1}


def test_concurrent_calls_share_one_refresh(host, logged_in):
    sso = logged_in
    set_expiry(host, 60)
    refreshes_before = sso.state()["calls"]["CreateToken"]

    async def scenario():
        async with host.mcp() as session:
            results = []

            async def call(name, args):
                results.append(await session.call_tool(name, args))

            async with anyio.create_task_group() as group:
                for account in ("111111111111", "222222222222", "333333333333"):
                    group.start_soon(call, "testkit_context", {"accountId": account, "roleName": "ReadOnly"})
                group.start_soon(call, "aws_sso_ls_accounts", {})
                group.start_soon(call, "aws_sso_status", {})
            return results

    results = run(scenario)
    assert not any(r.is_error for r in results), [text_of(r) for r in results]
    assert sso.state()["calls"]["CreateToken"] == refreshes_before + 1


def test_an_expired_session_without_refresh_token_asks_for_a_login(host, sso):
    sso.configure(refresh_tokens="never")
    login(host)
    assert "refreshToken" not in read_token(host.home)
    set_expiry(host, -60)

    async def scenario():
        async with host.mcp() as session:
            return (await session.call_tool("aws_sso_status", {}),
                    await session.call_tool("aws_sso_ls_accounts", {}))

    status, accounts = run(scenario)
    assert status.structured_content["state"] == "expired"
    assert status.structured_content["refreshable"] is False
    assert "aws_sso_login" in text_of(status)
    assert accounts.is_error
    assert "expired" in text_of(accounts) and "aws_sso_login" in text_of(accounts)
    cli = host.cli("ls-accounts")
    assert cli.returncode == 1 and "`mcp-aws-sso login`" in cli.stderr and "aws_sso_" not in cli.stderr


def test_a_revoked_refresh_token_asks_for_a_login(host, logged_in):
    sso = logged_in
    sso.expire_tokens(refresh_tokens=True)
    result = host.cli("ls-accounts")
    assert result.returncode == 1
    assert "rejected the cached session" in result.stderr and "`mcp-aws-sso login`" in result.stderr
