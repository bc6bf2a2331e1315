"""The HTTP transport's caps, attacked as a flood of clients would: past each cap the request is
refused at once with an HTTP status and a JSON-RPC error that name the limit (its key, value and
source), and the server answers normally afterwards. The held calls are the testkit's
`testkit_stubborn`, which sleeps until the host's call timeout answers for it."""

from __future__ import annotations

import json
import threading
import time

import anyio

from http_harness import INITIALIZE, RawSession, json_rpc_of, raw_request, serving
from test_http_transport import http_session

# A call that holds its slot until the host's timeout answers it: long enough that a loaded
# machine still sees it running between two probes.
HELD = {"seconds": 60, "timeoutSeconds": 15}
WAIT = 120  # seconds to wait for something to happen; a slow machine only waits longer


def assert_refused_by(response, status: int, key: str, value: int):
    assert response.status == status, response
    error = json_rpc_of(response)["error"]
    assert error["data"]["limit"] == key, error
    assert error["data"]["value"] == value
    assert key in error["message"] and "from the environment" in error["message"], error


def until(probe, done, what: str):
    """Repeats `probe()` until `done(result)`; fails after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while True:
        result = probe()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: last answer {result}")
        time.sleep(0.1)


def in_background(fn):
    results = []
    thread = threading.Thread(target=lambda: results.append(fn()), daemon=True)
    thread.start()
    return thread, results


def hold_a_call(busy, probe):
    """Starts a stubborn call on `busy` and repeats `probe()` until a probe is refused; returns
    (thread, held, refusal). A probe that happens to hold the only slot when the stubborn call
    arrives gets the stubborn call refused instead: then the stubborn call is started again."""
    deadline = time.monotonic() + WAIT
    thread, held = in_background(lambda: busy.call("testkit_stubborn", HELD))
    while True:
        result = probe()
        if result.status != 200:
            return thread, held, result
        if held and held[0].status != 200:
            thread, held = in_background(lambda: busy.call("testkit_stubborn", HELD))
        if time.monotonic() > deadline:
            raise AssertionError(f"the held call never took its slot: last answer {result}, held {held}")
        time.sleep(0.05)


def test_a_body_over_the_cap_is_refused_with_413_and_the_server_keeps_serving(host, tmp_path):
    big = dict(INITIALIZE, params=dict(INITIALIZE["params"], clientInfo={"name": "x" * 5000, "version": "1"}))
    payload = json.dumps(big).encode()
    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err", MCP_AWS_SSO_HTTP_MAX_BODY="4096") as server:
        declared = raw_request(server.port, payload=payload)
        # Without Content-Length the size is only known while reading: still refused.
        chunked = raw_request(server.port, payload=payload, chunked=True)
        session = RawSession(server.port)
        normal = session.initialize()
        called = session.call("testkit_noop")
    for refused in (declared, chunked):
        assert_refused_by(refused, 413, "MCP_AWS_SSO_HTTP_MAX_BODY", 4096)
    assert normal.status == 200, normal
    assert called.status == 200 and json_rpc_of(called)["result"]["content"][0]["text"] == "ok"


def test_sessions_past_the_cap_are_refused_with_503_until_one_closes(host, tmp_path):
    env = {"MCP_AWS_SSO_HTTP_MAX_SESSIONS": "2"}
    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err", **env) as server:
        first, second = RawSession(server.port), RawSession(server.port)
        assert first.initialize().status == 200 and second.initialize().status == 200
        refused = [RawSession(server.port).initialize() for _ in range(3)]

        async def python_client():
            try:
                async with http_session(server.url) as session:
                    await session.list_tools()
                return "connected"
            except Exception as error:  # the SDK wraps the 503 in its own exception types
                return f"refused: {error!r}"

        python = anyio.run(python_client)
        # The open sessions keep working while others are refused.
        still = first.call("testkit_noop")
        assert first.close().status in (200, 202, 204)
        third = RawSession(server.port)
        until(third.initialize, lambda r: r.status == 200, "a place freed by DELETE")
        after = third.call("testkit_noop")
    for response in refused:
        assert_refused_by(response, 503, "MCP_AWS_SSO_HTTP_MAX_SESSIONS", 2)
        assert response.headers.get("retry-after") == "1"
    assert python.startswith("refused"), python
    assert still.status == 200
    assert after.status == 200 and json_rpc_of(after)["result"]["content"][0]["text"] == "ok"


def test_an_idle_session_expires_and_gives_its_place_back(host, tmp_path):
    env = {"MCP_AWS_SSO_HTTP_MAX_SESSIONS": "1", "MCP_AWS_SSO_HTTP_SESSION_IDLE": "2"}
    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err", **env) as server:
        idle = RawSession(server.port)
        assert idle.initialize().status == 200
        newcomer = RawSession(server.port)
        # Refused while the idle one holds the only place, then let in once it expired.
        first_try = newcomer.initialize()
        until(newcomer.initialize, lambda r: r.status == 200, "the idle session to expire")
        called = newcomer.call("testkit_noop")
        expired = idle.call("testkit_noop")
    assert first_try.status in (200, 503)  # 200 only if the machine stalled past the idle time
    assert called.status == 200
    assert expired.status == 404, expired  # rmcp: the session is gone


def test_calls_past_the_per_session_cap_are_refused_with_429_while_others_run(host, tmp_path):
    env = {"MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION": "1", "MCP_AWS_SSO_HTTP_MAX_CALLS": "10"}
    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err", **env) as server:
        busy, other = RawSession(server.port), RawSession(server.port)
        assert busy.initialize().status == 200 and other.initialize().status == 200
        thread, held, refused = hold_a_call(busy, lambda: busy.call("testkit_noop"))
        elsewhere = other.call("testkit_noop")
        thread.join(WAIT)
        after = busy.call("testkit_noop")
    assert_refused_by(refused, 429, "MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION", 1)
    assert json_rpc_of(refused)["id"] is not None  # the refusal answers the call it refused
    assert elsewhere.status == 200
    assert held and "timeout" in json_rpc_of(held[0])["result"]["content"][0]["text"]
    assert after.status == 200 and json_rpc_of(after)["result"]["content"][0]["text"] == "ok"


def test_calls_past_the_total_cap_are_refused_with_429_in_every_session(host, tmp_path):
    env = {"MCP_AWS_SSO_HTTP_MAX_CALLS": "1"}
    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err", **env) as server:
        busy, other = RawSession(server.port), RawSession(server.port)
        assert busy.initialize().status == 200 and other.initialize().status == 200
        thread, held, refused = hold_a_call(busy, lambda: other.call("testkit_noop"))
        # Listing tools is not a tool call: never capped.
        listed = other.send({"jsonrpc": "2.0", "id": 99, "method": "tools/list"})
        thread.join(WAIT)
        after = other.call("testkit_noop")
    assert_refused_by(refused, 429, "MCP_AWS_SSO_HTTP_MAX_CALLS", 1)
    assert listed.status == 200
    assert held
    assert after.status == 200 and json_rpc_of(after)["result"]["content"][0]["text"] == "ok"
