#!/usr/bin/env python3
"""moto + a real SSM Run Command executor, for the `ec2-exec` plugin tests.

Why: moto 5.2.5 accepts SSM SendCommand but every invocation is born "Success"
with empty output, the instance list is ignored (an empty Targets list even
adds *every* instance of the region), and DescribeInstanceInformation and
CancelCommand are not implemented at all. A plugin that sends a command and
polls GetCommandInvocation cannot be tested against that.

What this module does, in one process:

* runs moto's ThreadedMotoServer on 127.0.0.1 (EC2, SSM, STS, S3 ... as usual);
* keeps a registry of "managed" EC2 instances (SSM agent installed/registered),
  seeded through a control API; EC2 itself stays moto's, so DescribeInstances,
  Stop/StartInstances and multi-account isolation are moto's own behaviour;
* patches moto's SSM backend/response classes (process-wide, once):
  SendCommand validates instance ids like AWS (InvalidInstanceId) and hands
  each invocation to the executor; GetCommandInvocation returns a consistent
  snapshot and honours fault knobs; CancelCommand and DescribeInstanceInformation
  are added; SSM and EC2 calls can be throttled, or lose their answer (processed,
  then the connection dropped or stalled: what a client's timeout looks like), and
  every call is counted by operation;
* the executor runs one worker thread per invocation: Pending -> (Delayed) ->
  InProgress -> Success | Failed | TimedOut | Cancelled, with small delays, and
  really runs the document's `commands` with /bin/sh in a temporary directory.

Data flow:
  client --HTTP--> ControlApi (WSGI wrapper) --/_harness/*--> control API
                                             --anything else--> moto
  SendCommand --> moto (patched) --> Harness.on_command_sent --> one worker thread
  per invocation --> writes the invocation dicts moto keeps in Command.invocations
  (under Harness.lock) --> GetCommandInvocation returns a snapshot of that dict.

Tests only: the executor runs arbitrary shell on the local machine.

Standalone:
    python tests/sandbox/moto_harness.py --port 0 --seed-instances 111111111111:us-east-1
prints one JSON line on stdout when ready, logs to stderr, exits on SIGTERM/SIGINT.
See `--help` and the `/_harness` routes in `ControlApi` for the full interface.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, Iterable

LOG = logging.getLogger("moto-harness")

DEFAULT_ACCOUNT = "123456789012"  # moto's DEFAULT_ACCOUNT_ID
DEFAULT_REGION = "us-east-1"
# AMIs from moto's bundled default set (moto/ec2/resources/amis.json.gz):
# moto copies the AMI's `platform` onto the instance, which is how a Windows
# instance gets `Platform: windows` in DescribeInstances.
LINUX_AMI = "ami-760aaa0f"  # amzn-ami-hvm-2017.09.1, platform None
WINDOWS_AMI = "ami-03cf127a"  # Windows_Server-2016 Nano, platform "windows"

SHELL_DOCUMENT = "AWS-RunShellScript"
POWERSHELL_DOCUMENT = "AWS-RunPowerShellScript"
# document -> (plugin name, platforms the document declares)
DOCUMENTS = {
    SHELL_DOCUMENT: ("aws:runShellScript", {"Linux", "MacOS"}),
    POWERSHELL_DOCUMENT: ("aws:runPowerShellScript", {"Windows", "Linux"}),
}
DEFAULT_EXECUTION_TIMEOUT = 3600  # both documents' executionTimeout default

# GetCommandInvocation limits (botocore ssm model: StandardOutputContent max
# 24000, StandardErrorContent max 8000). The agent cuts the text so that it,
# suffix included, fits the limit; suffixes are the agent's own.
STDOUT_LIMIT = 24000
STDERR_LIMIT = 8000
STDOUT_TRUNCATED_SUFFIX = "\n---Output truncated---"
STDERR_TRUNCATED_SUFFIX = "\n---Error truncated----"
# Exit code the agent reports when it killed the script (timeout or cancel):
# 137 (128 + SIGKILL) on Linux, -1 on Windows.
PREEMPTED_EXIT_CODE = {"Linux": 137, "Windows": -1}
TERMINAL_STATUSES = {"Success", "Failed", "TimedOut", "Cancelled"}
LOSS_MODES = ("drop", "stall", "unprocessed")
AGENT_VERSION = "3.3.1142.0"

# The running harness. moto's backends are process-wide singletons, and so are
# the patches below, so there is at most one running harness per process.
_ACTIVE: "Harness | None" = None
_PATCHED = False


# --------------------------------------------------------------------------- #
# State
# --------------------------------------------------------------------------- #


@dataclass
class Faults:
    """Fault-injection knobs. Snapshotted per invocation at SendCommand time,
    except the throttle counter, which is consumed by calls as they arrive."""

    stepDelay: float = 0.15  # seconds spent in each of Pending and InProgress
    invocationDoesNotExistPolls: int = 0  # first N GetCommandInvocation polls fail
    delayedSeconds: float = 0.0  # time in `Delayed` between Pending and InProgress
    timedOut: str | None = None  # None | "delivery" | "execution": force TimedOut
    deliveryTimeoutSeconds: float | None = None  # caps TimeoutSeconds for offline nodes
    throttleCount: int = 0  # next N matching SSM/EC2 calls get throttled
    throttleOperations: list[str] = field(default_factory=list)  # [] = every operation
    # Lost answers: the next N matching SSM/EC2 calls never get a response. "drop": the call is
    # processed (SendCommand really starts the command), then the connection is closed without
    # an answer; "stall": processed, then the answer is held for stallSeconds (past the
    # client's timeout) and the connection closed; "unprocessed": the connection is closed
    # before moto sees the call (the request, not the response, is lost).
    loseResponses: int = 0
    loseResponseOperations: list[str] = field(default_factory=list)  # [] = every operation
    loseResponseMode: str = "drop"
    stallSeconds: float = 30.0

    def update(self, changes: dict[str, Any], defaults: "Faults") -> None:
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault knob(s): {sorted(unknown)}; known: {sorted(known)}")
        checked = {key: _check_knob(key, value) for key, value in changes.items()}
        for key, value in checked.items():
            # null restores the default, so a test can clear one knob
            setattr(self, key, getattr(defaults, key) if value is None else value)


def _check_knob(key: str, value: Any) -> Any:
    """Reject ill-typed knobs at the control API, not later in a worker thread."""
    if value is None:
        return None
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if key in ("stepDelay", "delayedSeconds", "deliveryTimeoutSeconds", "stallSeconds"):
        ok = number and value >= 0
    elif key in ("invocationDoesNotExistPolls", "throttleCount", "loseResponses"):
        ok = number and value >= 0 and int(value) == value
        value = int(value) if ok else value
    elif key in ("throttleOperations", "loseResponseOperations"):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif key == "loseResponseMode":
        ok = value in LOSS_MODES
    else:  # timedOut
        ok = value in ("delivery", "execution")
    if not ok:
        raise ValueError(f"bad value for fault knob {key}: {value!r}")
    return value


@dataclass
class ManagedNode:
    """A harness-seeded EC2 instance and whether an SSM agent is 'installed'."""

    accountId: str
    region: str
    instanceId: str
    name: str
    platform: str  # "Linux" | "Windows" (SSM PlatformType spelling)
    ssmManaged: bool
    registeredAt: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["registeredAt"] = self.registeredAt.isoformat()
        return data


@dataclass
class Invocation:
    """Executor-side record of one (command, instance) pair. `view` is the very
    dict moto keeps in Command.invocations: it is what clients see."""

    accountId: str
    region: str
    commandId: str
    instanceId: str
    platform: str
    document: str
    commands: list[str]
    executionTimeout: float
    deliveryTimeout: float
    faults: Faults
    view: dict[str, Any]
    command: Any  # moto.ssm.models.Command, for the command-level status
    cancel: threading.Event = field(default_factory=threading.Event)
    polls: int = 0
    cancelRequested: bool = False
    processStarted: bool = False
    processKilled: bool = False
    startedAt: float | None = None
    discarded: bool = False  # set on reset: the worker must stop touching state
    worker: threading.Thread | None = None
    # every Status it went through: lets tests assert the phases without
    # depending on how fast they poll
    history: list[str] = field(default_factory=lambda: ["Pending"])

    def to_json(self) -> dict[str, Any]:
        keep = ("accountId", "region", "commandId", "instanceId", "platform", "document",
                "commands", "executionTimeout", "polls", "cancelRequested",
                "processStarted", "processKilled", "history")
        data = {k: getattr(self, k) for k in keep}
        for k in ("Status", "StatusDetails", "ResponseCode"):
            data[k[0].lower() + k[1:]] = self.view.get(k)
        data["history"] = list(self.history)
        return data


class SsmError(Exception):
    """Raised by Harness methods; turned into a moto ServiceException by the
    patches, so the error is serialized exactly as the botocore model says."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _now_iso() -> str:
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _truncate(text: str, limit: int, suffix: str) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(suffix)] + suffix


def _no_invocation(command_id: str, instance_id: str) -> SsmError:
    return SsmError("InvocationDoesNotExist",
                    f"No invocation of command {command_id} on instance {instance_id}")


def _invalid_instance(instance_id: str, account_id: str) -> SsmError:
    # The message AWS gives for unknown, unmanaged or foreign instances.
    return SsmError("InvalidInstanceId",
                    f"Instances [[{instance_id}]] not in a valid state for account {account_id}")


# --------------------------------------------------------------------------- #
# The harness: registry, fault knobs, SSM semantics, executor
# --------------------------------------------------------------------------- #


class Harness:
    """At most one running per process (moto's backends and the patches are
    process-wide). Python API: Harness(port=0).start(), .seed_instance(),
    .credentials(), .reset(), .stop(); tests mostly use the HTTP control API."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, step_delay: float = 0.15):
        self.host = host
        self.port = port
        self.base_faults = Faults(stepDelay=step_delay)
        self.lock = threading.RLock()
        self.faults = Faults(stepDelay=step_delay)
        self.nodes: dict[tuple[str, str, str], ManagedNode] = {}
        self.invocations: dict[tuple[str, str], Invocation] = {}
        self.cancels: list[dict[str, Any]] = []
        self.throttled: list[str] = []
        # every SSM/EC2 call that reached the harness, by operation: throttled and lost ones too,
        # and the harness's own seeding calls (RunInstances, StopInstances)
        self.calls: dict[str, int] = {}
        self.lost: list[dict[str, str]] = []
        self._server: Any = None
        self._clients: dict[tuple[str, str, str], Any] = {}
        self.url = ""

    # -- lifecycle ---------------------------------------------------------- #

    def start(self) -> "Harness":
        # MOTO_ACCOUNT_ID beats every other account source in moto, which would
        # put every caller in one account and defeat multi-account tests.
        if os.environ.pop("MOTO_ACCOUNT_ID", None):
            LOG.warning("ignoring MOTO_ACCOUNT_ID: accounts come from the credentials")
        from moto.server import ThreadedMotoServer

        if self.port:
            _check_port_free(self.host, self.port)
        install_moto_patches(self)
        self._server = ThreadedMotoServer(self.host, self.port, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.port = port
        self.url = f"http://{host}:{port}"
        # Wrap the running WSGI app: werkzeug reads `server.app` per request.
        wsgi_server = self._server._server
        wsgi_server.app = ControlApi(self, wsgi_server.app)
        LOG.info("moto harness listening on %s", self.url)
        return self

    def stop(self) -> None:
        global _ACTIVE
        self._discard_invocations()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if _ACTIVE is self:
            _ACTIVE = None  # the moto patches fall back to moto's own behaviour

    def reset(self, moto: bool = True) -> None:
        """Kill running scripts, forget everything, and reset all moto backends.
        moto=False keeps moto's state: credentials minted earlier (and maybe
        cached by the host) keep mapping to their account; old instances stay
        in EC2 but are no longer SSM-managed."""
        self._discard_invocations()
        with self.lock:
            self.nodes.clear()
            self.invocations.clear()
            self.cancels.clear()
            self.throttled.clear()
            self.calls.clear()
            self.lost.clear()
            self.faults = Faults(**asdict(self.base_faults))
        if moto:
            _http_post(f"{self.url}/moto-api/reset", b"")

    def _discard_invocations(self) -> None:
        """Stop every worker; they kill their scripts' process groups on the way
        out. Joined so that no script outlives a reset or the harness."""
        with self.lock:
            invocations = list(self.invocations.values())
            for inv in invocations:
                inv.discarded = True
                inv.cancel.set()
        for inv in invocations:
            if inv.worker is not None and inv.worker is not threading.current_thread():
                inv.worker.join(timeout=5)

    # -- boto3 against ourselves: seeding uses the public API ---------------- #

    def client(self, service: str, account_id: str, region: str) -> Any:
        """A boto3 client acting in `account_id` (via moto's x-moto-account-id
        header), so seeding goes through moto's own EC2 API, not its internals."""
        key = (service, account_id, region)
        with self.lock:
            if key not in self._clients:
                import boto3

                client = boto3.client(service, endpoint_url=self.url, region_name=region,
                                      aws_access_key_id="harness", aws_secret_access_key="harness")

                def add_account(request: Any, **_: Any) -> None:
                    request.headers["x-moto-account-id"] = account_id

                client.meta.events.register("before-sign.*.*", add_account)
                self._clients[key] = client
            return self._clients[key]

    def seed_instance(self, account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION,
                      name: str = "harness-instance", platform: str = "linux",
                      state: str = "running", ssm_managed: bool = True) -> ManagedNode:
        if not (isinstance(account_id, str) and account_id.isdigit() and len(account_id) == 12):
            raise ValueError("accountId must be a 12-digit string")
        platform = platform.lower()
        if platform not in ("linux", "windows"):
            raise ValueError("platform must be linux or windows")
        if state not in ("running", "stopped"):
            raise ValueError("state must be running or stopped")
        ec2 = self.client("ec2", account_id, region)
        reservation = ec2.run_instances(
            ImageId=WINDOWS_AMI if platform == "windows" else LINUX_AMI,
            MinCount=1, MaxCount=1, InstanceType="t3.micro",
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": name}]}])
        instance_id = reservation["Instances"][0]["InstanceId"]
        if state == "stopped":
            ec2.stop_instances(InstanceIds=[instance_id])
        node = ManagedNode(account_id, region, instance_id, name,
                           "Windows" if platform == "windows" else "Linux", bool(ssm_managed))
        with self.lock:
            self.nodes[(account_id, region, instance_id)] = node
        LOG.info("seeded %s %s %s (%s, %s, managed=%s) in %s/%s", instance_id, name,
                 node.platform, state, platform, node.ssmManaged, account_id, region)
        return node

    def seed_standard_set(self, account_id: str, region: str) -> dict[str, str]:
        """The four instances every ec2-exec test needs, keyed by role."""
        specs = {
            "linux": dict(name="harness-linux", platform="linux"),
            "stopped": dict(name="harness-stopped", platform="linux", state="stopped"),
            "windows": dict(name="harness-windows", platform="windows"),
            "unmanaged": dict(name="harness-unmanaged", platform="linux", ssm_managed=False),
        }
        return {role: self.seed_instance(account_id=account_id, region=region, **spec).instanceId
                for role, spec in specs.items()}

    def credentials(self, account_id: str, role_name: str = "HarnessRole",
                    session_name: str = "moto-harness") -> dict[str, str]:
        """STS AssumeRole on arn:aws:iam::<account>:role/<role>. moto remembers
        the new access key and maps every request signed with it to <account>."""
        sts = self.client("sts", DEFAULT_ACCOUNT, DEFAULT_REGION)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}",
                                RoleSessionName=session_name)["Credentials"]
        return {"accessKeyId": creds["AccessKeyId"], "secretAccessKey": creds["SecretAccessKey"],
                "sessionToken": creds["SessionToken"],
                "expiration": creds["Expiration"].isoformat()}

    # -- registry helpers --------------------------------------------------- #

    def _node(self, account_id: str, region: str, instance_id: str) -> ManagedNode | None:
        with self.lock:
            return self.nodes.get((account_id, region, instance_id))

    @staticmethod
    def _ec2_instance(account_id: str, region: str, instance_id: str) -> Any:
        from moto.ec2.models import ec2_backends

        try:
            return ec2_backends[account_id][region].get_instance(instance_id)
        except Exception:  # gone (reset) or never existed
            return None

    def _live_managed(self, account_id: str, region: str, instance_id: str):
        """(node, ec2 instance) when the instance is managed and not terminated."""
        node = self._node(account_id, region, instance_id)
        if node is None or not node.ssmManaged:
            return None, None
        instance = self._ec2_instance(account_id, region, instance_id)
        if instance is None or instance.state in ("terminated", "shutting-down"):
            return None, None
        return node, instance

    def is_managed(self, account_id: str, region: str, instance_id: str) -> bool:
        return self._live_managed(account_id, region, instance_id)[0] is not None

    # -- throttling --------------------------------------------------------- #

    def should_throttle(self, operation: str) -> bool:
        with self.lock:
            f = self.faults
            if f.throttleCount <= 0:
                return False
            if f.throttleOperations and operation not in f.throttleOperations:
                return False
            f.throttleCount -= 1
            self.throttled.append(operation)
            return True

    # -- call counting and lost answers ------------------------------------ #

    def count_call(self, operation: str) -> None:
        with self.lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1

    def take_loss(self, operation: str) -> str | None:
        """The loss mode for this call, if its answer is to be lost (consumes one)."""
        with self.lock:
            f = self.faults
            if f.loseResponses <= 0:
                return None
            if f.loseResponseOperations and operation not in f.loseResponseOperations:
                return None
            f.loseResponses -= 1
            self.lost.append({"operation": operation, "mode": f.loseResponseMode, "at": _now_iso()})
            LOG.info("losing the answer to %s (%s)", operation, f.loseResponseMode)
            return f.loseResponseMode

    # -- SSM: SendCommand --------------------------------------------------- #

    def validate_send(self, account_id: str, region: str, instance_ids: Iterable[str],
                      document: str, parameters: dict[str, Any]) -> None:
        for instance_id in instance_ids:
            if not self.is_managed(account_id, region, instance_id):
                raise _invalid_instance(instance_id, account_id)
        if document not in DOCUMENTS:
            raise SsmError("InvalidDocument",
                           f"Document {document} is not emulated by the moto harness "
                           f"(only {', '.join(DOCUMENTS)})")
        if not parameters.get("commands"):
            raise SsmError("InvalidParameters", "Parameter \"commands\" is required.")
        _execution_timeout(parameters)  # raises InvalidParameters when malformed

    def on_command_sent(self, command: Any, account_id: str, region: str) -> None:
        """Called synchronously inside SendCommand, before the response is
        built: invocations must read Pending from the very first poll (a
        watcher thread polling moto's backend would race with that poll)."""
        plugin, _ = DOCUMENTS[command.document_name]
        execution_timeout = _execution_timeout(command.parameters)
        with self.lock:
            faults = Faults(**asdict(self.faults))
            delivery = float(command.timeout_seconds)
            if faults.deliveryTimeoutSeconds is not None:
                delivery = min(delivery, float(faults.deliveryTimeoutSeconds))
            command.status = command.status_details = "Pending"
            command.completed_count = command.error_count = 0
            command.target_count = len(command.instance_ids)
            for view in command.invocations:
                _reset_view(view, plugin)
                node = self._node(account_id, region, view["InstanceId"])
                inv = Invocation(account_id, region, command.command_id, view["InstanceId"],
                                 node.platform if node else "Linux", command.document_name,
                                 list(command.parameters["commands"]), execution_timeout,
                                 delivery, faults, view, command)
                self.invocations[(inv.commandId, inv.instanceId)] = inv
                inv.worker = threading.Thread(target=self._run_invocation, args=(inv,),
                                              name=f"ssm-{inv.commandId[:8]}-{inv.instanceId}",
                                              daemon=True)
                inv.worker.start()
        LOG.info("SendCommand %s %s -> %s in %s/%s", command.command_id, command.document_name,
                 command.instance_ids, account_id, region)

    # -- SSM: GetCommandInvocation / CancelCommand -------------------------- #

    def get_invocation(self, account_id: str, region: str, command_id: str, instance_id: str,
                       plugin_name: str | None) -> dict[str, Any]:
        with self.lock:
            inv = self.invocations.get((command_id, instance_id))
            # another account's (or region's) command does not exist for the caller
            if inv is None or inv.discarded or (inv.accountId, inv.region) != (account_id, region):
                raise _no_invocation(command_id, instance_id)
            inv.polls += 1
            if inv.polls <= inv.faults.invocationDoesNotExistPolls:
                raise _no_invocation(command_id, instance_id)
            if plugin_name and plugin_name != inv.view["PluginName"]:
                raise SsmError("InvalidPluginName", f"Plugin {plugin_name} is not in the document")
            snapshot = dict(inv.view)
        if snapshot["ExecutionStartDateTime"] and inv.startedAt is not None \
                and snapshot["Status"] not in TERMINAL_STATUSES:
            snapshot["ExecutionElapsedTime"] = _elapsed(time.monotonic() - inv.startedAt)
        return snapshot

    def cancel(self, account_id: str, region: str, command: Any,
               instance_ids: list[str] | None) -> None:
        targets = instance_ids or list(command.instance_ids)
        with self.lock:
            invs = []
            for instance_id in targets:
                inv = self.invocations.get((command.command_id, instance_id))
                if inv is None:
                    raise _invalid_instance(instance_id, account_id)
                invs.append(inv)
            self.cancels.append({"accountId": account_id, "region": region,
                                 "commandId": command.command_id, "instanceIds": targets,
                                 "at": _now_iso()})
            for inv in invs:
                if inv.view["Status"] in TERMINAL_STATUSES:
                    continue  # AWS accepts the call; finished invocations stay as they are
                inv.cancelRequested = True
                self._set(inv, "Cancelling", "Cancelling")
                inv.cancel.set()
        LOG.info("CancelCommand %s %s", command.command_id, targets)

    # -- SSM: DescribeInstanceInformation ----------------------------------- #

    def instance_information(self, account_id: str, region: str) -> list[dict[str, Any]]:
        with self.lock:
            nodes = [n for (a, r, _), n in self.nodes.items() if (a, r) == (account_id, region)]
        out = []
        for node in nodes:
            node, instance = self._live_managed(account_id, region, node.instanceId)
            if node is not None:
                out.append(_instance_information(node, instance))
        return out

    # -- executor ----------------------------------------------------------- #

    def _set(self, inv: Invocation, status: str, details: str, **extra: Any) -> None:
        """Publish a state change of one invocation and of its command."""
        with self.lock:
            if inv.discarded:
                return
            inv.view.update(Status=status, StatusDetails=details, **extra)
            inv.history.append(status)
            _update_command_status(inv.command)

    def _wait(self, inv: Invocation, seconds: float) -> bool:
        """Sleep unless cancelled; True when the wait ran to its end."""
        return not inv.cancel.wait(max(0.0, seconds))

    def _run_invocation(self, inv: Invocation) -> None:
        try:
            self._drive(inv)
        except Exception:  # a harness bug must show up as a failed invocation
            LOG.exception("invocation %s/%s crashed", inv.commandId, inv.instanceId)
            self._finish(inv, "Failed", "Failed", -1, "", "moto harness: internal error")

    def _drive(self, inv: Invocation) -> None:
        f = inv.faults
        if not self._wait(inv, f.stepDelay):  # visible Pending
            return self._finish_cancelled(inv)
        if f.timedOut == "delivery" or not self._await_delivery(inv):
            if inv.cancel.is_set():
                return self._finish_cancelled(inv)
            return self._finish(inv, "TimedOut", "DeliveryTimedOut", -1, "", "")
        if f.delayedSeconds > 0:
            self._set(inv, "Delayed", "Delayed")
            if not self._wait(inv, f.delayedSeconds):
                return self._finish_cancelled(inv)
        if inv.platform not in DOCUMENTS[inv.document][1]:
            return self._finish(inv, "Failed", "InvalidPlatform", -1, "", "")
        inv.startedAt = time.monotonic()
        self._set(inv, "InProgress", "InProgress", ExecutionStartDateTime=_now_iso())
        if not self._wait(inv, f.stepDelay):  # visible InProgress
            return self._finish_cancelled(inv)
        timeout = f.stepDelay if f.timedOut == "execution" else inv.executionTimeout
        outcome, code, out, err = self._execute(inv, timeout)
        self._finish_execution(inv, outcome, code, out, err)

    def _await_delivery(self, inv: Invocation) -> bool:
        """An offline (stopped) node gets the command if it comes back before
        the delivery timeout (SendCommand TimeoutSeconds), as on AWS."""
        deadline = time.monotonic() + inv.deliveryTimeout
        while True:
            node, instance = self._live_managed(inv.accountId, inv.region, inv.instanceId)
            if node is not None and instance.state == "running":
                return True
            if time.monotonic() >= deadline or not self._wait(inv, 0.05):
                return False

    def _execute(self, inv: Invocation, timeout: float) -> tuple[str, int, str, str]:
        """Run the script with /bin/sh; returns (outcome, exit code, stdout, stderr)."""
        workdir = tempfile.mkdtemp(prefix=f"moto-harness-{inv.instanceId}-")
        try:
            script = os.path.join(workdir, "_script.ps1" if inv.document == POWERSHELL_DOCUMENT
                                  else "_script.sh")
            with open(script, "w", encoding="utf-8") as fh:
                fh.write("\n".join(inv.commands) + "\n")
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": workdir,
                   "LANG": "C.UTF-8", "PWD": workdir,
                   # the real agent exports these to RunShellScript
                   "AWS_SSM_INSTANCE_ID": inv.instanceId, "AWS_SSM_REGION_NAME": inv.region}
            # PowerShell is emulated with /bin/sh too: `echo`, `exit N`, `hostname`
            # behave the same in both; no pwsh is needed on the test machine.
            proc = subprocess.Popen(["/bin/sh", script], cwd=workdir, env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
            inv.processStarted = True
            return self._wait_process(inv, proc, timeout)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _wait_process(self, inv: Invocation, proc: subprocess.Popen,
                      timeout: float) -> tuple[str, int, str, str]:
        deadline = time.monotonic() + timeout
        outcome = "exited"
        while True:
            try:
                out, err = proc.communicate(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                if inv.cancel.is_set() or time.monotonic() >= deadline:
                    outcome = "cancelled" if inv.cancel.is_set() else "timeout"
                    _kill_group(proc)
                    inv.processKilled = True
                    out, err = proc.communicate()
                    break
        decode = lambda b: b.decode("utf-8", errors="replace")  # noqa: E731
        return outcome, proc.returncode, decode(out), decode(err)

    def _finish_execution(self, inv: Invocation, outcome: str, code: int,
                          out: str, err: str) -> None:
        preempted = PREEMPTED_EXIT_CODE.get(inv.platform, 137)
        if outcome == "cancelled":
            return self._finish(inv, "Cancelled", "Cancelled", preempted, out, err)
        if outcome == "timeout":
            return self._finish(inv, "TimedOut", "ExecutionTimedOut", preempted, out, err)
        if code == 0:
            return self._finish(inv, "Success", "Success", 0, out, err)
        if inv.document == SHELL_DOCUMENT:
            # The Linux agent appends this line to stderr on a non-zero exit.
            err = (err if not err or err.endswith("\n") else err + "\n") + \
                f"failed to run commands: exit status {code}"
        return self._finish(inv, "Failed", "Failed", code, out, err)

    def _finish_cancelled(self, inv: Invocation) -> None:
        if inv.discarded:
            return
        self._finish(inv, "Cancelled", "Cancelled", -1, "", "")

    def _finish(self, inv: Invocation, status: str, details: str, code: int,
                out: str, err: str) -> None:
        extra: dict[str, Any] = dict(
            ResponseCode=code,
            StandardOutputContent=_truncate(out, STDOUT_LIMIT, STDOUT_TRUNCATED_SUFFIX),
            StandardErrorContent=_truncate(err, STDERR_LIMIT, STDERR_TRUNCATED_SUFFIX))
        if inv.startedAt is not None:
            extra.update(ExecutionEndDateTime=_now_iso(),
                         ExecutionElapsedTime=_elapsed(time.monotonic() - inv.startedAt))
        self._set(inv, status, details, **extra)
        LOG.info("invocation %s %s -> %s/%s rc=%s", inv.commandId, inv.instanceId,
                 status, details, code)

    # -- introspection ------------------------------------------------------ #

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "url": self.url,
                "faults": asdict(self.faults),
                "instances": [n.to_json() for n in self.nodes.values()],
                "invocations": [i.to_json() for i in self.invocations.values()
                                if not i.discarded],
                "cancels": list(self.cancels),
                "throttled": list(self.throttled),
                "calls": dict(self.calls),
                "lost": list(self.lost),
            }


def _execution_timeout(parameters: dict[str, Any]) -> float:
    raw = (parameters.get("executionTimeout") or [str(DEFAULT_EXECUTION_TIMEOUT)])[0]
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise SsmError("InvalidParameters", f"executionTimeout {raw!r} is not a number")
    if not 1 <= value <= 172800:
        raise SsmError("InvalidParameters", "executionTimeout must be between 1 and 172800")
    return float(value)


def _elapsed(seconds: float) -> str:
    return f"PT{seconds:.3f}S"


def _reset_view(view: dict[str, Any], plugin: str) -> None:
    """Turn moto's born-Success invocation dict into a fresh Pending one."""
    view.update(PluginName=plugin, DocumentVersion="1", ResponseCode=-1,
                ExecutionStartDateTime="", ExecutionElapsedTime="", ExecutionEndDateTime="",
                Status="Pending", StatusDetails="Pending", StandardOutputContent="",
                StandardOutputUrl="", StandardErrorContent="", StandardErrorUrl="")


def _update_command_status(command: Any) -> None:
    statuses = [v["Status"] for v in command.invocations]
    done = [s for s in statuses if s in TERMINAL_STATUSES]
    command.completed_count = len(done)
    command.error_count = sum(s in ("Failed", "TimedOut") for s in statuses)
    if len(done) < len(statuses):
        status = "Pending" if all(s == "Pending" for s in statuses) else "InProgress"
        if any(s == "Cancelling" for s in statuses):
            status = "Cancelling"
    else:
        # the "worst" outcome wins, as the command-level status summarises nodes
        status = next((s for s in ("Failed", "TimedOut", "Cancelled") if s in statuses),
                      "Success")
    command.status = command.status_details = status


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _instance_information(node: ManagedNode, instance: Any) -> dict[str, Any]:
    windows = node.platform == "Windows"
    ip = instance.private_ip or "10.0.0.1"
    return {
        "InstanceId": node.instanceId,
        # a stopped node's agent stops pinging: AWS shows ConnectionLost
        "PingStatus": "Online" if instance.state == "running" else "ConnectionLost",
        "LastPingDateTime": dt.datetime.now(dt.timezone.utc),
        "AgentVersion": AGENT_VERSION,
        "IsLatestVersion": True,
        "PlatformType": node.platform,
        "PlatformName": "Microsoft Windows Server 2016 Datacenter" if windows else "Amazon Linux",
        "PlatformVersion": "10.0.14393" if windows else "2",
        "ResourceType": "EC2Instance",
        "IPAddress": ip,
        "ComputerName": ("EC2AMAZ-" + node.instanceId[-7:].upper()) if windows
        else f"ip-{ip.replace('.', '-')}.ec2.internal",
        "RegistrationDate": node.registeredAt,
        "SourceId": node.instanceId,
        "SourceType": "AWS::EC2::Instance",
        "_tags": {t["key"]: t["value"] for t in instance.get_tags()},
    }


# --------------------------------------------------------------------------- #
# DescribeInstanceInformation filters and paging
# --------------------------------------------------------------------------- #

_FILTER_FIELDS = {"InstanceIds": "InstanceId", "PingStatus": "PingStatus",
                  "PlatformTypes": "PlatformType", "ResourceType": "ResourceType",
                  "AgentVersion": "AgentVersion"}


def _filter_matches(info: dict[str, Any], key: str, values: list[str]) -> bool:
    if key.startswith("tag:"):
        return info["_tags"].get(key[4:]) in values
    if key == "tag-key":
        return any(v in info["_tags"] for v in values)
    if key not in _FILTER_FIELDS:
        raise SsmError("InvalidFilterKey", f"Filter key {key} is not supported")
    return str(info[_FILTER_FIELDS[key]]) in values


def filter_instance_information(infos: list[dict[str, Any]], legacy: list[dict] | None,
                                filters: list[dict] | None) -> list[dict[str, Any]]:
    if legacy and filters:
        raise SsmError("InvalidInstanceInformationFilterValue",
                       "InstanceInformationFilterList and Filters cannot be used together")
    pairs = [(f["key"], f["valueSet"]) for f in legacy or []] + \
            [(f["Key"], f["Values"]) for f in filters or []]
    return [i for i in infos if all(_filter_matches(i, k, v) for k, v in pairs)]


def paginate(items: list[dict[str, Any]], max_results: int | None,
             token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    size = max_results or 10  # AWS default page size for this call
    try:
        start = int(token) if token else 0
    except ValueError:
        raise SsmError("InvalidNextToken", "The specified token is not valid.")
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


# --------------------------------------------------------------------------- #
# moto patches (process-wide, installed once)
# --------------------------------------------------------------------------- #


def _service_error(err: SsmError) -> Exception:
    # moto picks the botocore model for an error from the exception's module,
    # so the exception must come from moto.ssm for SSM's JSON error shape.
    from moto.ssm.exceptions import SSMException

    return SSMException(err.code, err.message)


def _raising_service_errors(fn: Callable) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SsmError as err:
            raise _service_error(err) from None
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def install_moto_patches(harness: Harness) -> None:
    """Patch moto once per process; the patches act for the active harness and
    fall back to moto's own behaviour while none is running."""
    global _ACTIVE, _PATCHED
    if _ACTIVE is not None and _ACTIVE is not harness:
        raise RuntimeError("one running moto harness per process: moto's state is process-wide")
    _ACTIVE = harness
    if not _PATCHED:
        _patch_ssm_models()
        _patch_ssm_responses()
        _patch_call_action()
        _PATCHED = True


def _patch_ssm_models() -> None:
    from moto.ec2.models import ec2_backends
    from moto.ssm import models

    original_targets = models.Command._get_instance_ids_from_targets

    def targets_instance_ids(self: Any) -> list[str]:
        # moto turns an empty Targets list into "every instance in the region";
        # AWS resolves Targets to the *managed* nodes that match, nothing else.
        if _ACTIVE is None:
            return original_targets(self)
        if not self.targets:
            return []
        by_key = {t["Key"]: t["Values"] for t in self.targets}
        explicit = by_key.pop("InstanceIds", None)
        backend = ec2_backends[self.account_id][self.backend_region]
        found = [i.id for r in backend.all_reservations(filters=by_key) for i in r.instances]
        if explicit is not None:
            found = [i for i in found if i in explicit]
        return [i for i in found if _ACTIVE.is_managed(self.account_id, self.backend_region, i)]

    original_send = models.SimpleSystemManagerBackend.send_command
    original_get = models.SimpleSystemManagerBackend.get_command_invocation

    @_raising_service_errors
    def send_command(self: Any, **kwargs: Any) -> Any:
        if _ACTIVE is None:
            return original_send(self, **kwargs)
        _ACTIVE.validate_send(self.account_id, self.region_name,
                              kwargs.get("instance_ids") or [], kwargs.get("document_name"),
                              kwargs.get("parameters") or {})
        command = original_send(self, **kwargs)
        _ACTIVE.on_command_sent(command, self.account_id, self.region_name)
        return command

    @_raising_service_errors
    def get_command_invocation(self: Any, command_id: str, instance_id: str,
                               plugin_name: str | None) -> dict[str, Any]:
        if _ACTIVE is None:
            return original_get(self, command_id, instance_id, plugin_name)
        return _ACTIVE.get_invocation(self.account_id, self.region_name, command_id,
                                      instance_id, plugin_name)

    models.Command._get_instance_ids_from_targets = targets_instance_ids
    models.SimpleSystemManagerBackend.send_command = send_command
    models.SimpleSystemManagerBackend.get_command_invocation = get_command_invocation


def _patch_ssm_responses() -> None:
    from moto.core.responses import ActionResult, EmptyResult
    from moto.ssm.responses import SimpleSystemManagerResponse as Response

    def require_harness() -> Harness:
        if _ACTIVE is None:  # as unpatched moto would answer
            raise NotImplementedError("needs a running moto harness")
        return _ACTIVE

    @_raising_service_errors
    def cancel_command(self: Any) -> Any:
        harness = require_harness()
        command_id = self._get_param("CommandId")
        try:
            command = self.ssm_backend.get_command_by_id(command_id)
        except Exception:
            raise SsmError("InvalidCommandId", f"Invalid command id {command_id}") from None
        harness.cancel(self.current_account, self.region, command,
                       self._get_param("InstanceIds"))
        return EmptyResult()

    @_raising_service_errors
    def describe_instance_information(self: Any) -> Any:
        infos = require_harness().instance_information(self.current_account, self.region)
        infos = filter_instance_information(
            infos, self._get_param("InstanceInformationFilterList"), self._get_param("Filters"))
        page, token = paginate(infos, self._get_int_param("MaxResults"),
                               self._get_param("NextToken"))
        result: dict[str, Any] = {"InstanceInformationList": [
            {k: v for k, v in i.items() if not k.startswith("_")} for i in page]}
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    # moto finds response methods by name at call time (inspect.getmembers)
    Response.cancel_command = cancel_command
    Response.describe_instance_information = describe_instance_information


def _patch_call_action() -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses import EC2Response
    from moto.ssm.exceptions import SSMException
    from moto.ssm.responses import SimpleSystemManagerResponse

    # The error code each service uses when it throttles (botocore retries both).
    for cls, error in ((SimpleSystemManagerResponse, (SSMException, "ThrottlingException",
                                                      "Rate exceeded")),
                       (EC2Response, (EC2ClientError, "RequestLimitExceeded",
                                      "Request limit exceeded."))):
        original = cls.call_action

        def call_action(self: Any, _original: Callable = original, _error: tuple = error) -> Any:
            operation = self._get_action()
            harness = _ACTIVE
            if harness is None or not operation:
                return _original(self)
            harness.count_call(operation)
            if harness.should_throttle(operation):
                LOG.info("throttling %s", operation)
                exc_type, code, message = _error
                status, headers, body = self.serialized(ActionResult(exc_type(code, message)))
                headers, body = self._enrich_response(headers, body)  # adds the request id
                return status, headers, body
            loss = harness.take_loss(operation)
            _LOSS.mode = loss  # ControlApi drops the connection once moto is done
            if loss == "unprocessed":
                return 500, {}, b""  # never reaches the client: the connection is dropped
            return _original(self)

        cls.call_action = call_action


# The loss mode of the call this thread is serving (werkzeug serves each request on its own
# thread). moto hands `call_action` a request rebuilt from the environ, without the socket, so
# the connection is dropped one level up, in ControlApi, where the environ is at hand.
_LOSS = threading.local()


def _drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's connection without an answer. werkzeug's dev server puts the socket in
    the environ; its later write of the response fails quietly (it expects dropped clients)."""
    sock = environ.get("werkzeug.socket")
    if sock is None:
        raise RuntimeError("no werkzeug.socket in the environ: cannot drop the connection")
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # the client already went away


# --------------------------------------------------------------------------- #
# Control API: /_harness/* on the same port as moto
# --------------------------------------------------------------------------- #


class ControlApi:
    """WSGI wrapper: /_harness/* is handled here, everything else goes to moto.

    GET    /_harness/health          -> {"ok": true}
    GET    /_harness/state           -> instances, invocations, cancels, throttled, faults,
                                      calls (SSM/EC2 calls by operation), lost (lost answers)
    GET    /_harness/instances       -> [instance]
    POST   /_harness/instances       {accountId, region, name, platform: linux|windows,
                                      state: running|stopped, ssmManaged} -> instance
    POST   /_harness/seed            {accountId, region} -> {linux, stopped, windows, unmanaged}
    GET    /_harness/faults          -> faults
    POST   /_harness/faults          partial faults (null = default) -> faults
    DELETE /_harness/faults          -> default faults
    POST   /_harness/credentials     {accountId, roleName?, sessionName?}
                                      -> {accessKeyId, secretAccessKey, sessionToken, expiration}
    POST   /_harness/reset           {moto?: true} kill scripts, clear harness state, and
                                      (unless moto is false) reset all moto backends -> {"ok": true}
    """

    def __init__(self, harness: Harness, moto_app: Callable):
        self.harness = harness
        self.moto_app = moto_app
        self.routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
            ("GET", "/_harness/health"): lambda _: {"ok": True},
            ("GET", "/_harness/state"): lambda _: harness.state(),
            ("GET", "/_harness/instances"): lambda _: harness.state()["instances"],
            ("POST", "/_harness/instances"):
                lambda b: harness.seed_instance(**_snake_case(b)).to_json(),
            ("POST", "/_harness/seed"): self._seed,
            ("GET", "/_harness/faults"): lambda _: asdict(harness.faults),
            ("POST", "/_harness/faults"): self._update_faults,
            ("DELETE", "/_harness/faults"): self._clear_faults,
            ("POST", "/_harness/credentials"): lambda b: harness.credentials(**_snake_case(b)),
            ("POST", "/_harness/reset"): self._reset,
        }

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_harness"):
            return self._moto(environ, start_response)
        route = self.routes.get((environ["REQUEST_METHOD"], path.rstrip("/")))
        if route is None:
            return _json_response(start_response, 404, {"error": f"no route {path}"})
        try:
            body = _read_json(environ)
            return _json_response(start_response, 200, route(body))
        except (TypeError, ValueError) as err:  # bad fields, bad values
            return _json_response(start_response, 400, {"error": str(err)})
        except Exception as err:
            LOG.exception("control API %s failed", path)
            return _json_response(start_response, 500, {"error": repr(err)})

    def _moto(self, environ: dict[str, Any], start_response: Callable) -> Any:
        """moto's answer, unless a `loseResponses` fault took this call (see Faults)."""
        _LOSS.mode = None
        answer = self.moto_app(environ, start_response)
        mode, _LOSS.mode = getattr(_LOSS, "mode", None), None
        if mode is None:
            return answer
        if mode == "stall":
            time.sleep(self.harness.faults.stallSeconds)
        _drop_connection(environ)
        if hasattr(answer, "close"):
            answer.close()
        return []

    def _seed(self, body: dict[str, Any]) -> dict[str, str]:
        return self.harness.seed_standard_set(body.get("accountId", DEFAULT_ACCOUNT),
                                              body.get("region", DEFAULT_REGION))

    def _update_faults(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.harness.lock:
            self.harness.faults.update(body, self.harness.base_faults)
            LOG.info("faults now %s", asdict(self.harness.faults))
            return asdict(self.harness.faults)

    def _clear_faults(self, _: dict[str, Any]) -> dict[str, Any]:
        with self.harness.lock:
            self.harness.faults = Faults(**asdict(self.harness.base_faults))
            return asdict(self.harness.faults)

    def _reset(self, body: dict[str, Any]) -> dict[str, Any]:
        self.harness.reset(moto=bool(body.get("moto", True)))
        return {"ok": True}


def _snake_case(body: dict[str, Any]) -> dict[str, Any]:
    """JSON camelCase keys -> Python keyword names (accountId -> account_id)."""
    return {"".join("_" + c.lower() if c.isupper() else c for c in k): v for k, v in body.items()}


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


def _json_response(start_response: Callable, status: int, payload: Any) -> list[bytes]:
    body = json.dumps(payload, default=str).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
    start_response(f"{status} {reason[status]}", [("Content-Type", "application/json"),
                                                  ("Content-Length", str(len(body)))])
    return [body]


def _check_port_free(host: str, port: int) -> None:
    """ThreadedMotoServer.start() waits forever when its thread cannot bind,
    so find out first (with SO_REUSEADDR, as werkzeug binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _http_post(url: str, data: bytes) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST"),
                                timeout=30) as resp:
        return resp.read()


# --------------------------------------------------------------------------- #
# Standalone entry point
# --------------------------------------------------------------------------- #


def _parse_seed(spec: str) -> tuple[str, str]:
    account, _, region = spec.partition(":")
    if not (account.isdigit() and len(account) == 12):
        raise argparse.ArgumentTypeError(f"{spec!r}: expected ACCOUNT[:REGION], 12-digit account")
    return account, region or DEFAULT_REGION


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    p.add_argument("--seed-instances", metavar="ACCOUNT[:REGION]", type=_parse_seed,
                   action="append", default=[],
                   help="seed the standard set (linux, stopped, windows, unmanaged) in this "
                        f"account/region (region default {DEFAULT_REGION}); repeatable")
    p.add_argument("--step-delay", type=float, default=0.15,
                   help="seconds each invocation spends in Pending and in InProgress (0.15)")
    p.add_argument("--verbose", action="store_true", help="also log every HTTP request")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    harness = Harness(args.host, args.port, step_delay=args.step_delay).start()
    instances: dict[str, dict[str, dict[str, str]]] = {}
    for account, region in args.seed_instances:
        instances.setdefault(account, {})[region] = harness.seed_standard_set(account, region)
    ready = {"url": harness.url, "port": harness.port, "controlUrl": f"{harness.url}/_harness",
             "pid": os.getpid(), "instances": instances}
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()

    stop.wait()
    LOG.info("shutting down")
    harness.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
