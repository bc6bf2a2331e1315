"""Signing out: AWS revokes the session, and every cached credential of it is gone."""

from __future__ import annotations

import json

import anyio

from host_harness import text_of
from sso_helpers import role_credentials_path, sso_cache_dir, token_path


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def test_logout_revokes_the_session_and_removes_cached_credentials(host, logged_in):
    sso = logged_in
    assert host.cli("testkit-context", "--account-id", "111111111111", "--role-name", "ReadOnly").returncode == 0
    assert host.cli("ls-accounts").returncode == 0
    role_file = role_credentials_path(host.home, "111111111111", "ReadOnly")
    assert role_file.exists()
    # Someone else's cached assume-role credentials are not ours to delete.
    other = role_file.parent / "assume-role-entry.json"
    other.write_text(json.dumps({"ProviderType": "assume-role", "Credentials": {}}))
    registrations_before = {p.name for p in sso_cache_dir(host.home).iterdir()} - {token_path(host.home).name}

    async def scenario():
        async with host.mcp() as session:
            logout = await session.call_tool("aws_sso_logout", {})
            status = await session.call_tool("aws_sso_status", {})
            accounts = await session.call_tool("aws_sso_ls_accounts", {})
            again = await session.call_tool("aws_sso_logout", {})
            return logout, status, accounts, again

    logout, status, accounts, again = run(scenario)

    assert not logout.is_error
    report = logout.structured_content
    assert report == {
        "hadSession": True, "portalLogout": "done", "tokenRemoved": True, "roleCredentialFilesRemoved": 1,
        "accountsCacheRemoved": True, "pendingLoginCancelled": False, "startUrl": report["startUrl"],
    }
    assert text_of(logout).startswith("# AWS SSO: Logged Out")
    state = sso.state()
    assert state["calls"]["Logout"] == 1
    assert state["activeAccessTokens"] == 0 and state["activeRefreshTokens"] == 0
    assert not token_path(host.home).exists()
    assert not role_file.exists()
    assert other.exists()
    # The client registration stays (as with `aws sso logout`): the next login reuses it.
    assert {p.name for p in sso_cache_dir(host.home).iterdir()} == registrations_before

    assert status.structured_content["state"] == "not_authenticated"
    assert accounts.is_error and "aws_sso_login" in text_of(accounts)
    assert again.structured_content["hadSession"] is False
    assert again.structured_content["portalLogout"] == "skipped"


def test_logout_cancels_a_login_waiting_for_approval(host, sso):
    sso.configure(approval="manual")

    async def scenario():
        async with host.mcp() as session:
            started = await session.call_tool("aws_sso_login", {"launchBrowser": False})
            logout = await session.call_tool("aws_sso_logout", {})
            polls = sso.state()["calls"].get("CreateToken", 0)
            sso.approve(started.structured_content["userCode"])
            await anyio.sleep(2.5)
            status = await session.call_tool("aws_sso_status", {})
            return logout, polls, status

    logout, polls, status = run(scenario)
    assert logout.structured_content["pendingLoginCancelled"] is True
    assert status.structured_content["state"] == "not_authenticated"
    assert sso.state()["calls"].get("CreateToken", 0) == polls, "the cancelled login kept polling"
    assert not token_path(host.home).exists()


def test_cli_logout_is_seen_by_a_running_server(host, logged_in):
    async def scenario():
        async with host.mcp() as session:
            before = await session.call_tool("aws_sso_status", {})
            result = host.cli("logout")
            after = await session.call_tool("aws_sso_status", {})
            return before, result, after

    before, result, after = run(scenario)
    assert before.structured_content["state"] == "authenticated"
    assert result.returncode == 0 and "Logged Out" in result.stdout
    assert after.structured_content["state"] == "not_authenticated"
