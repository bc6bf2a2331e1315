"""`aws_sso_ec2_exec_command` as a user meets it: the real `mcp-aws-sso` binary with the bundled
`ec2-exec` plugin, driven by a real MCP client over stdio and by the CLI.

The sandbox: the moto harness (tests/sandbox/moto_harness.py: moto's EC2/SSM/STS plus an SSM
executor that really runs the script locally and moves invocations Pending -> InProgress -> final,
with fault knobs), and the SSO emulator minting role credentials as real moto STS credentials
(its `moto_url` knob), so every SSM/EC2 call the plugin makes lands in the right moto account. The
user signs in with `mcp-aws-sso login`; the harness's `/_harness/state` is how a test sees what
reached "AWS" (invocations, CancelCommand calls, throttled calls). What moto cannot be made to say
(AccessDenied, a missing operation, expired credentials) comes from `SsmAnswers`, a proxy in front
of moto's SSM.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import pytest

from host_harness import text_of
from sso_helpers import login

HARNESS_SCRIPT = Path(__file__).resolve().parents[1] / "sandbox" / "moto_harness.py"
TOOL = "aws_sso_ec2_exec_command"
ACCOUNT = "111111111111"  # the emulator's first account: roles ReadOnly, PowerUser
ROLE = "PowerUser"
REGION = "us-east-1"


# --------------------------------------------------------------------------------------------
# The sandbox
# --------------------------------------------------------------------------------------------


class MotoHarness:
    """tests/sandbox/moto_harness.py in a subprocess, and its /_harness control API."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(HARNESS_SCRIPT), "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        if not box or not box[0].strip():
            self.proc.kill()
            raise RuntimeError("the moto harness did not start")
        self.url = json.loads(box[0])["url"]

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/_harness{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def state(self) -> dict[str, Any]:
        return self.call("GET", "/state")

    def faults(self, **knobs: Any) -> dict[str, Any]:
        return self.call("POST", "/faults", knobs)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class SsmAnswers:
    """A proxy in front of moto's SSM endpoint that gives scripted AWS error answers to chosen
    operations (`AmazonSSM.<Operation>`), for what moto cannot be made to say: AccessDenied, an
    operation the endpoint does not implement, credentials rejected as expired. Everything else is
    forwarded to moto unchanged. Point `AWS_ENDPOINT_URL_SSM` at `url`."""

    def __init__(self, moto_url: str) -> None:
        self.rules: dict[str, list[tuple[int, str, str]]] = {}
        self.answered: list[str] = []
        self.forwarded: list[str] = []
        self.close_after: str | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = (self.headers.get("X-Amz-Target") or "").rpartition(".")[2]
                scripted = proxy.rules.get(operation)
                if scripted:
                    status, code, message = scripted.pop(0)
                    proxy.answered.append(operation)
                    self.reply(status, {"Content-Type": "application/x-amz-json-1.1"},
                               json.dumps({"__type": code, "message": message}).encode())
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                request = urllib.request.Request(moto_url + self.path, data=body, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, headers, body = answer.status, dict(answer.headers), answer.read()
                except urllib.error.HTTPError as error:
                    status, headers, body = error.code, dict(error.headers), error.read()
                proxy.forwarded.append(operation)
                if operation == proxy.close_after:
                    # Stop listening before answering, so that the client's next connection
                    # is refused; this answer asks it not to keep this connection.
                    self.close_connection = True
                    headers["Connection"] = "close"
                    proxy.stop_listening()
                self.reply(status, headers, body)

            def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(key, value)
                if headers.get("Connection") == "close":
                    self.send_header("Connection", "close")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.listening = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, operation: str, code: str, message: str, status: int = 400, times: int = 1) -> None:
        self.rules.setdefault(operation, []).extend([(status, code, message)] * times)

    def refuse_connections_after(self, operation: str) -> None:
        """Once `operation` has been answered, the endpoint refuses every new connection."""
        self.close_after = operation

    def stop_listening(self) -> None:
        if not self.listening:
            return
        self.listening = False
        self.server.shutdown()  # from a handler thread: serve_forever runs on another one
        self.server.server_close()

    def close(self) -> None:
        self.stop_listening()


@pytest.fixture
def ssm_answers(moto, user):
    """The user's SSM endpoint, behind an `SsmAnswers` proxy."""
    proxy = SsmAnswers(moto.url)
    user.extra_env["AWS_ENDPOINT_URL_SSM"] = proxy.url
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def moto():
    harness = MotoHarness()
    yield harness
    harness.stop()


@pytest.fixture
def instances(moto) -> dict[str, str]:
    """A fresh moto with the standard set: linux, stopped, windows, unmanaged (role -> id)."""
    moto.call("POST", "/reset")
    return moto.call("POST", "/seed", {"accountId": ACCOUNT, "region": REGION})


@pytest.fixture
def user(host, sso, moto, instances):
    """A user signed in with `mcp-aws-sso login`, whose role credentials are moto STS credentials
    for the account and whose SSM/EC2/STS endpoints are the moto harness."""
    # Approve at the first poll: these tests are about the tool, not the login's pace.
    sso.configure(moto_url=moto.url, approve_after_polls=0)
    host.moto_url = moto.url
    login(host)
    return host


def run(scenario, *args):
    return anyio.run(scenario, *args)


def call(setup, arguments: dict, progress=None):
    async def scenario():
        async with setup.mcp() as session:
            return await session.call_tool(TOOL, arguments, progress_callback=progress)

    return run(scenario)


def args(instance_id: str, command: str, **extra: Any) -> dict[str, Any]:
    return {"instanceId": instance_id, "accountId": ACCOUNT, "roleName": ROLE, "command": command, **extra}


def invocations(moto) -> list[dict[str, Any]]:
    return moto.state()["invocations"]


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def test_the_tool_is_listed_as_destructive_and_open_world(host):
    async def scenario():
        async with host.mcp() as session:
            return {tool.name: tool for tool in (await session.list_tools()).tools}

    tool = run(scenario)[TOOL]
    assert tool.annotations.destructive_hint is True
    assert tool.annotations.open_world_hint is True
    assert tool.annotations.read_only_hint is False
    assert tool.input_schema["required"] == ["instanceId", "accountId", "roleName", "command"]
    assert tool.output_schema["properties"]["stdout"] == {"type": "string"}
    assert "AWS_REGION" in tool.input_schema["properties"]["region"]["description"]  # the default region
    assert "at most once" in tool.description


def test_output_stderr_and_exit_code_come_back_exactly(user, moto, instances):
    command = "printf 'line one\\n  two\\ttabs\\n\\n'; echo 'to stderr' >&2"
    result = call(user, args(instances["linux"], command, region=REGION))

    assert not result.is_error, text_of(result)
    out = result.structured_content
    assert out["stdout"] == "line one\n  two\ttabs\n\n"
    assert out["stderr"] == "to stderr\n"
    assert out["responseCode"] == 0
    assert (out["status"], out["outcome"]) == ("Success", "success")
    assert (out["instanceId"], out["instanceName"]) == (instances["linux"], "harness-linux")
    assert (out["document"], out["platform"]) == ("AWS-RunShellScript", "Linux")

    text = text_of(result)
    assert text.startswith("# AWS SSO: EC2 Command Result\n")
    assert f"**Instance**: {instances['linux']} (harness-linux)" in text
    assert f"**Account/Role**: {ACCOUNT}/{ROLE}" in text
    assert f"**Region**: {REGION}" in text
    assert "## Command\n\n```bash\n" + command + "\n```" in text
    assert "## Output\n\n```\nline one\n  two\ttabs\n\n```" in text
    assert "## Errors (stderr)\n\n```\nto stderr\n```" in text
    assert f"*Command ID: {out['commandId']}*" in text

    [sent] = invocations(moto)
    assert sent["commandId"] == out["commandId"]
    assert sent["commands"] == [command]
    assert sent["document"] == "AWS-RunShellScript"
    assert sent["executionTimeout"] == 60  # the default timeout, sent as executionTimeout


def test_a_failing_command_is_an_error_with_its_exit_code_not_a_permission_problem(user, instances):
    result = call(user, args(instances["linux"], "echo partial; echo oops >&2; exit 3"))

    assert result.is_error
    out = result.structured_content
    assert (out["outcome"], out["status"], out["responseCode"]) == ("command_failed", "Failed", 3)
    assert out["stdout"] == "partial\n"
    assert out["stderr"].startswith("oops\n")
    text = text_of(result)
    assert text.startswith("# ❌ AWS SSO: EC2 Command Error")
    assert "## Error: Command Failed (exit code 3)" in text
    assert "permission" not in text.lower().replace("not a permission problem", "")


def test_the_region_defaults_to_the_hosts_and_a_wrong_region_finds_no_instance(user, moto, instances):
    default_region = call(user, args(instances["linux"], "echo here"))
    assert not default_region.is_error, text_of(default_region)
    assert default_region.structured_content["region"] == REGION

    elsewhere = call(user, args(instances["linux"], "echo here", region="eu-west-1"))
    assert elsewhere.is_error
    text = text_of(elsewhere)
    assert "not_found" in text and "was not found" in text and "eu-west-1" in text
    assert len(invocations(moto)) == 1


def test_windows_instances_get_the_powershell_document(user, moto, instances):
    result = call(user, args(instances["windows"], "echo hello from windows"))

    assert not result.is_error, text_of(result)
    assert result.structured_content["document"] == "AWS-RunPowerShellScript"
    assert result.structured_content["stdout"] == "hello from windows\n"
    assert "```powershell\n" in text_of(result)
    [sent] = invocations(moto)
    assert sent["document"] == "AWS-RunPowerShellScript"


def test_output_cut_by_ssm_is_announced(user, instances):
    result = call(user, args(instances["linux"], "head -c 30000 /dev/zero | tr '\\0' x"))

    assert not result.is_error
    out = result.structured_content
    assert out["stdoutTruncated"] is True and out["stderrTruncated"] is False
    assert len(out["stdout"]) == 24000
    assert "Output truncated by SSM" in text_of(result)


def test_calls_run_side_by_side(user, moto, instances):
    async def scenario():
        results = {}
        async with user.mcp() as session:
            async def one(name, command):
                results[name] = await session.call_tool(TOOL, args(instances[name], command))

            async with anyio.create_task_group() as group:
                group.start_soon(one, "linux", "sleep 1; echo from linux")
                group.start_soon(one, "windows", "sleep 1; echo from windows")
        return results

    started = time.monotonic()
    results = run(scenario)
    elapsed = time.monotonic() - started
    assert results["linux"].structured_content["stdout"] == "from linux\n"
    assert results["windows"].structured_content["stdout"] == "from windows\n"
    assert len(invocations(moto)) == 2
    assert elapsed < 10


def test_the_hosts_limits_apply(user, moto, instances):
    # MCP_AWS_SSO_CALL_TIMEOUT below the one-minute default becomes the default timeout...
    short = user.cli(*cli_args(instances["linux"], "echo short"), "--json", MCP_AWS_SSO_CALL_TIMEOUT="20")
    assert short.returncode == 0, short.stderr
    assert json.loads(short.stdout)["timeoutSeconds"] == 20
    assert invocations(moto)[0]["executionTimeout"] == 20

    # ...MCP_AWS_SSO_MAX_OUTPUT shortens the markdown but not structuredContent...
    async def scenario():
        async with user.mcp(MCP_AWS_SSO_MAX_OUTPUT="500") as session:
            return await session.call_tool(TOOL, args(instances["linux"], "head -c 2000 /dev/zero | tr '\\0' y"))

    long = run(scenario)
    assert not long.is_error
    assert len(long.structured_content["stdout"]) == 2000
    assert text_of(long).count("y") < 600 and "maxOutputChars" in text_of(long)

    # ...and read-only mode refuses the tool before anything is sent.
    moto.faults(throttleCount=1000)
    refused = user.cli(*cli_args(instances["linux"], "echo never"), MCP_AWS_SSO_READ_ONLY="true")
    assert refused.returncode == 1
    assert "read-only mode" in refused.stderr
    assert moto.state()["throttled"] == [] and len(invocations(moto)) == 2


# --------------------------------------------------------------------------------------------
# Refused before sending
# --------------------------------------------------------------------------------------------


def test_an_integer_account_id_runs_in_that_account_zero_padded(host, sso, moto):
    """`"accountId": 12345678901`, as a model sends 012345678901, reaches the instance there."""
    account = "012345678901"
    moto.call("POST", "/reset")
    seeded = moto.call("POST", "/seed", {"accountId": account, "region": REGION})
    sso.configure(moto_url=moto.url, approve_after_polls=0,
                  directory=[{"accountId": account, "roles": [ROLE]}])
    host.moto_url = moto.url
    login(host)
    arguments = args(seeded["linux"], "echo padded", region=REGION)
    arguments["accountId"] = int(account)
    result = call(host, arguments)

    assert not result.is_error, text_of(result)
    assert result.structured_content["accountId"] == account
    assert result.structured_content["stdout"] == "padded\n"
    assert f"**Account/Role**: {account}/{ROLE}" in text_of(result)
    [sent] = invocations(moto)
    assert sent["accountId"] == account and sent["commands"] == ["echo padded"]


@pytest.mark.parametrize("field, value", [
    ("instanceId", "i-12345"),
    ("instanceId", "i-0123456789ABCDEF0"),
    ("accountId", "12345"),
    ("roleName", "bad role"),
    ("region", "mars"),
    ("command", ""),
    ("command", "  \n\t "),
    ("timeoutSeconds", 3601),
])
def test_invalid_arguments_are_refused_before_any_aws_call(user, moto, instances, field, value):
    # Every SSM/EC2 call that reaches moto would now be throttled and recorded.
    moto.faults(throttleCount=1000)
    arguments = args(instances["linux"], "echo never")
    arguments[field] = value
    result = call(user, arguments)

    assert result.is_error
    assert f"`{field}`" in text_of(result)
    state = moto.state()
    assert state["throttled"] == [] and state["invocations"] == []


def test_a_stopped_instance_is_reported_without_sending(user, moto, instances):
    result = call(user, args(instances["stopped"], "echo never"))

    assert result.is_error
    text = text_of(result)
    assert "is stopped" in text and "Nothing was sent" in text and "start-instances" in text
    assert "harness-stopped" in text
    assert invocations(moto) == []


def test_an_instance_not_managed_by_ssm_is_reported_without_sending(user, moto, instances):
    result = call(user, args(instances["unmanaged"], "echo never"))

    assert result.is_error
    text = text_of(result)
    assert "not managed by AWS Systems Manager" in text
    assert "SSM Agent" in text and "instance profile" in text
    assert invocations(moto) == []


def test_an_unknown_instance_is_not_found(user, moto):
    result = call(user, args("i-0123456789abcdef0", "echo never"))

    assert result.is_error
    assert "i-0123456789abcdef0 was not found" in text_of(result)
    assert invocations(moto) == []


# --------------------------------------------------------------------------------------------
# Waiting: SSM's quirks, timeout, cancellation, progress
# --------------------------------------------------------------------------------------------


def test_invocation_does_not_exist_at_first_is_not_an_error(user, moto, instances):
    moto.faults(invocationDoesNotExistPolls=3)
    result = call(user, args(instances["linux"], "echo registered late"))

    assert not result.is_error, text_of(result)
    assert result.structured_content["stdout"] == "registered late\n"
    [sent] = invocations(moto)
    assert sent["polls"] > 3


def test_a_delayed_invocation_is_still_running(user, moto, instances):
    moto.faults(delayedSeconds=0.6)
    statuses = []

    async def on_progress(progress, total, message):
        statuses.append(message)

    result = call(user, args(instances["linux"], "echo after delay"), progress=on_progress)

    assert not result.is_error, text_of(result)
    assert result.structured_content["stdout"] == "after delay\n"
    assert any(message.startswith("Delayed") for message in statuses), statuses


def test_throttling_is_retried(user, moto, instances):
    moto.faults(throttleCount=2, throttleOperations=["SendCommand", "GetCommandInvocation", "DescribeInstances"])
    result = call(user, args(instances["linux"], "echo through throttling"))

    assert not result.is_error, text_of(result)
    assert result.structured_content["stdout"] == "through throttling\n"
    assert len(moto.state()["throttled"]) == 2
    assert len(invocations(moto)) == 1  # retried, never sent twice


def test_throttled_polls_do_not_abandon_a_running_command(user, moto, instances):
    moto.faults(throttleCount=8, throttleOperations=["GetCommandInvocation"])
    result = call(user, args(instances["linux"], "echo patient"))

    assert not result.is_error, text_of(result)
    assert result.structured_content["stdout"] == "patient\n"
    assert moto.state()["throttled"] == ["GetCommandInvocation"] * 8


def test_a_delivery_timeout_is_classified_as_such(user, moto, instances):
    moto.faults(timedOut="delivery")
    result = call(user, args(instances["linux"], "echo never delivered"))

    assert result.is_error
    out = result.structured_content
    assert (out["outcome"], out["statusDetails"]) == ("delivery_timed_out", "DeliveryTimedOut")
    text = text_of(result)
    assert "## Error: Delivery Timed Out" in text and "SSM Agent" in text
    assert "permission" not in text.lower()


def test_timeout_cancels_the_remote_command(user, moto, instances):
    started = time.monotonic()
    result = call(user, args(instances["linux"], "echo started; sleep 30", timeoutSeconds=2))
    elapsed = time.monotonic() - started

    assert result.is_error
    out = result.structured_content
    assert (out["outcome"], out["cancelSent"]) == ("timed_out", True)
    assert out["status"] == "Cancelled"
    assert out["stdout"] == "started\n"  # partial output collected after the cancel
    text = text_of(result)
    assert "## Error: Timed Out" in text and "CancelCommand was sent" in text
    assert "permission" not in text.lower()
    state = moto.state()
    assert [c["commandId"] for c in state["cancels"]] == [out["commandId"]]
    [sent] = state["invocations"]
    assert sent["cancelRequested"] and sent["processKilled"]
    assert elapsed < 25, "the call must end at its timeout, not when the script would"


def test_progress_notifications_carry_the_status(user, instances):
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, message))

    result = call(user, args(instances["linux"], "sleep 1; echo done"), progress=on_progress)

    assert not result.is_error, text_of(result)
    messages = [message for _, message in updates]
    assert any(m.startswith("Pending on " + instances["linux"]) for m in messages), messages
    assert any(m.startswith("InProgress on " + instances["linux"]) for m in messages), messages
    assert any(m.startswith("Sent command " + result.structured_content["commandId"]) for m in messages)
    values = [value for value, _ in updates]
    assert values == sorted(values) and len(set(values)) == len(values)


def test_client_cancellation_cancels_the_remote_command(user, moto, instances):
    async def scenario():
        async with user.mcp() as session:
            with anyio.move_on_after(1.5):
                await session.call_tool(TOOL, args(instances["linux"], "sleep 30"))
            with anyio.fail_after(10):
                while not moto.state()["cancels"]:
                    await anyio.sleep(0.1)
            # The server is still serving.
            return await session.call_tool(TOOL, args(instances["linux"], "echo still here"))

    after = run(scenario)
    assert not after.is_error and after.structured_content["stdout"] == "still here\n"
    state = moto.state()
    assert len(state["cancels"]) == 1
    cancelled = next(i for i in state["invocations"] if i["commandId"] == state["cancels"][0]["commandId"])
    assert cancelled["commands"] == ["sleep 30"] and cancelled["cancelRequested"]


# --------------------------------------------------------------------------------------------
# At most once: SendCommand is never sent twice, even when its answer is lost
# --------------------------------------------------------------------------------------------


def lose_send_command_answer(moto, mode: str, **knobs: Any) -> None:
    moto.faults(loseResponses=1, loseResponseOperations=["SendCommand"], loseResponseMode=mode, **knobs)


@pytest.mark.parametrize("mode", ["drop", "stall"])
def test_a_lost_send_command_answer_is_found_by_its_comment_and_not_sent_again(user, moto, instances, mode):
    # "drop": SSM takes the command and the connection closes without an answer (the SDK would
    # retry that as a transient error); "stall": the answer comes after the client gave up.
    lose_send_command_answer(moto, mode, stallSeconds=6)
    result = call(user, args(instances["linux"], "echo ran once", timeoutSeconds=3))

    assert not result.is_error, text_of(result)
    out = result.structured_content
    assert (out["outcome"], out["stdout"]) == ("success", "ran once\n")  # the real output
    assert "SendCommand's answer was lost" in text_of(result)
    state = moto.state()
    assert state["calls"]["SendCommand"] == 1  # sent once, never again
    assert state["calls"]["ListCommands"] >= 1  # looked for it instead
    [ran] = state["invocations"]
    assert ran["commandId"] == out["commandId"] and ran["processStarted"]
    assert [lost["operation"] for lost in state["lost"]] == ["SendCommand"]


def test_a_send_command_that_never_arrived_is_reported_not_sent_again(user, moto, instances):
    # The connection is dropped before SSM sees the request: the client cannot tell this from a
    # lost answer, so it looks, finds nothing, and says so without sending a second time.
    lose_send_command_answer(moto, "unprocessed")
    result = call(user, args(instances["linux"], "echo never"))

    assert result.is_error
    text = text_of(result)
    assert "SendCommand got no clear answer" in text and "It was not sent again" in text
    assert "lists no command with this call's comment" in text
    assert "Sent by mcp-aws-sso (aws_sso_ec2_exec_command) call " in text  # the comment to look for
    state = moto.state()
    assert state["calls"]["SendCommand"] == 1
    assert state["calls"]["ListCommands"] >= 1
    assert state["invocations"] == []


def test_when_the_lookup_fails_too_the_error_says_the_command_was_sent_once(user, moto, instances):
    lose_send_command_answer(moto, "drop")
    moto.faults(throttleCount=1000, throttleOperations=["ListCommands"])
    result = call(user, args(instances["linux"], "echo maybe"))

    assert result.is_error
    text = text_of(result)
    assert "may have started on " + instances["linux"] in text
    assert "It was sent once and not again" in text and "ThrottlingException" in text
    assert "Run Command history" in text
    state = moto.state()
    assert state["calls"]["SendCommand"] == 1
    [ran] = state["invocations"]  # it did run: the user is told to look before retrying
    assert ran["commands"] == ["echo maybe"]


def test_a_send_command_that_cannot_connect_reports_cleanly_that_nothing_was_sent(user, moto, instances,
                                                                                 ssm_answers):
    # The SSM endpoint stops listening right after the managed-node check: SendCommand's
    # connection is refused, so the request surely never left.
    ssm_answers.refuse_connections_after("DescribeInstanceInformation")
    result = call(user, args(instances["linux"], "echo never"))

    assert result.is_error
    text = text_of(result)
    assert "Could not reach SSM (ssm:SendCommand)" in text and "Nothing was sent." in text
    assert "AWS_ENDPOINT_URL_SSM" in text
    assert "SendCommand got no clear answer" not in text  # no lookup needed: nothing left
    assert ssm_answers.forwarded == ["DescribeInstanceInformation"]
    state = moto.state()
    assert "SendCommand" not in state["calls"] and "ListCommands" not in state["calls"]
    assert state["invocations"] == []


def test_a_throttled_send_command_is_sent_again_because_ssm_refused_it(user, moto, instances):
    moto.faults(throttleCount=2, throttleOperations=["SendCommand"])
    result = call(user, args(instances["linux"], "echo after two refusals"))

    assert not result.is_error, text_of(result)
    assert result.structured_content["stdout"] == "after two refusals\n"
    state = moto.state()
    assert state["throttled"] == ["SendCommand"] * 2
    assert state["calls"]["SendCommand"] == 3  # two refused, one taken
    assert len(state["invocations"]) == 1 and "ListCommands" not in state["calls"]


def test_a_server_error_on_send_command_is_not_retried_but_looked_up(user, moto, instances, ssm_answers):
    # A 5xx does not say whether SSM acted on the request: the SDK would retry it; this tool looks
    # for the command instead and, finding none, says so.
    ssm_answers.answer("SendCommand", "InternalServerError", "We encountered an internal error", status=500,
                       times=5)
    result = call(user, args(instances["linux"], "echo never"))

    assert result.is_error
    text = text_of(result)
    assert "SendCommand got no clear answer" in text and "InternalServerError" in text
    assert "It was not sent again" in text
    assert ssm_answers.answered == ["SendCommand"]  # once: no SDK retry
    assert "ListCommands" in ssm_answers.forwarded
    assert invocations(moto) == []


def test_polls_that_never_answer_do_not_hold_the_call_past_its_timeout(user, moto, instances):
    # Every GetCommandInvocation is taken and its answer held for two minutes. With the SDK's
    # default chain (5 attempts of 30 s) one poll alone would last 150 s; the call must instead
    # end at its own timeout, cancel the remote command, and say so.
    moto.faults(loseResponses=1000, loseResponseOperations=["GetCommandInvocation"], loseResponseMode="stall",
                stallSeconds=120)
    started = time.monotonic()
    result = call(user, args(instances["linux"], "sleep 30", timeoutSeconds=2))
    elapsed = time.monotonic() - started

    assert result.is_error
    out = result.structured_content
    assert (out["outcome"], out["cancelSent"]) == ("timed_out", True)
    state = moto.state()
    assert [c["commandId"] for c in state["cancels"]] == [out["commandId"]]
    assert state["calls"]["SendCommand"] == 1
    [ran] = state["invocations"]
    assert ran["cancelRequested"]
    assert elapsed < 60, "a poll that never answers must not hold the call for minutes"


# --------------------------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------------------------


def cli_args(instance_id: str, command: str) -> list[str]:
    return ["ec2-exec-command", "--instance-id", instance_id, "--account-id", ACCOUNT,
            "--role-name", ROLE, "--command", command]


def test_cli_prints_the_result_and_exits_with_the_outcome(user, instances):
    ok = user.cli(*cli_args(instances["linux"], "echo hello from the cli"))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("# AWS SSO: EC2 Command Result")
    assert "```\nhello from the cli\n```" in ok.stdout

    failed = user.cli(*cli_args(instances["linux"], "echo nope >&2; exit 7"))
    assert failed.returncode == 1
    assert "## Error: Command Failed (exit code 7)" in failed.stdout
    assert "## Errors (stderr)\n\n```\nnope\n" in failed.stdout

    as_json = user.cli(*cli_args(instances["linux"], "printf 'a\\nb'"), "--json")
    assert as_json.returncode == 0, as_json.stderr
    out = json.loads(as_json.stdout)
    assert (out["stdout"], out["responseCode"], out["outcome"]) == ("a\nb", 0, "success")


def test_cli_refuses_a_malformed_instance_id_without_calling_aws(user, moto, instances):
    moto.faults(throttleCount=1000)
    refused = user.cli(*cli_args("i-nothex00", "echo never"))
    assert refused.returncode != 0
    assert "instanceId" in refused.stderr or "instance-id" in refused.stderr
    assert moto.state()["throttled"] == []


# --------------------------------------------------------------------------------------------
# Answers moto cannot give: access denied, a missing operation, rejected credentials
# --------------------------------------------------------------------------------------------


def test_access_denied_on_send_command_is_a_permission_error_naming_the_other_roles(user, moto, instances, ssm_answers):
    ssm_answers.answer("SendCommand", "AccessDeniedException",
                       f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/x is not authorized to perform: "
                       "ssm:SendCommand")
    result = call(user, args(instances["linux"], "echo never"))

    assert result.is_error
    text = text_of(result)
    assert "permission_denied" in text and "Permission denied" in text
    assert f"role `{ROLE}` in account {ACCOUNT} may not call ssm:SendCommand" in text
    assert "`ReadOnly`" in text  # the user's other role in the account
    assert ssm_answers.answered == ["SendCommand"]
    assert invocations(moto) == []


def test_an_endpoint_without_describe_instance_information_falls_back_to_send_command(user, moto, instances,
                                                                                     ssm_answers):
    ssm_answers.answer("DescribeInstanceInformation", "UnknownOperationException", "", times=4)
    ran = call(user, args(instances["linux"], "echo checked by SendCommand"))
    assert not ran.is_error, text_of(ran)
    assert ran.structured_content["stdout"] == "checked by SendCommand\n"

    refused = call(user, args(instances["unmanaged"], "echo never"))
    assert refused.is_error
    assert "not managed by AWS Systems Manager" in text_of(refused)
    assert "InvalidInstanceId" in text_of(refused)  # SendCommand's own answer
    assert ssm_answers.answered == ["DescribeInstanceInformation"] * 2
    assert len(invocations(moto)) == 1


def test_credentials_rejected_as_expired_are_renewed_once(user, moto, instances, sso, ssm_answers):
    minted_before = sso.state()["calls"].get("GetRoleCredentials", 0)
    ssm_answers.answer("SendCommand", "ExpiredTokenException", "The security token included in the request is expired")
    result = call(user, args(instances["linux"], "echo with fresh credentials"))

    assert not result.is_error, text_of(result)
    assert result.structured_content["stdout"] == "with fresh credentials\n"
    assert sso.state()["calls"]["GetRoleCredentials"] - minted_before == 2  # first use + one forced renewal
    assert len(invocations(moto)) == 1

    ssm_answers.answer("SendCommand", "ExpiredTokenException", "The security token included in the request is expired",
                       times=2)
    rejected = call(user, args(instances["linux"], "echo never"))
    assert rejected.is_error
    assert "not_logged_in" in text_of(rejected) and "aws_sso_login" in text_of(rejected)
    assert len(invocations(moto)) == 1
