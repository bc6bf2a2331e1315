"""MCP over streamable HTTP, driven like a user would: the real binary on loopback, the Python
`mcp` SDK's streamable HTTP client, and hand-made HTTP requests for what a browser or an
attacker would send (a foreign Origin, a rebinding Host, no token).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time

import anyio
import httpx2
import pytest

from host_harness import HOST_BINARY, text_of
from http_harness import raw_post, serving
from sso_helpers import cached_secrets


@contextlib.asynccontextmanager
async def http_session(url: str, token: str | None = None, **session_args):
    """An initialized MCP `ClientSession` over streamable HTTP."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with create_mcp_http_client(headers=headers) as client:
        async with streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write, **session_args) as session:
                await session.initialize()
                yield session


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


@pytest.fixture
def server(host, tmp_path):
    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err") as running:
        yield running


def test_tools_list_over_http(server):
    async def scenario():
        async with http_session(server.url) as session:
            return {tool.name: tool for tool in (await session.list_tools()).tools}

    tools = run(scenario)
    for name in ("testkit_slow", "testkit_context", "aws_sso_check_access"):
        assert name in tools, f"{name} missing from {sorted(tools)}"
    assert tools["testkit_slow"].title == "Slow call"
    assert tools["testkit_slow"].input_schema["required"] == ["steps"]


def test_tool_call_with_progress_over_http(server):
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, total, message))

    async def scenario():
        async with http_session(server.url) as session:
            return await session.call_tool("testkit_slow", {"steps": 5, "stepMs": 20}, progress_callback=on_progress)

    result = run(scenario)
    assert not result.is_error
    assert text_of(result) == "finished 5 steps"
    assert result.structured_content == {"steps": 5}
    assert updates == [(float(i), 5.0, f"step {i} of 5") for i in range(1, 6)]


def test_cancelling_a_call_over_http_reaches_the_plugin_and_the_session_keeps_serving(server, tmp_path):
    marker = tmp_path / "cancelled.txt"

    async def scenario():
        async with http_session(server.url) as session:
            with anyio.move_on_after(0.6):
                await session.call_tool("testkit_slow", {"steps": 200, "stepMs": 50, "cancelMarker": str(marker)})
            with anyio.fail_after(10):
                while not marker.exists():
                    await anyio.sleep(0.05)
            after = await session.call_tool("testkit_slow", {"steps": 1, "stepMs": 1})
            return text_of(after)

    assert run(scenario) == "finished 1 steps"
    steps_done_before_cancel = int(marker.read_text().split()[3])
    assert steps_done_before_cancel < 200


# MCP logging is deprecated from protocol 2026-07-28 on; clients of earlier revisions still use it.
@pytest.mark.filterwarnings("ignore:The logging capability is deprecated")
def test_log_messages_reach_an_http_client_that_set_a_level(server):
    received = []
    silent = []

    async def on_log(params):
        received.append(params)

    async def on_other_log(params):
        silent.append(params)

    async def scenario():
        async with http_session(server.url, logging_callback=on_log) as session, http_session(
            server.url, logging_callback=on_other_log
        ) as quiet:
            await session.call_tool("testkit_context", {})  # before setLevel: nothing is sent
            await anyio.sleep(0.3)
            assert received == []
            await session.set_logging_level("info")
            await session.call_tool("testkit_context", {})
            with anyio.fail_after(5):
                while not received:
                    await anyio.sleep(0.05)
            await session.set_logging_level("error")
            await quiet.call_tool("testkit_context", {})
            await session.call_tool("testkit_context", {})
            await anyio.sleep(0.3)

    run(scenario)
    assert len(received) == 1, received
    assert received[0].level == "info"
    assert received[0].logger == "plugin:testkit"
    assert received[0].data == "testkit_context called"
    # A session that never asked for log messages gets none.
    assert silent == []


@pytest.mark.filterwarnings("ignore:The logging capability is deprecated")
def test_a_client_does_not_receive_log_lines_of_another_clients_calls(server):
    """Several clients share one HTTP server; what a call logs goes to its own client only."""
    mine, theirs = [], []

    async def on_mine(params):
        mine.append(params)

    async def on_theirs(params):
        theirs.append(params)

    async def scenario():
        async with http_session(server.url, logging_callback=on_mine) as a, http_session(
            server.url, logging_callback=on_theirs
        ) as b:
            await a.set_logging_level("debug")
            await b.set_logging_level("debug")
            await b.call_tool("testkit_context", {})
            with anyio.fail_after(5):
                while not theirs:
                    await anyio.sleep(0.05)
            await anyio.sleep(0.3)

    run(scenario)
    assert [m.data for m in theirs] == ["testkit_context called"]
    assert [m for m in mine if m.logger == "plugin:testkit"] == []


def test_several_clients_at_once_each_get_their_own_session(server):
    progress: dict[int, list[float]] = {i: [] for i in range(4)}

    async def one_client(i: int, results: dict):
        async def on_progress(done, total, message):
            progress[i].append(done)

        async with http_session(server.url) as session:
            steps = 3 + i
            result = await session.call_tool("testkit_slow", {"steps": steps, "stepMs": 30}, progress_callback=on_progress)
            results[i] = (steps, result)

    async def scenario():
        results: dict = {}
        async with anyio.create_task_group() as group:
            for i in range(4):
                group.start_soon(one_client, i, results)
        return results

    results = run(scenario)
    for i, (steps, result) in results.items():
        assert not result.is_error
        assert result.structured_content == {"steps": steps}
        # Each client saw exactly its own call's progress, none of the others'.
        assert progress[i] == [float(n) for n in range(1, steps + 1)], (i, progress[i])

    sessions = {raw_post(server.port).headers.get("mcp-session-id") for _ in range(3)}
    assert None not in sessions and len(sessions) == 3


def test_a_browser_page_on_another_origin_is_refused(server):
    foreign = raw_post(server.port, headers={"Origin": "http://evil.example.com"})
    assert foreign.status == 403, foreign
    # Same host, other port: another site on this machine is another origin too.
    other_port = raw_post(server.port, headers={"Origin": f"http://127.0.0.1:{server.port + 1}"})
    assert other_port.status == 403, other_port
    # The server's own origin, and a client that sends no Origin at all, are served.
    own = raw_post(server.port, headers={"Origin": f"http://127.0.0.1:{server.port}"})
    assert own.status == 200, own
    assert raw_post(server.port, headers={"Origin": f"http://localhost:{server.port}"}).status == 200
    assert raw_post(server.port).status == 200


def test_refusals_are_logged_with_the_header_as_sent(server):
    """The log names what a person can search for, never the server's internal structures."""
    for origin in ("http://evil.example.com", "https://attacker.test:8443", "null"):
        assert raw_post(server.port, headers={"Origin": origin}).status == 403
    assert raw_post(server.port, host="rebind.attacker.test:1234").status == 403
    log = server.stderr()
    assert "origin=http://evil.example.com" in log, log
    assert "origin=https://attacker.test:8443" in log, log
    assert "origin=null" in log, log
    assert "host=rebind.attacker.test:1234" in log, log
    for internal in ("Tuple {", "NormalizedOrigin", "NormalizedAuthority", "scheme:", "Null"):
        assert internal not in log, log


def test_a_rebinding_host_header_is_refused(server):
    rebound = raw_post(server.port, host=f"evil.example.com:{server.port}")
    assert rebound.status == 403, rebound
    assert raw_post(server.port, host="attacker.test").status == 403
    assert raw_post(server.port, host=f"localhost:{server.port}").status == 200


@pytest.mark.parametrize("how", ["env", "flag", "file"])
def test_a_configured_token_is_required(host, tmp_path, how):
    token = "s3cret-token-for-test-" + how
    if how == "env":
        context = serving(host, "--port", "0", stderr_path=tmp_path / "server.err", MCP_AWS_SSO_HTTP_TOKEN=token)
    elif how == "flag":
        context = serving(host, "--port", "0", "--token", token, stderr_path=tmp_path / "server.err")
    else:
        token_file = tmp_path / "token"
        token_file.write_text(token + "\n")  # as `echo` writes it: the newline is not part of the token
        token_file.chmod(0o600)
        # The file wins over the environment; the environment's token is then refused.
        context = serving(
            host, "--port", "0", "--token-file", str(token_file), stderr_path=tmp_path / "server.err",
            MCP_AWS_SSO_HTTP_TOKEN="the-environment-token",
        )
    with context as server:
        missing = raw_post(server.port)
        assert missing.status == 401, missing
        assert missing.headers.get("www-authenticate") == "Bearer"
        assert "MCP_AWS_SSO_HTTP_TOKEN" in missing.body
        wrong = raw_post(server.port, headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status == 401
        not_bearer = raw_post(server.port, headers={"Authorization": f"Basic {token}"})
        assert not_bearer.status == 401
        good = raw_post(server.port, headers={"Authorization": f"Bearer {token}"})
        assert good.status == 200, good
        if how == "file":
            assert raw_post(server.port, headers={"Authorization": "Bearer the-environment-token"}).status == 401

        async def scenario():
            async with http_session(server.url, token=token) as session:
                return [tool.name for tool in (await session.list_tools()).tools]

        assert "testkit_slow" in run(scenario)

        async def without_token():
            async with http_session(server.url) as session:
                await session.list_tools()

        # The SDK reports the 401 as a failed initialize (MCPError -32603 in mcp 2.3.0).
        with pytest.raises(Exception, match="error"):
            run(without_token)
        stderr = server.stderr()
    # The token is a secret: the server never prints it.
    assert token not in stderr
    assert "WARNING" not in stderr
    # A token on the command line is in `ps` for every local user: said once, with what to use instead.
    assert ("--token is visible" in stderr) == (how == "flag"), stderr
    if how == "flag":
        assert "MCP_AWS_SSO_HTTP_TOKEN" in stderr and "--token-file" in stderr


def test_the_bearer_scheme_is_case_insensitive_and_nothing_else_passes(host, tmp_path):
    """RFC 6750: `bearer`, `BEARER` are the same scheme; lookalikes a client might try are not."""
    token = "case-test-token"
    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err", MCP_AWS_SSO_HTTP_TOKEN=token) as server:
        accepted = {
            value: raw_post(server.port, headers={"Authorization": value}).status
            for value in (f"Bearer {token}", f"bearer {token}", f"BEARER {token}", f"bEaReR {token}", f"Bearer  {token}")
        }
        refused = {
            value: raw_post(server.port, headers={"Authorization": value}).status
            for value in (
                f"Bearer{token}",
                f"Basic {token}",
                f"Bearer {token}x",
                f"Bearer {token[:-1]}",
                f"Bearer {token.upper()}",  # the token itself is case-sensitive
                f"Token {token}",
                token,
                "Bearer ",
            )
        }
    assert all(status == 200 for status in accepted.values()), accepted
    assert all(status == 401 for status in refused.values()), refused


def test_an_unreadable_or_empty_token_file_stops_the_server_with_a_clear_message(host, tmp_path):
    empty = tmp_path / "empty-token"
    empty.write_text("\n")
    for path, expected in ((tmp_path / "missing", "cannot read the --token-file"), (empty, "is empty")):
        result = subprocess.run(
            [str(HOST_BINARY), "serve", "--transport", "http", "--port", "0", "--token-file", str(path)],
            env=host.env(), capture_output=True, text=True, timeout=60,
        )
        assert result.returncode != 0
        assert expected in result.stderr and "MCP_AWS_SSO_HTTP_TOKEN" in result.stderr, result.stderr


def test_binding_every_interface_without_a_token_warns_loudly(host, tmp_path):
    with serving(host, "--host", "0.0.0.0", "--port", "0", stderr_path=tmp_path / "open.err") as server:
        warning = [line for line in server.stderr().splitlines() if line.startswith("WARNING")]
        assert warning, server.stderr()
        assert "without a bearer token" in warning[0] and "MCP_AWS_SSO_HTTP_TOKEN" in warning[0]
        # Still served on loopback (all traffic of this test stays on this machine).
        assert raw_post(server.port).status == 200
    with serving(
        host, "--host", "0.0.0.0", "--port", "0", stderr_path=tmp_path / "guarded.err", MCP_AWS_SSO_HTTP_TOKEN="t0ken-x"
    ) as server:
        assert "WARNING" not in server.stderr()
        assert raw_post(server.port).status == 401


def test_loopback_without_a_token_does_not_warn(server):
    assert "WARNING" not in server.stderr()
    assert server.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_server_cleanly_even_with_a_client_connected(server, sig):
    async def scenario():
        async with http_session(server.url) as session:
            await session.list_tools()
            # A client holds a session (and its GET event stream) open while the server stops.
            assert server.stop(sig, timeout=15) == 0

    with contextlib.suppress(Exception):
        # The client may see its stream end; only the server's exit matters here.
        run(scenario)
    assert server.process.returncode == 0, server.stderr()
    assert "panicked" not in server.stderr()


def test_port_comes_from_the_environment(host, tmp_path, free_port):
    port = free_port()
    with serving(host, stderr_path=tmp_path / "server.err", PORT=str(port)) as server:
        assert server.port == port
        assert server.url == f"http://127.0.0.1:{port}/mcp"
        assert raw_post(port).status == 200


def test_transport_mode_http_serves_http_without_the_serve_verb(host, tmp_path, free_port):
    port = free_port()
    err = tmp_path / "server.err"
    with open(err, "wb") as stderr:
        process = subprocess.Popen(
            [str(HOST_BINARY)],
            env=host.env(TRANSPORT_MODE="http", PORT=str(port)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 30
        while f"127.0.0.1:{port}/mcp" not in err.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, err.read_text()
            time.sleep(0.05)
        assert raw_post(port).status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sessions_end_when_clients_leave_and_new_clients_are_served(server):
    async def one_round():
        async with http_session(server.url) as session:
            result = await session.call_tool("testkit_slow", {"steps": 1, "stepMs": 1})
            return text_of(result)

    for _ in range(5):
        assert run(one_round) == "finished 1 steps"
    # A session id the server ended (or never issued) is refused, not silently recreated.
    stale = raw_post(
        server.port,
        body={"jsonrpc": "2.0", "id": 9, "method": "tools/list"},
        headers={"Mcp-Session-Id": "no-such-session", "Mcp-Protocol-Version": "2025-06-18"},
    )
    assert stale.status in (400, 404), stale


def test_requests_the_http_client_library_sends_by_default_are_served(server):
    # No MCP SDK: a plain HTTP client POSTing JSON-RPC gets an SSE-framed JSON-RPC answer.
    with httpx2.Client(timeout=10) as client:
        response = client.post(
            server.url,
            json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "plain", "version": "1"}}},
            headers={"Accept": "application/json, text/event-stream"},
        )
    assert response.status_code == 200
    assert '"serverInfo"' in response.text and '"mcp-aws-sso"' in response.text


def test_a_background_login_completes_after_the_client_that_started_it_left(host, sso, tmp_path):
    sso.configure(approval="manual")

    async def start_login(url):
        async with http_session(url) as session:
            started = await session.call_tool("aws_sso_login", {"launchBrowser": False, "autoPoll": True})
            return started.structured_content

    async def wait_until_signed_in(url):
        async with http_session(url) as session:
            with anyio.fail_after(60):
                while True:
                    status = await session.call_tool("aws_sso_status", {})
                    if status.structured_content["authenticated"]:
                        return status.structured_content
                    await anyio.sleep(0.3)

    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err") as server:
        started = run(start_login, server.url)
        assert started["status"] == "pending", started
        # The client that asked is gone; the user approves in the browser only now.
        assert sso.approve(started["userCode"]) == [started["userCode"]]
        status = run(wait_until_signed_in, server.url)
        assert status["state"] == "authenticated"
        assert server.stop() == 0
    secrets = cached_secrets(host.home)
    assert secrets, "the login cached no token"
    assert not [s for s in secrets if s in server.stderr()], "a secret reached the server's log"
