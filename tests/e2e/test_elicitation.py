"""Elicitation from a plugin, on both protocol revisions, through the real plugin ABI.

The test-only conformance plugin (tests/plugins/conformance) asks through plugin-api's one
blocking call (`Host::elicit_form`); the host carries the question:
- on 2025-11-25 (the Python SDK's `ClientSession`, stdio) as a server-to-client `elicitation/create`;
- on 2026-07-28 (the SDK's `Client(mode="2026-07-28")` over HTTP, and raw JSON-RPC) as an
  `InputRequiredResult` whose `requestState` handle resumes the very same plugin call.
Consent on 2026-07-28 is checked against moto here too (accept creates, decline leaves S3 as it was).
"""

from __future__ import annotations

import json
import urllib.request

import anyio
import mcp.types as types
import pytest
from mcp.client.client import Client

from host_harness import HostSetup, make_plugin_dir, text_of
from http_harness import serving
from test_consent import Person, bucket_host, keys_in_bucket  # noqa: F401  (fixtures)
from test_exec_command import ACCOUNT, ROLE, aws_host, moto_url  # noqa: F401  (fixtures)

V2026 = "2026-07-28"


class Named:
    """A person who types a name (or a colour) into every form."""

    def __init__(self):
        self.messages: list[str] = []

    async def __call__(self, context, params):
        self.messages.append(params.message)
        field = "color" if "color" in params.message else "name"
        return types.ElicitResult(action="accept", content={field: "Ada" if field == "name" else "teal"})


@pytest.fixture
def conformance_host(host: HostSetup, tmp_path) -> HostSetup:
    host.plugin_dir = make_plugin_dir(tmp_path / "with-conformance", "conformance", "exec-command")
    return host


def test_plugin_elicits_on_2025_11_25_with_a_server_to_client_request(conformance_host):
    person = Named()

    async def scenario():
        async with conformance_host.mcp(client_options={"elicitation_callback": person}) as session:
            assert session.initialize_result.protocol_version == "2025-11-25"
            one = await session.call_tool("test_input_required_result_elicitation", {})
            two = await session.call_tool("test_input_required_result_multi_round", {})
            return one, two

    one, two = anyio.run(scenario)
    assert text_of(one) == "Hello, Ada!"
    assert text_of(two) == "Done: accept then accept"
    assert person.messages == ["What is your name?", "Step 1: What is your name?", "Step 2: What is your favorite color?"]


def test_plugin_elicitation_without_client_support_is_a_clear_error_on_2025_11_25(conformance_host):
    async def scenario():
        async with conformance_host.mcp() as session:
            return await session.call_tool("test_input_required_result_elicitation", {})

    result = anyio.run(scenario)
    assert result.is_error
    assert "does not support elicitation (form mode)" in text_of(result)


def test_plugin_elicits_on_2026_07_28_with_input_required_rounds(conformance_host):
    person = Named()
    with serving(conformance_host, "--host", "127.0.0.1", "--port", "0") as server:
        async def scenario():
            async with Client(server.url, mode=V2026, elicitation_callback=person) as client:
                assert client.protocol_version == V2026
                one = await client.call_tool("test_input_required_result_elicitation", {})
                two = await client.call_tool("test_input_required_result_multi_round", {})
                prompt = await client.get_prompt("test_input_required_result_prompt", {})
                return one, two, prompt

        one, two, prompt = anyio.run(scenario)
    assert text_of(one) == "Hello, Ada!"
    assert text_of(two) == "Done: accept then accept"
    assert prompt.messages[0].content.text == "Context: "
    assert person.messages[:3] == ["What is your name?", "Step 1: What is your name?", "Step 2: What is your favorite color?"]


# ------------------------------------------------------------------ raw JSON-RPC, 2026-07-28


def post(url: str, method: str, params: dict, ident: int = 1) -> dict:
    """One stateless 2026-07-28 request; returns the JSON-RPC response (from JSON or SSE)."""
    meta = {"io.modelcontextprotocol/protocolVersion": V2026,
            "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}}
    body = {"jsonrpc": "2.0", "id": ident, "method": method, "params": {**params, "_meta": meta}}
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
               "MCP-Protocol-Version": V2026, "Mcp-Method": method}
    if "name" in params:
        headers["Mcp-Name"] = params["name"]
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as error:
        text = error.read().decode()
    for line in text.splitlines():
        if line.startswith("data:") and line[5:].strip():
            return json.loads(line[5:])
    return json.loads(text)


def test_raw_rounds_resume_the_same_call_and_refuse_forged_replayed_or_mismatched_state(conformance_host):
    tool = {"name": "test_input_required_result_elicitation", "arguments": {}}
    answer = {"user_name": {"action": "accept", "content": {"name": "Grace"}}}
    with serving(conformance_host, "--host", "127.0.0.1", "--port", "0") as server:
        first = post(server.url, "tools/call", tool)["result"]
        assert first["resultType"] == "input_required"
        assert first["inputRequests"]["user_name"]["method"] == "elicitation/create"
        state = first["requestState"]

        forged = post(server.url, "tools/call", {**tool, "inputResponses": answer, "requestState": state + "-TAMPERED"})
        assert forged["error"]["code"] == -32602
        other_args = post(server.url, "tools/call", {**tool, "arguments": {"x": 1}, "inputResponses": answer,
                                                     "requestState": state})
        assert "error" in other_args
        partial = post(server.url, "tools/call", {**tool, "inputResponses": {"unrelated": answer["user_name"]},
                                                  "requestState": state})["result"]
        assert partial["resultType"] == "input_required" and "user_name" in partial["inputRequests"]
        state = partial["requestState"]

        done = post(server.url, "tools/call", {**tool, "inputResponses": answer, "requestState": state})["result"]
        assert done["content"][0]["text"] == "Hello, Grace!"
        replayed = post(server.url, "tools/call", {**tool, "inputResponses": answer, "requestState": state})
        assert replayed["error"]["code"] == -32602


# ------------------------------------------------------------------ consent on 2026-07-28, moto


def consent_call(server_url: str, person, command: str):
    async def scenario():
        async with Client(server_url, mode=V2026, elicitation_callback=person) as client:
            return await client.call_tool("aws_sso_exec_command", {"accountId": ACCOUNT, "roleName": ROLE, "command": command})

    return anyio.run(scenario)


def test_consent_on_2026_07_28_accept_creates_and_decline_changes_nothing(bucket_host):
    bucket = bucket_host.extra_env["TEST_BUCKET"]
    with serving(bucket_host, "--host", "127.0.0.1", "--port", "0", MCP_AWS_SSO_CONFIRM="mutations") as server:
        accepting = Person("accept")
        created = consent_call(server.url, accepting, f"aws s3api put-object --bucket {bucket} --key via-2026.txt")
        assert not created.is_error, text_of(created)
        assert len(accepting.messages) == 1 and f"Account: {ACCOUNT}" in accepting.messages[0]

        declining = Person("decline")
        refused = consent_call(server.url, declining, f"aws s3 rm s3://{bucket}/keep.txt")
        assert refused.is_error and "declined" in text_of(refused)
        assert len(declining.messages) == 1
    assert keys_in_bucket(bucket_host) == {"keep.txt", "via-2026.txt"}


# ------------------------------------------------------------------ aws_sso_login, URL mode


def test_login_offers_its_url_through_url_mode_elicitation(sso, host):
    seen = []

    async def person(context, params):
        seen.append(params)
        return types.ElicitResult(action="accept")

    async def scenario(options):
        async with host.mcp(client_options=options) as session:
            return await session.call_tool("aws_sso_login", {"launchBrowser": False, "autoPoll": False})

    result = anyio.run(scenario, {"elicitation_callback": person})
    text = text_of(result)
    assert not result.is_error, text
    [params] = seen
    assert params.mode == "url"
    assert params.url.startswith("http") and params.url in text
    assert "answer: accept" in text

    # A client without elicitation gets the code and URL in the result only.
    plain = text_of(anyio.run(scenario, {}))
    assert "offered through your MCP client" not in plain
