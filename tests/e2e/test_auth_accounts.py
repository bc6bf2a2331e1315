"""Listing accounts and roles: every page, every account's roles, under Identity Center's rate
limit, cached for the configured TTL, filtered, and compact enough for a model to read.
"""

from __future__ import annotations

import json

import anyio

from host_harness import text_of
from sso_helpers import login


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def throttled(state: dict) -> int:
    return sum(errors.get("TooManyRequestsException", 0) for errors in state["errors"].values())


def test_500_accounts_under_a_20_tps_limit_all_come_back_with_their_roles(host, sso):
    sso.configure(accounts=500, roles=3, rate_limit_tps=20)
    login(host)
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, total, message))

    async def scenario():
        async with host.mcp() as session:
            return await session.call_tool("aws_sso_ls_accounts", {}, progress_callback=on_progress,
                                           read_timeout_seconds=180)

    result = run(scenario)

    assert not result.is_error, text_of(result)
    listing = result.structured_content
    assert listing["totalAccounts"] == 500 and listing["matchedAccounts"] == 500
    assert listing["accountsWithoutRoles"] == 0
    accounts = listing["accounts"]
    assert len({a["accountId"] for a in accounts}) == 500
    assert all(a["roles"] == ["ReadOnly", "PowerUser", "Admin"] for a in accounts)
    assert all("rolesError" not in a for a in accounts)
    state = sso.state()
    # Throttled calls were retried until they went through: one success per page and per account.
    def successes(operation):
        return state["calls"][operation] - state["errors"].get(operation, {}).get("TooManyRequestsException", 0)

    assert successes("ListAccounts") == 5                           # 100 a page
    assert successes("ListAccountRoles") == 500
    assert listing["throttledCalls"] == throttled(state)

    # One line per account fits: all 500 are in the text, under the default 40,000-character cap.
    text = text_of(result)
    assert listing["shownAccounts"] == 500 and listing["omittedAccounts"] == 0
    assert len(text) < 40_000
    assert text.startswith("# AWS SSO: Accounts and Roles")
    assert "## Admin, PowerUser, ReadOnly (500 accounts)" in text
    for account in accounts:
        assert f"`{account['accountId']}` {account['accountName']} <{account['emailAddress']}>" in text

    # Progress went up steadily and ended with everything done.
    values = [u[0] for u in updates]
    assert len(values) >= 100 and values == sorted(values) and len(set(values)) == len(values)
    assert updates[-1][1] == values[-1] == 505


def test_every_page_of_accounts_and_roles_is_followed(host, sso):
    sso.configure(accounts=23, roles=9, page_size=4)
    login(host)
    result = host.cli("ls-accounts", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert listing["totalAccounts"] == 23
    assert all(len(a["roles"]) == 9 for a in listing["accounts"])
    assert sso.state()["calls"]["ListAccounts"] == 6                 # ceil(23 / 4)


def test_the_listing_is_cached_across_calls_and_processes_until_refresh(host, logged_in):
    sso = logged_in

    async def scenario():
        async with host.mcp() as session:
            first = await session.call_tool("aws_sso_ls_accounts", {})
            second = await session.call_tool("aws_sso_ls_accounts", {})
            calls_cached = sso.state()["calls"]["ListAccounts"]
            third = await session.call_tool("aws_sso_ls_accounts", {"refresh": True})
            return first, second, calls_cached, third

    first, second, calls_cached, third = run(scenario)
    assert first.structured_content["fromCache"] is False
    assert second.structured_content["fromCache"] is True
    assert "cached for 600 s" in text_of(second)
    assert calls_cached == 1
    assert third.structured_content["fromCache"] is False
    assert sso.state()["calls"]["ListAccounts"] == 2

    # A new process (the next CLI run) reads the cached listing from disk.
    cli = host.cli("ls-accounts", "--json")
    assert json.loads(cli.stdout)["fromCache"] is True
    assert sso.state()["calls"]["ListAccounts"] == 2


def test_a_zero_ttl_disables_the_cache(host, sso):
    host.configure(MCP_AWS_SSO_ACCOUNTS_CACHE_TTL="0")
    login(host)
    for _ in range(2):
        assert json.loads(host.cli("ls-accounts", "--json").stdout)["fromCache"] is False
    assert sso.state()["calls"]["ListAccounts"] == 2


def test_filter_matches_id_name_email_and_role(host, sso):
    sso.configure(directory=[
        {"accountId": "111111111111", "accountName": "payments-prod", "emailAddress": "pay@corp.example",
         "roles": ["ReadOnly", "BillingAdmin"]},
        {"accountId": "222222222222", "accountName": "payments-dev", "emailAddress": "paydev@corp.example",
         "roles": ["Developer"]},
        {"accountId": "333333333333", "accountName": "search", "emailAddress": "search-team@corp.example",
         "roles": ["ReadOnly"]},
    ])
    login(host)

    def matched(filter_text):
        result = host.cli("ls-accounts", "--filter", filter_text, "--json")
        assert result.returncode == 0, result.stderr
        listing = json.loads(result.stdout)
        assert listing["totalAccounts"] == 3 and listing["filter"] == filter_text
        return sorted(a["accountName"] for a in listing["accounts"])

    assert matched("PAYMENTS") == ["payments-dev", "payments-prod"]
    assert matched("333333") == ["search"]
    assert matched("team@corp") == ["search"]
    assert matched("billing") == ["payments-prod"]
    assert matched("readonly") == ["payments-prod", "search"]
    assert matched("nothing-like-this") == []
    text = host.cli("ls-accounts", "--filter", "nothing-like-this").stdout
    assert "No account matches the filter" in text and "0 of 3 accounts" in text


def test_a_list_that_does_not_fit_says_how_many_were_left_out(host, sso):
    sso.configure(accounts=120, roles=2)
    host.configure(MCP_AWS_SSO_MAX_OUTPUT="3000")
    login(host)
    result = host.cli("ls-accounts", "--json")
    listing = json.loads(result.stdout)
    assert listing["omittedAccounts"] > 0
    assert listing["shownAccounts"] + listing["omittedAccounts"] == 120
    assert len(listing["accounts"]) == 120                           # the structured list is whole
    text = host.cli("ls-accounts").stdout
    assert len(text) <= 3000
    assert f"**{listing['omittedAccounts']} more accounts not shown**" in text
    assert "`filter`" in text


def test_transient_failures_are_retried_without_losing_roles(host, logged_in):
    sso = logged_in
    sso.fail("ListAccountRoles", "InternalServerException", count=2)
    sso.fail("ListAccounts", "TooManyRequestsException", count=1)
    result = host.cli("ls-accounts", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert listing["accountsWithoutRoles"] == 0
    assert all(len(a["roles"]) == 2 for a in listing["accounts"])


def test_an_account_whose_roles_cannot_be_listed_is_reported_not_dropped(host, logged_in):
    sso = logged_in
    sso.fail("ListAccountRoles", "ForbiddenException", count=1, message="No access to this account")

    async def scenario():
        async with host.mcp() as session:
            return (await session.call_tool("aws_sso_ls_accounts", {}),
                    await session.call_tool("aws_sso_ls_accounts", {}))

    first, again = run(scenario)
    assert not first.is_error
    listing = first.structured_content
    assert listing["totalAccounts"] == 3
    assert listing["accountsWithoutRoles"] == 1
    [failed] = [a for a in listing["accounts"] if "rolesError" in a]
    assert "No access to this account" in failed["rolesError"]
    text = text_of(first)
    assert "roles of 1 account(s) could not be listed" in text
    assert f"`{failed['accountId']}`" in text.split("Roles could not be listed")[1]
    # The listing is cached with that account marked: the next call asks for its roles only.
    assert again.structured_content["fromCache"] is True
    assert again.structured_content["accountsWithoutRoles"] == 0
    state = sso.state()
    assert state["calls"]["ListAccounts"] == 1
    assert state["rolesListedFor"][failed["accountId"]] == 2
    assert sum(state["rolesListedFor"].values()) == 4


def test_plugins_get_an_accounts_roles_through_the_host(host, logged_in):
    result = host.cli("testkit-context", "--account-id", "222222222222", "--role-name", "ReadOnly", "--json")
    report = json.loads(result.stdout)
    assert report["roles"] == {"ok": True, "roles": ["ReadOnly", "PowerUser"]}
    missing = json.loads(host.cli("testkit-context", "--account-id", "999999999990", "--json").stdout)
    assert missing["roles"]["ok"] is False and missing["roles"]["kind"] == "not_found"
    assert missing["credentials"]["kind"] == "permission_denied"
