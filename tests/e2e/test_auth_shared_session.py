"""One SSO session shared by every process: MCP servers, the CLI, and other tools writing the AWS
CLI's token cache (`aws sso login` / `aws sso logout`).

The token file is the one source of truth. A server that cached role credentials must stop
serving them the moment the token they were minted with is gone or replaced, whoever changed the
file; refreshes of one shared token are made once, by whoever holds the token lock, even when
the service rotates refresh tokens; and a login approved after a logout writes nothing.
"""

from __future__ import annotations

import json

import anyio
import pytest

from host_harness import text_of
from sso_helpers import login, login_as_another_tool, read_token, set_expiry, token_path

ACCOUNT, ROLE = "111111111111", "ReadOnly"


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


async def credentials_of(session) -> dict:
    """What the testkit plugin got when it asked the host for role credentials."""
    result = await session.call_tool("testkit_context", {"accountId": ACCOUNT, "roleName": ROLE})
    assert not result.is_error, text_of(result)
    return result.structured_content["credentials"]


def delete_token_file_as_aws_sso_logout_does(host) -> None:
    # `aws sso logout` deletes the token file without any lock of ours. It also deletes the SSO
    # entries of ~/.aws/cli/cache; they stay here, which makes the test harder: the host must
    # not serve them either.
    token_path(host.home).unlink()


@pytest.mark.parametrize("logout", ["mcp-aws-sso logout", "aws sso logout"])
def test_a_logout_in_another_process_stops_the_cached_role_credentials(host, logged_in, logout):
    sso = logged_in

    async def scenario():
        async with host.mcp() as session:
            first = await credentials_of(session)
            again = await credentials_of(session)
            minted = sso.state()["calls"]["GetRoleCredentials"]
            if logout == "mcp-aws-sso logout":
                result = host.cli("logout")
                assert result.returncode == 0, result.stderr
            else:
                delete_token_file_as_aws_sso_logout_does(host)
            after = await credentials_of(session)
            # A real tool that needs credentials, as a model would call it.
            command = await session.call_tool("aws_sso_exec_command", {
                "accountId": ACCOUNT, "roleName": ROLE, "command": "aws sts get-caller-identity"})
            status = await session.call_tool("aws_sso_status", {})
            return first, again, minted, after, command, status

    first, again, minted, after, command, status = run(scenario)

    assert first["ok"] and again["accessKeyId"] == first["accessKeyId"], "the second call was served from memory"
    assert minted == 1
    assert after["ok"] is False and after["kind"] == "not_logged_in", after
    assert "aws_sso_login" in after["message"]
    assert command.is_error and "not logged in" in text_of(command) and "aws_sso_login" in text_of(command)
    assert status.structured_content["state"] == "not_authenticated"
    assert sso.state()["calls"]["GetRoleCredentials"] == minted, "nothing was minted without a session"


def test_a_login_as_someone_else_in_another_tool_replaces_the_cached_role_credentials(host, logged_in):
    sso = logged_in

    async def scenario():
        async with host.mcp() as session:
            before = await credentials_of(session)
            login_as_another_tool(sso, host.home)        # `aws sso login`: a new session, new token
            after = await credentials_of(session)
            return before, after

    before, after = run(scenario)
    assert before["ok"] and after["ok"]
    assert after["accessKeyId"] != before["accessKeyId"], "credentials of the replaced session were served"
    assert sso.state()["calls"]["GetRoleCredentials"] == 2


def test_a_token_written_by_another_tool_while_the_server_runs_is_used_without_a_restart(host, sso):
    async def scenario():
        async with host.mcp() as session:
            status_before = await session.call_tool("aws_sso_status", {})
            accounts_before = await session.call_tool("aws_sso_ls_accounts", {})
            written = login_as_another_tool(sso, host.home)
            status = await session.call_tool("aws_sso_status", {})
            accounts = await session.call_tool("aws_sso_ls_accounts", {})
            credentials = await credentials_of(session)
            return status_before, accounts_before, written, status, accounts, credentials

    status_before, accounts_before, written, status, accounts, credentials = run(scenario)
    assert status_before.structured_content["state"] == "not_authenticated"
    assert accounts_before.is_error and "aws_sso_login" in text_of(accounts_before)
    assert status.structured_content["state"] == "authenticated"
    assert not accounts.is_error and accounts.structured_content["totalAccounts"] == 3
    assert credentials["ok"] is True
    assert read_token(host.home)["accessToken"] == written["accessToken"], "used as written, not replaced"
    assert sso.state()["calls"]["StartDeviceAuthorization"] == 1     # only the other tool's


def test_three_processes_with_an_expired_token_refresh_it_once_under_rotation(host, sso):
    # Rotation: a refresh token is spent when redeemed, so a second, uncoordinated refresh with
    # the same cached refresh token is refused. Latency widens the window in which the three
    # processes would race.
    sso.configure(rotate_refresh_tokens=True)
    login(host)
    set_expiry(host.home, -60)
    sso.configure(latency_ms=300)
    before = read_token(host.home)

    processes = [host.spawn("ls-accounts", "--json") for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in processes]

    for process, (stdout, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr
        assert json.loads(stdout)["totalAccounts"] == 3
    state = sso.state()
    assert state["grants"]["refresh_token"] == 1, state["grants"]
    assert "InvalidGrantException" not in state["errors"]["CreateToken"], state["errors"]
    after = read_token(host.home)
    assert after["accessToken"] != before["accessToken"] and after["refreshToken"] != before["refreshToken"]


def test_a_login_approved_after_a_logout_in_another_process_writes_nothing(host, sso):
    sso.configure(approval="manual")

    async def scenario():
        async with host.mcp() as session:
            started = await session.call_tool("aws_sso_login", {"launchBrowser": False})
            assert started.structured_content["status"] == "pending", text_of(started)
            logout = host.cli("logout")
            sso.approve(started.structured_content["userCode"])
            # The server's background poll redeems the approved code: the sandbox then holds
            # the token it issued. Whatever the server does with it happens right after.
            with anyio.fail_after(30):
                while sso.state()["activeAccessTokens"] == 0:
                    await anyio.sleep(0.2)
            await anyio.sleep(1)
            return logout, await session.call_tool("aws_sso_status", {})

    logout, status = run(scenario)
    assert logout.returncode == 0, logout.stderr
    assert status.structured_content["state"] == "not_authenticated"
    assert not token_path(host.home).exists(), "a login from before the logout stored its token"
    # The logout is recorded in the lock file, in text that is not JSON: `aws sso logout` (v2)
    # JSON-loads every file of the cache directory and would crash on a bare JSON number.
    lock = token_path(host.home).with_name(token_path(host.home).name + ".lock")
    with pytest.raises(ValueError):
        json.loads(lock.read_text())


def test_an_account_failing_every_time_is_the_only_one_asked_again(host, sso):
    sso.configure(failing_role_accounts="222222222222")
    login(host)

    first = host.cli("ls-accounts", "--json")
    second = host.cli("ls-accounts", "--json")

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    for listing in (json.loads(first.stdout), json.loads(second.stdout)):
        assert listing["totalAccounts"] == 3 and listing["accountsWithoutRoles"] == 1
        [failed] = [a for a in listing["accounts"] if "rolesError" in a]
        assert failed["accountId"] == "222222222222"
    assert json.loads(second.stdout)["fromCache"] is True
    state = sso.state()
    assert state["calls"]["ListAccounts"] == 1, "the second call did not list everything again"
    assert state["rolesListedFor"] == {"111111111111": 1, "222222222222": 2, "333333333333": 1}
