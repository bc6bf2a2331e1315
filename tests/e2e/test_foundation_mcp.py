"""The MCP server as a client sees it: listing, plugin calls, progress, cancellation, errors.

A real MCP client (the Python SDK) talks to the real binary over stdio, with the bundled plugins
and the test-only `testkit` plugin loaded, and no AWS configuration at all.
"""

from __future__ import annotations

import json
import subprocess
import time

import anyio
import pytest

from host_harness import HOST_BINARY, text_of


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def test_tools_list_answers_with_nothing_configured(host):
    async def scenario():
        async with host.mcp() as session:
            listed = await session.list_tools()
            return {tool.name: tool for tool in listed.tools}

    tools = run(scenario)
    for name in ("testkit_slow", "testkit_panic", "aws_sso_check_access"):
        assert name in tools, f"{name} missing from {sorted(tools)}"
    check = tools["aws_sso_check_access"]
    assert check.title == "AWS SSO Check Role Access"
    assert check.annotations.read_only_hint is True
    assert check.input_schema["required"] == ["accountId"]
    assert check.output_schema["type"] == "object"


def test_plugin_call_reports_progress_in_order(host):
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, total, message))

    async def scenario():
        async with host.mcp() as session:
            return await session.call_tool("testkit_slow", {"steps": 4, "stepMs": 20}, progress_callback=on_progress)

    result = run(scenario)
    assert not result.is_error
    assert text_of(result) == "finished 4 steps"
    assert result.structured_content == {"steps": 4}
    assert [u[0] for u in updates] == [1, 2, 3, 4]
    assert all(u[1] == 4 for u in updates)
    assert updates[-1][2] == "step 4 of 4"


def test_cancelling_a_slow_call_reaches_the_plugin_and_the_server_keeps_serving(host, tmp_path):
    marker = tmp_path / "cancelled.txt"

    async def scenario():
        async with host.mcp() as session:
            with anyio.move_on_after(0.6):
                await session.call_tool("testkit_slow", {"steps": 200, "stepMs": 50, "cancelMarker": str(marker)})
            # The plugin notices on its next step; give it a moment, then check the server answers.
            with anyio.fail_after(10):
                while not marker.exists():
                    await anyio.sleep(0.05)
            after = await session.call_tool("testkit_slow", {"steps": 1, "stepMs": 1})
            return text_of(after)

    assert run(scenario) == "finished 1 steps"
    text = marker.read_text()
    assert text.startswith("cancelled before step ")
    assert int(text.split()[3]) < 200


def test_invalid_arguments_are_a_tool_error_naming_the_field(host):
    async def scenario():
        async with host.mcp() as session:
            wrong_type = await session.call_tool("testkit_slow", {"steps": "many"})
            missing = await session.call_tool("testkit_slow", {})
            unknown = await session.call_tool("no_such_tool", {})
            return wrong_type, missing, unknown

    wrong_type, missing, unknown = run(scenario)
    assert wrong_type.is_error and "`steps`" in text_of(wrong_type) and "integer" in text_of(wrong_type)
    assert missing.is_error and "steps" in text_of(missing) and "required" in text_of(missing)
    assert unknown.is_error and "Unknown tool `no_such_tool`" in text_of(unknown)


def test_a_panicking_plugin_is_an_error_and_the_server_survives(host):
    async def scenario():
        async with host.mcp() as session:
            crashed = await session.call_tool("testkit_panic", {})
            again = await session.call_tool("testkit_panic", {})
            listed = await session.list_tools()
            ok = await session.call_tool("testkit_slow", {"steps": 1, "stepMs": 1})
            return crashed, again, listed, ok

    crashed, again, listed, ok = run(scenario)
    assert crashed.is_error and again.is_error
    assert "crashed while running `testkit_panic`" in text_of(crashed)
    assert "testkit was asked to panic" in text_of(crashed)
    assert any(t.name == "testkit_panic" for t in listed.tools)
    assert not ok.is_error


def test_typed_errors_and_failed_outputs_set_is_error(host):
    async def scenario():
        async with host.mcp() as session:
            typed = await session.call_tool("testkit_error", {"kind": "permission_denied", "message": "no access to x"})
            failed = await session.call_tool("testkit_failed_output", {})
            return typed, failed

    typed, failed = run(scenario)
    assert typed.is_error and "permission_denied" in text_of(typed) and "no access to x" in text_of(typed)
    assert failed.is_error and failed.structured_content == {"exitCode": 3}


def test_host_context_answers_plugins_without_any_login(host):
    """Plugins get honest answers from the host context: config, region, endpoints, and a
    'not logged in' error (never fake credentials) when there is no SSO session."""
    host.configure(AWS_REGION="eu-west-3")

    async def scenario():
        async with host.mcp(AWS_ENDPOINT_URL_SSM="http://127.0.0.1:9/ssm", MCP_AWS_SSO_READ_ONLY="true") as session:
            return await session.call_tool("testkit_context", {"service": "ssm"})

    result = run(scenario)
    report = result.structured_content
    assert report["defaultRegion"] == "eu-west-3"
    assert report["endpointUrl"] == "http://127.0.0.1:9/ssm"
    assert report["readOnly"] is True
    assert report["hostInfo"]["abi"] == "1.1.0"
    assert "input/request" in report["hostInfo"]["extensions"]
    assert report["credentials"]["ok"] is False
    assert report["credentials"]["kind"] == "not_logged_in"
    assert "aws_sso_login" in report["credentials"]["message"]


def raw_session(host, *messages: dict, wait: float = 1.5) -> tuple[list[dict], str]:
    """Sends raw JSON-RPC lines to the server and collects every line it writes to stdout."""
    payload = "".join(json.dumps(m) + "\n" for m in messages)
    proc = subprocess.Popen(
        [str(HOST_BINARY)], env=host.env(DEBUG="true"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    proc.stdin.write(payload)
    proc.stdin.flush()
    time.sleep(wait)
    out, err = proc.communicate(timeout=10)  # closes stdin: the server sees EOF and exits
    return [json.loads(line) for line in out.splitlines()], err


def test_unknown_method_before_initialize_gets_a_json_rpc_error(host):
    replies, _ = raw_session(
        host,
        {"jsonrpc": "2.0", "id": 1, "method": "server/nonsense", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}},
    )
    by_id = {r.get("id"): r for r in replies}
    assert "error" in by_id[1], by_id
    assert by_id[2]["result"]["serverInfo"]["name"] == "mcp-aws-sso"


def test_server_discover_probe_is_answered(host):
    replies, _ = raw_session(host, {"jsonrpc": "2.0", "id": 7, "method": "server/discover", "params": {}})
    assert [r["id"] for r in replies] == [7]
    assert "result" in replies[0] or "error" in replies[0]


def test_stdout_carries_only_protocol_messages_even_with_debug_logging(host):
    replies, err = raw_session(
        host,
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "testkit_panic", "arguments": {}}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/list"},
    )
    # Every stdout line parsed as JSON-RPC (raw_session would have raised otherwise).
    assert {r.get("id") for r in replies} == {1, 2, 3}
    assert all(r["jsonrpc"] == "2.0" for r in replies)
    assert "panicked" in err  # the plugin's panic message went to stderr, not stdout


@pytest.mark.parametrize("section", ["aws-sso", "@aashari/mcp-server-aws-sso", "mcp-server-aws-sso"])
def test_every_configs_json_section_name_is_read(host, section):
    from host_harness import write_configs_json

    write_configs_json(host.home, {"AWS_REGION": "ap-south-2"}, section=section)
    out = host.cli("testkit-context", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["defaultRegion"] == "ap-south-2"


def test_environment_overrides_configs_json(host):
    host.configure(AWS_REGION="ap-south-2")
    out = host.cli("testkit-context", "--json", AWS_REGION="sa-east-1")
    assert json.loads(out.stdout)["defaultRegion"] == "sa-east-1"


def test_log_messages_reach_a_client_that_set_a_level(host):
    received = []

    async def on_log(params):
        received.append(params)

    async def scenario():
        from mcp import ClientSession
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(command=str(HOST_BINARY), args=[], env=host.env())
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write, logging_callback=on_log) as session:
                await session.initialize()
                await session.call_tool("testkit_context", {})  # before setLevel: nothing is sent
                await session.set_logging_level("info")
                await session.call_tool("testkit_context", {})
                with anyio.fail_after(5):
                    while not received:
                        await anyio.sleep(0.05)
                await session.set_logging_level("error")
                await session.call_tool("testkit_context", {})
                await anyio.sleep(0.3)

    run(scenario)
    assert len(received) == 1, received
    assert received[0].level == "info"
    assert received[0].logger == "plugin:testkit"
    assert received[0].data == "testkit_context called"
