"""The limits the host enforces on plugins, whatever the plugin does, through a real MCP client
and the real CLI: a call that ignores cancellation is answered with a timeout and the server
keeps serving; abandoned calls are bounded; a flood of output is cut with the full text as an
MCP resource (or a private file on the CLI); read-only mode refuses a tool that is not
read-only without running any of its code. The misbehaving tools are the testkit's."""

from __future__ import annotations

import os
import stat

import anyio
from mcp.shared.exceptions import MCPError

from host_harness import text_of

FLOOD_CHARS = 1_000_000


def flood_text(chars: int) -> str:
    """What testkit_flood returns (tests/plugins/testkit/src/lib.rs)."""
    lines, n, size = [], 0, 0
    while size < chars:
        n += 1
        line = f"line {n:07} {'x' * 50}\n"
        lines.append(line)
        size += len(line)
    return "".join(lines)[:chars]


def test_an_uncooperative_call_times_out_and_the_server_keeps_serving(host, tmp_path):
    marker = tmp_path / "stubborn-finished"

    async def scenario():
        async with host.mcp(MCP_AWS_SSO_CALL_TIMEOUT="3") as session:
            stuck = await session.call_tool("testkit_stubborn", {"seconds": 30, "doneMarker": str(marker)})
            finished_when_answered = marker.exists()
            after = await session.call_tool("testkit_noop", {})
            listed = await session.list_tools()
            return stuck, finished_when_answered, after, listed

    stuck, finished_when_answered, after, listed = anyio.run(scenario)
    assert stuck.is_error
    assert "**timeout**" in text_of(stuck) and "MCP_AWS_SSO_CALL_TIMEOUT" in text_of(stuck)
    assert "3 s" in text_of(stuck)
    assert not finished_when_answered, "the host answered while the plugin was still sleeping"
    assert not after.is_error and text_of(after) == "ok"
    assert any(t.name == "testkit_stubborn" for t in listed.tools)


def test_the_calls_own_timeout_seconds_is_the_limit(host):
    async def scenario():
        async with host.mcp() as session:  # default limit 300 s: the argument must win
            return await session.call_tool("testkit_stubborn", {"seconds": 30, "timeoutSeconds": 1})

    stuck = anyio.run(scenario)
    assert stuck.is_error and "**timeout**" in text_of(stuck) and "timeoutSeconds" in text_of(stuck)


def test_a_model_cannot_stretch_the_limit_of_a_tool_without_timeout_seconds(host):
    """testkit_slow declares no `timeoutSeconds` (nor forbids extra arguments): sending one
    anyway must not lift the host's limit."""

    async def scenario():
        async with host.mcp(MCP_AWS_SSO_CALL_TIMEOUT="1") as session:
            return await session.call_tool("testkit_slow", {"steps": 200, "stepMs": 100, "timeoutSeconds": 3600})

    result = anyio.run(scenario)
    assert result.is_error and "**timeout**" in text_of(result)
    assert "MCP_AWS_SSO_CALL_TIMEOUT" in text_of(result) and "1 s" in text_of(result)


def test_abandoned_calls_are_bounded_and_other_tools_keep_working(host):
    """Each timed-out call keeps a blocking thread; past the bound the plugin's calls are refused."""

    async def scenario():
        async with host.mcp(MCP_AWS_SSO_CALL_TIMEOUT="1") as session:
            results = []

            async def stubborn():
                results.append(await session.call_tool("testkit_stubborn", {"seconds": 60}))

            async with anyio.create_task_group() as group:
                for _ in range(4):
                    group.start_soon(stubborn)
            refused = await session.call_tool("testkit_noop", {})
            other_plugin = await session.call_tool("aws_sso_check_access", {"accountId": "111111111111"})
            return results, refused, other_plugin

    results, refused, other_plugin = anyio.run(scenario)
    assert all(r.is_error and "**timeout**" in text_of(r) for r in results)
    assert refused.is_error and "still running in the background" in text_of(refused)
    assert "testkit" in text_of(refused)
    # Another plugin is not affected by the testkit's stuck calls.
    assert "still running in the background" not in text_of(other_plugin)
    assert "start URL" in text_of(other_plugin), "the template plugin ran (and asked for a start URL)"


def test_the_cli_times_out_too_and_exits_without_waiting_for_the_plugin(host, tmp_path):
    marker = tmp_path / "cli-stubborn-finished"
    out = host.cli("testkit-stubborn", "--seconds", "30", "--done-marker", str(marker), MCP_AWS_SSO_CALL_TIMEOUT="1")
    assert out.returncode == 1
    assert "time limit of 1 s" in out.stderr
    assert not marker.exists(), "the CLI exited while the plugin still slept"


def test_a_megabyte_of_output_is_capped_and_the_full_text_is_a_resource(host):
    async def scenario():
        async with host.mcp() as session:
            capabilities = session.initialize_result.capabilities
            result = await session.call_tool("testkit_flood", {"chars": FLOOD_CHARS})
            links = [c for c in result.content if c.type == "resource_link"]
            listed = await session.list_resources()
            full = await session.read_resource(links[0].uri) if links else None
            return capabilities, result, links, listed, full

    capabilities, result, links, listed, full = anyio.run(scenario)
    assert capabilities.resources is not None, "the server declares the resources capability"
    assert not result.is_error
    text = text_of(result)
    assert len(text) < 41_000, len(text)  # the 40,000 kept plus the note
    assert text.startswith("line 0000001 ")
    assert f"of {FLOOD_CHARS} characters" in text
    assert "MCP_AWS_SSO_MAX_OUTPUT=40000" in text and "resources/read" in text
    assert len(links) == 1 and links[0].uri in text
    assert links[0].uri in [str(r.uri) for r in listed.resources]
    whole = full.contents[0].text
    assert len(whole) == FLOOD_CHARS and whole == flood_text(FLOOD_CHARS)


def test_only_the_last_results_are_kept_oldest_first_out(host):
    async def scenario():
        async with host.mcp(MCP_AWS_SSO_MAX_OUTPUT="10") as session:
            uris = []
            for _ in range(21):
                result = await session.call_tool("testkit_flood", {"chars": 5000})
                uris.append(next(c.uri for c in result.content if c.type == "resource_link"))
            newest = await session.read_resource(uris[-1])
            try:
                await session.read_resource(uris[0])
                evicted = None
            except MCPError as error:
                evicted = error
            return newest, evicted

    newest, evicted = anyio.run(scenario)
    assert newest.contents[0].text == flood_text(5000)
    assert evicted is not None and "keeps the full text of the last 20" in str(evicted)


def test_the_cli_caps_output_and_keeps_the_full_text_in_a_private_file(host):
    out = host.cli("testkit-flood", "--chars", str(FLOOD_CHARS), MCP_AWS_SSO_MAX_OUTPUT="1000")
    assert out.returncode == 0, out.stderr
    assert len(out.stdout) < 2000
    path = out.stderr.split("The full output is in ", 1)[1].split()[0]
    assert path in out.stdout
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600, oct(mode)
    with open(path) as saved:
        assert saved.read() == flood_text(FLOOD_CHARS)
    os.unlink(path)


def test_read_only_mode_refuses_a_tool_that_is_not_read_only_without_running_it(host, tmp_path):
    targets = [tmp_path / f"written-{i}" for i in range(4)]

    async def scenario():
        async with host.mcp(MCP_AWS_SSO_READ_ONLY="true") as session:
            attempts = [
                await session.call_tool("testkit_write_file", {"path": str(targets[0])}),
                # A model trying to talk its way past the mode: extra arguments change nothing.
                await session.call_tool("testkit_write_file", {"path": str(targets[1]), "readOnly": False}),
                await session.call_tool("testkit_write_file", {"path": str(targets[2]), "content": "x", "dryRun": True}),
            ]
            allowed = await session.call_tool("testkit_noop", {})
            return attempts, allowed

    attempts, allowed = anyio.run(scenario)
    for attempt in attempts:
        assert attempt.is_error
        assert "read-only mode" in text_of(attempt) and "Nothing was run" in text_of(attempt)
    assert not allowed.is_error, "read-only tools still run"
    cli = host.cli("testkit-write-file", "--path", str(targets[3]), MCP_AWS_SSO_READ_ONLY="true")
    assert cli.returncode == 1 and "read-only mode" in cli.stderr
    # A plugin section in configs.json cannot loosen the mode either.
    host.configure()
    for target in targets:
        assert not target.exists(), f"{target} was written: plugin code ran in read-only mode"

    # The same call with read-only mode off does write: the refusal above is the mode's doing.
    done = host.cli("testkit-write-file", "--path", str(targets[0]))
    assert done.returncode == 0 and targets[0].exists()


def test_over_http_one_session_cannot_read_another_sessions_full_output(host, tmp_path):
    """Several clients share one HTTP server: a truncated output is a resource of its own session."""
    from http_harness import serving
    from test_http_transport import http_session

    async def scenario(url):
        async with http_session(url) as owner, http_session(url) as other:
            result = await owner.call_tool("testkit_flood", {"chars": 100_000})
            uri = next(c.uri for c in result.content if c.type == "resource_link")
            mine = await owner.read_resource(uri)
            listed_elsewhere = await other.list_resources()
            try:
                await other.read_resource(uri)
                stolen = True
            except MCPError:
                stolen = False
            return mine, listed_elsewhere, stolen

    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err") as server:
        mine, listed_elsewhere, stolen = anyio.run(scenario, server.url)
    assert mine.contents[0].text == flood_text(100_000)
    assert listed_elsewhere.resources == []
    assert not stolen
