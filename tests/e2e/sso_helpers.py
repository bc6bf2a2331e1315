"""Helpers for tests that need an AWS SSO session: signing a user in, and reading what the host
cached, the way the AWS CLI and botocore lay it out.

The `sso` and `logged_in` fixtures in conftest.py build on these:

    def test_something(host, logged_in):      # emulator running, user signed in
        result = host.cli("ls-accounts")
        ...

    from sso_helpers import login               # or sign in yourself, e.g. after changing knobs
    def test_other(host, sso):
        sso.configure(accounts=40, roles=3)
        login(host)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

from host_harness import SSO_REGION, START_URL


def login(host, *extra_args: str, **env: str) -> subprocess.CompletedProcess:
    """Signs `host`'s user in with the real CLI: `mcp-aws-sso login --no-launch-browser`.

    The SSO emulator must be running with `host.sso_url` pointing at it (the `sso` fixture does
    both) and must approve on its own, which is its default (`approval="auto"`: approved after
    one `authorization_pending` poll, so a login takes about two seconds). Asserts that the login
    succeeded and returns the completed process (code and URL are on its stderr).
    """
    result = host.cli("login", "--no-launch-browser", *extra_args, timeout=120, **env)
    assert result.returncode == 0, f"login failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert "Authentication Successful" in result.stdout or "Already Authenticated" in result.stdout, result.stdout
    return result


def utc(seconds_from_now: float, style: str = "Z") -> str:
    """A timestamp as the token caches spell it: `Z` (the AWS CLI v2), `UTC` (botocore's
    JSONFileCache), or `offset` (+00:00)."""
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds_from_now)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + {"Z": "Z", "UTC": "UTC", "offset": "+00:00"}[style]


def login_as_another_tool(sso, home: Path, style: str = "Z", **where) -> dict:
    """Signs in the way another tool does (here boto3, as `aws sso login` would: its own client
    registration and device flow, approved in the sandbox) and writes the token cache file in the
    AWS CLI v2 format, without any lock of ours. Returns what was written."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    oidc = boto3.client("sso-oidc", region_name=SSO_REGION, endpoint_url=sso.url,
                        config=Config(signature_version=UNSIGNED))
    client = oidc.register_client(clientName="other-tool", clientType="public", scopes=["sso:account:access"])
    device = oidc.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"],
                                             startUrl=START_URL)
    sso.approve(device["userCode"])
    granted = oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                                grantType="urn:ietf:params:oauth:grant-type:device_code",
                                deviceCode=device["deviceCode"])
    token = {
        "startUrl": START_URL, "region": SSO_REGION, "accessToken": granted["accessToken"],
        "expiresAt": utc(granted["expiresIn"], style), "clientId": client["clientId"],
        "clientSecret": client["clientSecret"], "registrationExpiresAt": utc(86400, style),
        "refreshToken": granted["refreshToken"],
    }
    path = token_path(home, **where)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(token))
    return token


def set_expiry(home: Path, seconds_from_now: float, **where) -> None:
    """Moves the cached token's expiry (negative: already expired), as time passing would."""
    path = token_path(home, **where)
    token = json.loads(path.read_text())
    token["expiresAt"] = utc(seconds_from_now)
    path.write_text(json.dumps(token))


def sha1_hex(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def sso_cache_dir(home: Path) -> Path:
    return home / ".aws" / "sso" / "cache"


def token_path(home: Path, session_name: str | None = None, start_url: str = START_URL) -> Path:
    """The AWS CLI v2 token cache file: sha1 of the sso-session name, else of the start URL."""
    return sso_cache_dir(home) / f"{sha1_hex(session_name or start_url)}.json"


def read_token(home: Path, session_name: str | None = None, start_url: str = START_URL) -> dict:
    return json.loads(token_path(home, session_name, start_url).read_text())


def role_credentials_path(home: Path, account_id: str, role_name: str, *, session_name: str | None = None,
                          start_url: str = START_URL) -> Path:
    """botocore's SSOCredentialFetcher cache file name in ~/.aws/cli/cache."""
    args = {"roleName": role_name, "accountId": account_id}
    if session_name:
        args["sessionName"] = session_name
    else:
        args["startUrl"] = start_url
    key = sha1_hex(json.dumps(args, sort_keys=True, separators=(",", ":")))
    return home / ".aws" / "cli" / "cache" / f"{key}.json"


def cached_secrets(home: Path) -> list[str]:
    """Every secret the host has cached under `home`: access and refresh tokens, client secrets,
    role credentials' secret keys and session tokens (for tests that check nothing leaks)."""
    secrets = []
    for path in list(sso_cache_dir(home).glob("*.json")) + list((home / ".aws" / "cli" / "cache").glob("*.json")):
        data = json.loads(path.read_text())
        for key in ("accessToken", "refreshToken", "clientSecret"):
            if data.get(key):
                secrets.append(data[key])
        credentials = data.get("Credentials") or {}
        for key in ("SecretAccessKey", "SessionToken"):
            if credentials.get(key):
                secrets.append(credentials[key])
    return secrets


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


async def wait_until_authenticated(session, timeout: float = 20):
    """Polls `aws_sso_status` on an MCP session until the pending login completed; returns the
    last status result (the MCP login finishes in the background, after the user approved)."""
    import anyio

    with anyio.fail_after(timeout):
        while True:
            status = await session.call_tool("aws_sso_status", {})
            if status.structured_content["state"] == "authenticated":
                return status
            await anyio.sleep(0.3)
