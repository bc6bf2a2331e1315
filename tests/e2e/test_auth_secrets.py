"""No secret ever reaches a log, an error or a tool result, not even with DEBUG=true.

A whole session runs with debug logging — CLI login, a refresh, listings, role credentials through
a plugin, an MCP login with background polling, status, failures — and every access token,
refresh token, client secret, secret access key and session token the host cached along the way
is looked for in everything it printed.
"""

from __future__ import annotations

import json

import anyio

from host_harness import text_of
from sso_helpers import cached_secrets, login, read_token, token_path, wait_until_authenticated


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def test_no_secret_in_stderr_logs_or_results_with_debug(host, sso, tmp_path):
    debug = {"DEBUG": "true"}
    outputs: list[str] = []
    secrets: set[str] = set()

    def cli(*args):
        result = host.cli(*args, **debug)
        outputs.extend([result.stdout, result.stderr])
        secrets.update(cached_secrets(host.home))
        return result

    def expire_soon():
        token = read_token(host.home)
        token["expiresAt"] = "2000-01-01T00:00:00Z"           # expired: forces a refresh
        token_path(host.home).write_text(json.dumps(token))

    outputs.append(login(host, **debug).stderr)
    secrets.update(cached_secrets(host.home))
    assert "DEBUG" in outputs[-1] or "debug" in outputs[-1].lower(), "debug logging was not on"
    cli("ls-accounts")
    cli("testkit-context", "--account-id", "111111111111", "--role-name", "ReadOnly")
    cli("testkit-context", "--account-id", "111111111111", "--role-name", "NoSuchRole")
    expire_soon()
    cli("status")                                              # refreshes: new access token
    sso.expire_tokens()
    cli("ls-accounts", "--refresh")                            # 401, refresh, retry
    sso.configure(approval="manual")
    errlog_path = tmp_path / "mcp-stderr.log"

    async def scenario():
        with errlog_path.open("w") as errlog:
            async with host.mcp(errlog=errlog, **debug) as session:
                results = [await session.call_tool("aws_sso_logout", {})]
                results.append(await session.call_tool("aws_sso_login", {"launchBrowser": False}))
                sso.approve(results[-1].structured_content["userCode"])
                results.append(await wait_until_authenticated(session))
                secrets.update(cached_secrets(host.home))
                results.append(await session.call_tool("testkit_context", {"accountId": "222222222222",
                                                                           "roleName": "PowerUser"}))
                results.append(await session.call_tool("aws_sso_ls_accounts", {"refresh": True}))
                secrets.update(cached_secrets(host.home))
                return results

    results = run(scenario)
    outputs.extend(text_of(r) for r in results)
    outputs.extend(json.dumps(r.structured_content) for r in results if r.structured_content)
    outputs.append(errlog_path.read_text())

    # Every kind of secret was really produced, so the search below means something.
    assert len(secrets) >= 10, len(secrets)
    everything = "\n".join(outputs)
    assert "sso" in everything.lower()
    leaked = [secret[:6] + "…" for secret in secrets if secret in everything]
    assert not leaked, f"secrets found in output: {leaked}"
