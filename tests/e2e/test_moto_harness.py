"""End-to-end tests of tests/sandbox/moto_harness.py, driven the way the Rust
ec2-exec plugin tests will drive it: the harness runs as a subprocess, tests
talk to it with boto3 (SSM, EC2, STS) and with plain HTTP (/_harness control API).

One harness process serves the module; every test starts from a reset (moto
backends, seeded instances, fault knobs) and seeds what it needs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

HARNESS = Path(__file__).resolve().parents[1] / "sandbox" / "moto_harness.py"
ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
REGION = "us-east-1"
TERMINAL = {"Success", "Failed", "TimedOut", "Cancelled"}
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


# --------------------------------------------------------------------------- #
# harness process + helpers
# --------------------------------------------------------------------------- #


class RunningHarness:
    def __init__(self, args: list[str]):
        self.log = tempfile.NamedTemporaryFile(prefix="moto-harness-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([sys.executable, str(HARNESS), *args],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.ready = self._read_ready_line(timeout=30)
        self.url = self.ready["url"]

    def _read_ready_line(self, timeout: float) -> dict[str, Any]:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        if not box or not box[0]:
            self.proc.kill()
            raise RuntimeError(f"harness not ready; log:\n{Path(self.log.name).read_text()}")
        return json.loads(box[0])

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.unlink(self.log.name)

    # -- control API -------------------------------------------------------- #

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}/_harness{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def seed(self, **spec: Any) -> str:
        spec.setdefault("accountId", ACCOUNT_A)
        spec.setdefault("region", REGION)
        return self.call("POST", "/instances", spec)["instanceId"]

    def faults(self, **knobs: Any) -> dict[str, Any]:
        return self.call("POST", "/faults", knobs)

    def state(self) -> dict[str, Any]:
        return self.call("GET", "/state")

    def clients(self, account: str = ACCOUNT_A, config: Config | None = None) -> "Clients":
        creds = self.call("POST", "/credentials", {"accountId": account, "roleName": "Admin"})
        return Clients(self.url, creds, config)


class Clients:
    """boto3 clients signed with STS AssumeRole credentials for one account."""

    def __init__(self, url: str, creds: dict[str, str], config: Config | None):
        self.kwargs = dict(endpoint_url=url, region_name=REGION,
                           aws_access_key_id=creds["accessKeyId"],
                           aws_secret_access_key=creds["secretAccessKey"],
                           aws_session_token=creds["sessionToken"], config=config)
        self.ssm = boto3.client("ssm", **self.kwargs)
        self.ec2 = boto3.client("ec2", **self.kwargs)
        self.sts = boto3.client("sts", **self.kwargs)

    def send(self, instance_id: str, commands: list[str], document: str = "AWS-RunShellScript",
             **params: list[str]) -> str:
        cmd = self.ssm.send_command(InstanceIds=[instance_id], DocumentName=document,
                                    Parameters={"commands": commands, **params})["Command"]
        assert cmd["Status"] == "Pending"
        return cmd["CommandId"]

    def wait(self, command_id: str, instance_id: str,
             timeout: float = 15) -> tuple[dict[str, Any], list[str]]:
        """Poll to a final status; returns the last response and the statuses seen."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inv = self.ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
            if not seen or seen[-1] != inv["Status"]:
                seen.append(inv["Status"])
            if inv["Status"] not in TERMINAL:
                assert inv["ResponseCode"] == -1
                assert inv["StandardOutputContent"] == inv["StandardErrorContent"] == ""
            if inv["Status"] in TERMINAL:
                return inv, seen
            time.sleep(0.02)
        raise AssertionError(f"invocation never finished; saw {seen}")

    def wait_for_status(self, command_id: str, instance_id: str, status: str) -> None:
        wait_until(lambda: self.ssm.get_command_invocation(
            CommandId=command_id, InstanceId=instance_id)["Status"] == status)


def wait_until(predicate: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.02)


def history(harness: RunningHarness, command_id: str) -> list[str]:
    """Every status the harness moved the invocation through."""
    (record,) = [i for i in harness.state()["invocations"] if i["commandId"] == command_id]
    return record["history"]


def is_subsequence(seen: list[str], full: list[str]) -> bool:
    rest = iter(full)
    return all(status in rest for status in seen)


def error_code(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def harness():
    running = RunningHarness(["--port", "0", "--step-delay", "0.1"])
    yield running
    assert running.stop() == 0


@pytest.fixture(autouse=True)
def fresh(request):
    if "harness" in request.fixturenames:
        request.getfixturevalue("harness").call("POST", "/reset", {})


# --------------------------------------------------------------------------- #
# standalone process
# --------------------------------------------------------------------------- #


def test_standalone_seeds_accounts_and_exits_on_sigint():
    running = RunningHarness(["--port", "0", "--seed-instances", f"{ACCOUNT_A}:eu-west-1",
                              "--seed-instances", ACCOUNT_B])
    try:
        ready = running.ready
        assert ready["url"] == f"http://127.0.0.1:{ready['port']}"
        assert ready["controlUrl"] == ready["url"] + "/_harness"
        seeded_a = ready["instances"][ACCOUNT_A]["eu-west-1"]
        assert set(seeded_a) == {"linux", "stopped", "windows", "unmanaged"}
        assert set(ready["instances"][ACCOUNT_B][REGION]) == set(seeded_a)

        clients = running.clients(ACCOUNT_A)
        ec2 = boto3.client("ec2", **{**clients.kwargs, "region_name": "eu-west-1"})
        found = {i["InstanceId"]: i for r in ec2.describe_instances()["Reservations"]
                 for i in r["Instances"]}
        assert set(found) == set(seeded_a.values())
        assert found[seeded_a["stopped"]]["State"]["Name"] == "stopped"
        assert found[seeded_a["windows"]]["Platform"] == "windows"
        assert {"Key": "Name", "Value": "harness-linux"} in found[seeded_a["linux"]]["Tags"]
    finally:
        assert running.stop(signal.SIGINT) == 0


def test_importable_in_process():
    spec = importlib.util.spec_from_file_location("moto_harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    harness = module.Harness(port=0, step_delay=0.02).start()
    try:
        instance = harness.seed_instance(account_id=ACCOUNT_A, name="in-process").instanceId
        c = Clients(harness.url, harness.credentials(ACCOUNT_A), None)
        inv, _ = c.wait(c.send(instance, ["echo in-process"]), instance)
        assert (inv["Status"], inv["StandardOutputContent"]) == ("Success", "in-process\n")
    finally:
        harness.stop()


# --------------------------------------------------------------------------- #
# the executor
# --------------------------------------------------------------------------- #


def test_send_command_runs_the_script_and_reports_failure(harness):
    instance = harness.seed(name="web-1")
    c = harness.clients()
    command_id = c.send(instance, ["echo hello; echo err >&2; exit 3"])

    inv, seen = c.wait(command_id, instance)

    assert history(harness, command_id) == ["Pending", "InProgress", "Failed"]
    assert is_subsequence(seen, ["Pending", "InProgress", "Failed"])  # polls sample it
    assert inv["StatusDetails"] == "Failed"
    assert inv["ResponseCode"] == 3
    assert inv["StandardOutputContent"] == "hello\n"
    # the Linux agent appends this line to stderr on a non-zero exit
    assert inv["StandardErrorContent"] == "err\nfailed to run commands: exit status 3"
    assert inv["PluginName"] == "aws:runShellScript"
    assert inv["ExecutionEndDateTime"] and inv["ExecutionElapsedTime"].startswith("PT")
    command = c.ssm.list_commands(CommandId=command_id)["Commands"][0]
    assert command["Status"] == "Failed" and command["CompletedCount"] == 1


def test_success_runs_in_a_temp_dir_with_agent_environment(harness):
    instance = harness.seed()
    c = harness.clients()
    command_id = c.send(instance, ["echo $AWS_SSM_INSTANCE_ID $AWS_SSM_REGION_NAME", "pwd"])

    inv, _ = c.wait(command_id, instance)

    assert (inv["Status"], inv["StatusDetails"], inv["ResponseCode"]) == ("Success", "Success", 0)
    first, cwd = inv["StandardOutputContent"].splitlines()
    assert first == f"{instance} {REGION}"
    assert "moto-harness-" in cwd and not Path(cwd).exists()  # cleaned up afterwards
    assert inv["StandardErrorContent"] == ""


def test_only_named_instances_get_invocations(harness):
    named, other = harness.seed(name="a"), harness.seed(name="b")
    c = harness.clients()
    command_id = c.send(named, ["true"])

    command = c.ssm.list_commands(CommandId=command_id)["Commands"][0]
    assert command["InstanceIds"] == [named]
    with pytest.raises(ClientError) as err:
        c.ssm.get_command_invocation(CommandId=command_id, InstanceId=other)
    assert error_code(err) == "InvocationDoesNotExist"
    assert c.wait(command_id, named)[0]["Status"] == "Success"


def test_output_is_truncated_like_ssm(harness):
    instance = harness.seed()
    c = harness.clients()
    command_id = c.send(instance, ["head -c 30000 /dev/zero | tr '\\0' a",
                                   "head -c 9000 /dev/zero | tr '\\0' b >&2"])

    inv, _ = c.wait(command_id, instance)

    out, err = inv["StandardOutputContent"], inv["StandardErrorContent"]
    assert len(out) == 24000 and out.endswith("\n---Output truncated---")
    assert out.startswith("a" * 100)
    assert len(err) == 8000 and err.endswith("\n---Error truncated----")


def test_execution_timeout_kills_the_script(harness):
    instance = harness.seed()
    c = harness.clients()
    command_id = c.send(instance, ["echo started", "sleep 20"], executionTimeout=["1"])

    inv, _ = c.wait(command_id, instance)

    assert (inv["Status"], inv["StatusDetails"]) == ("TimedOut", "ExecutionTimedOut")
    assert inv["ResponseCode"] == 137  # the Linux agent's "stopped preemptively" code
    assert inv["StandardOutputContent"] == "started\n"


def test_cancel_kills_a_running_script(harness):
    instance = harness.seed()
    c = harness.clients()
    command_id = c.send(instance, ["echo started", "sleep 30"])
    c.wait_for_status(command_id, instance, "InProgress")
    wait_until(lambda: harness.state()["invocations"][0]["processStarted"])

    c.ssm.cancel_command(CommandId=command_id)
    inv, _ = c.wait(command_id, instance)

    assert (inv["Status"], inv["StatusDetails"], inv["ResponseCode"]) == \
        ("Cancelled", "Cancelled", 137)
    state = harness.state()
    assert state["cancels"][0]["commandId"] == command_id
    assert state["cancels"][0]["instanceIds"] == [instance]
    (record,) = state["invocations"]
    assert record["cancelRequested"] and record["processStarted"] and record["processKilled"]
    assert c.ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"] == "Cancelled"


def test_cancel_before_delivery_never_runs_the_script(harness):
    instance = harness.seed()
    harness.faults(delayedSeconds=10)
    c = harness.clients()
    command_id = c.send(instance, ["touch /tmp/should-not-run"])
    c.wait_for_status(command_id, instance, "Delayed")

    c.ssm.cancel_command(CommandId=command_id, InstanceIds=[instance])
    inv, _ = c.wait(command_id, instance)

    assert (inv["Status"], inv["ResponseCode"]) == ("Cancelled", -1)
    assert not harness.state()["invocations"][0]["processStarted"]


def test_cancel_errors(harness):
    c = harness.clients()
    with pytest.raises(ClientError) as err:
        c.ssm.cancel_command(CommandId="00000000-0000-0000-0000-000000000000")
    assert error_code(err) == "InvalidCommandId"


# --------------------------------------------------------------------------- #
# instances: validation, platforms, SSM registration
# --------------------------------------------------------------------------- #


def test_unknown_and_unmanaged_instances_are_rejected(harness):
    unmanaged = harness.seed(name="no-agent", ssmManaged=False)
    c = harness.clients()
    for instance in (unmanaged, "i-0123456789abcdef0"):
        with pytest.raises(ClientError) as err:
            c.send(instance, ["true"])
        assert error_code(err) == "InvalidInstanceId"
        assert instance in err.value.response["Error"]["Message"]
    assert c.ssm.list_commands()["Commands"] == []


def test_describe_instance_information_lists_managed_instances(harness):
    ids = harness.call("POST", "/seed", {"accountId": ACCOUNT_A, "region": REGION})
    c = harness.clients()

    infos = {i["InstanceId"]: i for i in
             c.ssm.describe_instance_information()["InstanceInformationList"]}

    assert set(infos) == {ids["linux"], ids["stopped"], ids["windows"]}  # not "unmanaged"
    assert (infos[ids["linux"]]["PingStatus"], infos[ids["linux"]]["PlatformType"]) == \
        ("Online", "Linux")
    assert infos[ids["stopped"]]["PingStatus"] == "ConnectionLost"
    assert infos[ids["windows"]]["PlatformType"] == "Windows"
    assert infos[ids["linux"]]["ResourceType"] == "EC2Instance"

    def query(**kwargs: Any) -> set[str]:
        return {i["InstanceId"] for i in
                c.ssm.describe_instance_information(**kwargs)["InstanceInformationList"]}

    assert query(Filters=[{"Key": "PingStatus", "Values": ["Online"]}]) == \
        {ids["linux"], ids["windows"]}
    assert query(Filters=[{"Key": "PlatformTypes", "Values": ["Windows"]}]) == {ids["windows"]}
    assert query(Filters=[{"Key": "tag:Name", "Values": ["harness-linux"]}]) == {ids["linux"]}
    assert query(InstanceInformationFilterList=[
        {"key": "InstanceIds", "valueSet": [ids["linux"], ids["unmanaged"]]}]) == {ids["linux"]}
    first = c.ssm.describe_instance_information(MaxResults=5)
    assert "NextToken" not in first


def test_windows_instance_runs_powershell_document(harness):
    windows = harness.seed(name="win", platform="windows")
    c = harness.clients()
    reservation = c.ec2.describe_instances(InstanceIds=[windows])["Reservations"][0]
    assert reservation["Instances"][0]["Platform"] == "windows"

    command_id = c.send(windows, ["echo hello from windows", "exit 2"],
                        document="AWS-RunPowerShellScript")
    inv, _ = c.wait(command_id, windows)
    assert inv["PluginName"] == "aws:runPowerShellScript"
    assert (inv["Status"], inv["ResponseCode"]) == ("Failed", 2)
    assert inv["StandardOutputContent"] == "hello from windows\n"
    assert inv["StandardErrorContent"] == ""  # no shell-agent suffix for PowerShell

    shell_on_windows = c.send(windows, ["echo hi"])
    inv, _ = c.wait(shell_on_windows, windows)
    assert (inv["Status"], inv["StatusDetails"], inv["ResponseCode"]) == \
        ("Failed", "InvalidPlatform", -1)


def test_stopped_instance_gets_the_command_when_it_starts(harness):
    stopped = harness.seed(state="stopped")
    c = harness.clients()
    command_id = c.send(stopped, ["echo finally"])
    time.sleep(0.4)
    assert c.ssm.get_command_invocation(CommandId=command_id,
                                        InstanceId=stopped)["Status"] == "Pending"

    c.ec2.start_instances(InstanceIds=[stopped])
    inv, _ = c.wait(command_id, stopped)
    assert (inv["Status"], inv["StandardOutputContent"]) == ("Success", "finally\n")


def test_stopped_instance_times_out_on_delivery(harness):
    stopped = harness.seed(state="stopped")
    harness.faults(deliveryTimeoutSeconds=0.3)
    c = harness.clients()
    command_id = c.send(stopped, ["echo never"])
    inv, _ = c.wait(command_id, stopped)
    assert history(harness, command_id) == ["Pending", "TimedOut"]
    assert (inv["StatusDetails"], inv["ResponseCode"]) == ("DeliveryTimedOut", -1)


def test_multi_account_isolation(harness):
    in_a = harness.seed(accountId=ACCOUNT_A, name="a-box")
    in_b = harness.seed(accountId=ACCOUNT_B, name="b-box")
    a = harness.clients(ACCOUNT_A)

    assert a.sts.get_caller_identity()["Account"] == ACCOUNT_A
    visible = [i["InstanceId"] for r in a.ec2.describe_instances()["Reservations"]
               for i in r["Instances"]]
    assert visible == [in_a]
    managed = [i["InstanceId"] for i in
               a.ssm.describe_instance_information()["InstanceInformationList"]]
    assert managed == [in_a]
    with pytest.raises(ClientError) as err:
        a.send(in_b, ["true"])
    assert error_code(err) == "InvalidInstanceId"

    b = harness.clients(ACCOUNT_B)
    command_id = b.send(in_b, ["echo b"])
    assert b.wait(command_id, in_b)[0]["Status"] == "Success"
    with pytest.raises(ClientError) as err:  # A cannot read B's command
        a.ssm.get_command_invocation(CommandId=command_id, InstanceId=in_b)
    assert error_code(err) == "InvocationDoesNotExist"


# --------------------------------------------------------------------------- #
# fault injection
# --------------------------------------------------------------------------- #


def test_invocation_does_not_exist_for_first_polls(harness):
    instance = harness.seed()
    harness.faults(invocationDoesNotExistPolls=3)
    c = harness.clients()
    command_id = c.send(instance, ["echo ok"])

    for _ in range(3):
        with pytest.raises(ClientError) as err:
            c.ssm.get_command_invocation(CommandId=command_id, InstanceId=instance)
        assert error_code(err) == "InvocationDoesNotExist"
    assert c.wait(command_id, instance)[0]["StandardOutputContent"] == "ok\n"


def test_delayed_status(harness):
    instance = harness.seed()
    harness.faults(delayedSeconds=0.4)
    c = harness.clients()
    command_id = c.send(instance, ["true"])
    inv, seen = c.wait(command_id, instance)
    assert history(harness, command_id) == ["Pending", "Delayed", "InProgress", "Success"]
    assert is_subsequence(seen, ["Pending", "Delayed", "InProgress", "Success"])


@pytest.mark.parametrize("kind, details, code", [("delivery", "DeliveryTimedOut", -1),
                                                 ("execution", "ExecutionTimedOut", 137)])
def test_forced_timeouts(harness, kind, details, code):
    instance = harness.seed()
    harness.faults(timedOut=kind)
    c = harness.clients()
    inv, _ = c.wait(c.send(instance, ["sleep 5"]), instance)
    assert (inv["Status"], inv["StatusDetails"], inv["ResponseCode"]) == ("TimedOut", details, code)


def test_throttling(harness):
    instance = harness.seed()
    c = harness.clients(config=NO_RETRIES)
    command_id = c.send(instance, ["true"])
    harness.faults(throttleCount=2, throttleOperations=["GetCommandInvocation"])

    for _ in range(2):
        with pytest.raises(ClientError) as err:
            c.ssm.get_command_invocation(CommandId=command_id, InstanceId=instance)
        assert error_code(err) == "ThrottlingException"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    c.ssm.get_command_invocation(CommandId=command_id, InstanceId=instance)

    harness.faults(throttleCount=1, throttleOperations=[])  # any SSM/EC2 operation
    with pytest.raises(ClientError) as err:
        c.ec2.describe_instances()
    assert error_code(err) == "RequestLimitExceeded"
    assert harness.state()["throttled"] == ["GetCommandInvocation"] * 2 + ["DescribeInstances"]

    # the SDK's own retries absorb a throttle
    harness.faults(throttleCount=1)
    retrying = harness.clients(config=Config(retries={"mode": "standard", "max_attempts": 3}))
    assert retrying.ssm.describe_instance_information()["InstanceInformationList"]


def test_every_call_is_counted_by_operation(harness):
    instance = harness.seed()
    c = harness.clients(config=NO_RETRIES)
    harness.faults(throttleCount=1, throttleOperations=["DescribeInstances"])
    with pytest.raises(ClientError):
        c.ec2.describe_instances()
    c.ec2.describe_instances()
    command_id = c.send(instance, ["true"])
    c.wait(command_id, instance)

    calls = harness.state()["calls"]
    assert calls["DescribeInstances"] == 2  # the throttled call counts too
    assert calls["SendCommand"] == 1
    assert calls["GetCommandInvocation"] >= 1
    harness.call("POST", "/reset", {})
    assert harness.state()["calls"] == {}


@pytest.mark.parametrize("mode", ["drop", "stall"])
def test_a_lost_answer_still_runs_the_command(harness, mode):
    """'The request succeeds, the response is lost': the client sees a dropped connection or a
    timeout, yet the command was sent once and runs."""
    instance = harness.seed()
    c = harness.clients(config=Config(retries={"mode": "standard", "total_max_attempts": 1},
                                      read_timeout=1, connect_timeout=1))
    harness.faults(loseResponses=1, loseResponseOperations=["SendCommand"], loseResponseMode=mode,
                   stallSeconds=3)
    with pytest.raises(Exception) as err:  # botocore: ConnectionClosedError / ReadTimeoutError
        c.ssm.send_command(InstanceIds=[instance], DocumentName="AWS-RunShellScript",
                           Parameters={"commands": ["echo ran anyway"]}, Comment="token-123")
    assert not isinstance(err.value, ClientError)

    [listed] = c.ssm.list_commands(InstanceId=instance)["Commands"]
    assert listed["Comment"] == "token-123"
    inv, _ = c.wait(listed["CommandId"], instance)
    assert (inv["Status"], inv["StandardOutputContent"]) == ("Success", "ran anyway\n")
    state = harness.state()
    assert state["calls"]["SendCommand"] == 1 and len(state["invocations"]) == 1
    assert [(lost["operation"], lost["mode"]) for lost in state["lost"]] == [("SendCommand", mode)]
    c.ssm.send_command(InstanceIds=[instance], DocumentName="AWS-RunShellScript",
                       Parameters={"commands": ["true"]})  # one loss only: answered again


def test_an_unprocessed_request_runs_nothing(harness):
    instance = harness.seed()
    c = harness.clients(config=NO_RETRIES)
    harness.faults(loseResponses=1, loseResponseOperations=["SendCommand"], loseResponseMode="unprocessed")
    with pytest.raises(Exception) as err:
        c.send(instance, ["touch /tmp/never"])
    assert not isinstance(err.value, ClientError)
    state = harness.state()
    assert state["calls"]["SendCommand"] == 1 and state["invocations"] == []
    assert c.ssm.list_commands(InstanceId=instance)["Commands"] == []


# --------------------------------------------------------------------------- #
# control API
# --------------------------------------------------------------------------- #


def test_control_api_faults_roundtrip_and_errors(harness):
    assert harness.faults(stepDelay=0.05)["stepDelay"] == 0.05
    assert harness.faults(stepDelay=None)["stepDelay"] == 0.1  # null = the CLI default
    assert harness.call("DELETE", "/faults")["throttleCount"] == 0
    for bad in ({"noSuchKnob": 1}, {"timedOut": "sometimes"}, {"loseResponseMode": "maybe"},
                {"loseResponses": -1}):
        with pytest.raises(urllib.error.HTTPError) as err:
            harness.faults(**bad)
        assert err.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as err:
        harness.call("POST", "/instances", {"platform": "beos"})
    assert err.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as err:
        harness.call("GET", "/nope")
    assert err.value.code == 404
    assert harness.call("GET", "/health") == {"ok": True}


def test_soft_reset_keeps_credentials_and_forgets_instances(harness):
    instance = harness.seed(accountId=ACCOUNT_B)
    b = harness.clients(ACCOUNT_B)
    harness.call("POST", "/reset", {"moto": False})

    assert b.sts.get_caller_identity()["Account"] == ACCOUNT_B  # same keys, same account
    with pytest.raises(ClientError) as err:  # still in EC2, no longer SSM-managed
        b.send(instance, ["true"])
    assert error_code(err) == "InvalidInstanceId"

    harness.call("POST", "/reset", {})
    assert b.sts.get_caller_identity()["Account"] != ACCOUNT_B  # moto forgot the keys
