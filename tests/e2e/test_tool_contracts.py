"""Every AWS SSO tool as an MCP client discovers it: a title, annotations, an input schema, an
output schema, and structuredContent that validates against that output schema.

The tools come from the real binary with every bundled plugin and the testkit loaded. The static
checks look at `tools/list`; the dynamic check walks a user through the whole product (status,
login, ls-accounts, check-access, exec-command, ec2-exec-command, logout) against the sandbox:
the SSO emulator for IAM Identity Center and the moto harness for STS/S3/EC2/SSM (with a real
SSM command executor), so that each tool answers with structuredContent. Every answer that
carries structuredContent, failed ones included, is validated with `jsonschema` against the
schema the tool declared. The walk runs over stdio and over streamable HTTP.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import subprocess
import sys
import urllib.request
from pathlib import Path

import anyio
import jsonschema
import pytest

from host_harness import text_of
from http_harness import serving

# The compatibility contract (DESIGN.md §6): tool names and their parameters, required ones first.
CONTRACT = {
    "aws_sso_login": ((), ("launchBrowser", "autoPoll")),
    "aws_sso_status": ((), ()),
    "aws_sso_logout": ((), ()),
    "aws_sso_ls_accounts": ((), ("refresh", "filter")),
    "aws_sso_exec_command": (("accountId", "roleName", "command"), ("region", "timeoutSeconds")),
    "aws_sso_ec2_exec_command": (("instanceId", "accountId", "roleName", "command"), ("region", "timeoutSeconds")),
}
HINTS = ("read_only_hint", "destructive_hint", "idempotent_hint", "open_world_hint")

HARNESS_SCRIPT = Path(__file__).resolve().parents[1] / "sandbox" / "moto_harness.py"
ACCOUNT = "111111111111"  # the SSO emulator's first account (roles ReadOnly, PowerUser)
ROLE = "PowerUser"
REGION = "us-east-1"
# Anything not pointed at the sandbox goes to a closed loopback port, never to the internet.
NOWHERE = "http://127.0.0.1:9"


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def listed_tools(host) -> dict:
    async def scenario():
        async with host.mcp() as session:
            return {tool.name: tool for tool in (await session.list_tools()).tools}

    return run(scenario)


def aws_sso_tools(tools: dict) -> dict:
    return {name: tool for name, tool in tools.items() if name.startswith("aws_sso_")}


def test_the_contract_tools_are_all_listed(host):
    tools = listed_tools(host)
    missing = sorted(set(CONTRACT) - set(tools))
    assert not missing, f"missing tools {missing}; listed: {sorted(tools)}"


def test_every_aws_sso_tool_has_a_title_annotations_and_valid_schemas(host):
    tools = aws_sso_tools(listed_tools(host))
    assert len(tools) >= len(CONTRACT)
    problems = []
    for name, tool in sorted(tools.items()):
        if not (tool.title or "").strip():
            problems.append(f"{name}: no title")
        if not (tool.description or "").strip():
            problems.append(f"{name}: no description")
        if tool.annotations is None:
            problems.append(f"{name}: no annotations")
        else:
            if tool.annotations.title != tool.title:
                problems.append(f"{name}: annotations.title {tool.annotations.title!r} != title {tool.title!r}")
            unset = [hint for hint in HINTS if getattr(tool.annotations, hint) is None]
            if unset:
                problems.append(f"{name}: annotation hints not set: {unset}")
        for kind, schema in (("input", tool.input_schema), ("output", tool.output_schema)):
            if schema is None:
                problems.append(f"{name}: no {kind} schema")
                continue
            if schema.get("type") != "object":
                problems.append(f"{name}: {kind} schema is not an object schema: {schema.get('type')!r}")
            try:
                jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator).check_schema(schema)
            except jsonschema.SchemaError as error:
                problems.append(f"{name}: {kind} schema is not valid JSON Schema: {error.message}")
        # Declared defaults must themselves be valid values of their property.
        for prop, prop_schema in (tool.input_schema or {}).get("properties", {}).items():
            if "default" in prop_schema:
                errors = list(jsonschema.Draft202012Validator(prop_schema).iter_errors(prop_schema["default"]))
                if errors:
                    problems.append(f"{name}: default of `{prop}` does not fit its schema: {errors[0].message}")
    assert not problems, "\n".join(problems)


def test_parameters_and_annotations_match_the_compatibility_contract(host):
    tools = listed_tools(host)
    for name, (required, optional) in CONTRACT.items():
        schema = tools[name].input_schema
        properties = set(schema.get("properties", {}))
        assert set(required) | set(optional) <= properties, f"{name}: {sorted(properties)}"
        assert set(schema.get("required", [])) == set(required), f"{name}: required {schema.get('required')}"
    for name in ("aws_sso_status", "aws_sso_ls_accounts"):
        assert tools[name].annotations.read_only_hint is True, name
        assert tools[name].annotations.destructive_hint is False, name
    for name in ("aws_sso_exec_command", "aws_sso_ec2_exec_command"):
        assert tools[name].annotations.destructive_hint is True, name
        assert tools[name].annotations.open_world_hint is True, name
        assert tools[name].annotations.read_only_hint is False, name


# --------------------------------------------------------------------------------------------
# structuredContent against the output schema, over a whole user journey
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_harness():
    """tests/sandbox/moto_harness.py: moto (STS, S3, EC2, SSM) plus a real SSM executor."""
    process = subprocess.Popen(
        [sys.executable, str(HARNESS_SCRIPT), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(60)
        line = process.stdout.readline() if ready else ""
        if not line.strip():
            raise RuntimeError("the moto harness did not start within 60 s")
        yield json.loads(line)["url"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def sandbox(moto_harness):
    """The SSO emulator minting real moto credentials, and the moto harness with EC2 instances."""
    from sandbox.sso_emulator import EmulatorProcess

    request = urllib.request.Request(
        f"{moto_harness}/_harness/seed",
        data=json.dumps({"accountId": ACCOUNT, "region": REGION}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        instances = json.loads(answer.read())
    with EmulatorProcess(moto_url=moto_harness) as emulator:
        yield {"sso": emulator, "moto_url": moto_harness, "instances": instances}


@contextlib.asynccontextmanager
async def session_over(transport: str, host, tmp_path):
    if transport == "stdio":
        async with host.mcp() as session:
            yield session
        return
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    with serving(host, "--port", "0", stderr_path=tmp_path / "server.err") as server:
        async with streamable_http_client(server.url) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session


def journey(instances: dict) -> list[tuple[str, dict]]:
    """What a user does, in order; each step is (tool, arguments)."""
    exec_args = {"accountId": ACCOUNT, "roleName": ROLE, "region": REGION}
    return [
        ("aws_sso_status", {}),
        ("aws_sso_logout", {}),
        ("aws_sso_login", {"launchBrowser": False, "autoPoll": True}),
        ("aws_sso_login", {"launchBrowser": False}),  # the same pending login, or already signed in
        ("@wait_for_login", {}),
        ("aws_sso_status", {}),
        ("aws_sso_login", {"launchBrowser": False}),
        ("aws_sso_ls_accounts", {}),
        ("aws_sso_ls_accounts", {"filter": "no-such-account-anywhere", "refresh": True}),
        ("aws_sso_check_access", {"accountId": ACCOUNT}),
        ("aws_sso_exec_command", {**exec_args, "command": "aws sts get-caller-identity"}),
        ("aws_sso_exec_command", {**exec_args, "command": "aws s3api head-bucket --bucket no-such-bucket-for-contracts"}),
        ("aws_sso_ec2_exec_command", {**exec_args, "instanceId": instances["linux"], "command": "echo contract"}),
        ("aws_sso_ec2_exec_command", {**exec_args, "instanceId": instances["linux"], "command": "exit 3"}),
        ("aws_sso_ec2_exec_command", {**exec_args, "instanceId": instances["stopped"], "command": "echo x"}),
        ("aws_sso_logout", {}),
        ("aws_sso_status", {}),
    ]


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_structured_content_validates_against_the_output_schema(host, sandbox, tmp_path, transport):
    host.sso_url = sandbox["sso"].url
    host.moto_url = sandbox["moto_url"]
    host.extra_env["AWS_ENDPOINT_URL"] = NOWHERE
    host.configure(AWS_REGION=REGION)
    sandbox["sso"].reset(config=False)

    async def scenario():
        answers = []
        async with session_over(transport, host, tmp_path) as session:
            schemas = {tool.name: tool.output_schema for tool in (await session.list_tools()).tools}
            for name, arguments in journey(sandbox["instances"]):
                if name == "@wait_for_login":
                    with anyio.fail_after(60):
                        while True:
                            status = await session.call_tool("aws_sso_status", {})
                            answers.append(("aws_sso_status", {}, status))
                            if (status.structured_content or {}).get("authenticated"):
                                break
                            await anyio.sleep(0.5)
                    continue
                # The SDK itself rejects a successful result that does not fit the schema; failed
                # ones are checked below.
                answers.append((name, arguments, await session.call_tool(name, arguments)))
        return schemas, answers

    schemas, answers = run(scenario)
    problems = []
    structured_ok = set()
    for name, arguments, result in answers:
        where = f"{name}({json.dumps(arguments)}) -> isError={result.is_error}"
        schema = schemas.get(name)
        if schema is None:
            problems.append(f"{where}: the tool declares no output schema")
            continue
        if result.structured_content is None:
            if not result.is_error:
                problems.append(f"{where}: no structuredContent although the call succeeded: {text_of(result)[:300]}")
            continue
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(result.structured_content), key=str)
        if errors:
            problems.append(f"{where}: structuredContent does not fit the schema: {errors[0].message} at "
                            f"{list(errors[0].absolute_path)}; {json.dumps(result.structured_content)[:500]}")
        elif not result.is_error:
            structured_ok.add(name)
    assert not problems, "\n".join(problems)
    # The journey really reached every tool's successful answer (a sandbox problem would show here).
    expected = set(CONTRACT) | {"aws_sso_check_access"}
    assert structured_ok == expected, {
        "without a successful structured answer": sorted(expected - structured_ok),
        "answers": [(n, a, r.is_error, text_of(r)[:200]) for n, a, r in answers if n in expected - structured_ok],
    }
