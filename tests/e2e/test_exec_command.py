"""End to end: `aws_sso_exec_command` as a user meets it, through a real MCP client over stdio and
through the `mcp-aws-sso exec-command` CLI verb.

The world: `moto_server` plays AWS (STS, S3, EC2), the SSO emulator plays IAM Identity Center and
mints each role's credentials with moto's `sts:AssumeRole` on `arn:aws:iam::<account>:role/<role>`,
so `aws sts get-caller-identity` really names the account and role that were asked for. The `aws`
binary is the real AWS CLI (v1, from the test venv); a few tests put a stub `aws` first on PATH to
produce what moto cannot (a command that blocks, the exact AccessDenied text, an expired token).

Signing in is a real `mcp-aws-sso login` the emulator approves (`sso_helpers.login`).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import anyio
import pytest

from host_harness import VENV_BIN, HostSetup, text_of
from sso_helpers import cached_secrets, login

TOOL = "aws_sso_exec_command"
ACCOUNT = "111111111111"
ROLE = "ReadOnly"
# The emulator's generated accounts have these roles with `roles=3`.
OTHER_ROLES = ["PowerUser", "Admin"]
SHELL_REFUSAL = "Only a single `aws` command runs here"


# --------------------------------------------------------------------------- the sandbox


@pytest.fixture(scope="module")
def moto_url(venv_bin, free_port, tmp_path_factory):
    """moto_server on a free loopback port, for the whole module."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log_path, "wb") as log:
        moto = subprocess.Popen([venv_bin("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except OSError:
                if moto.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield url
    finally:
        moto.terminate()
        moto.wait(10)


@pytest.fixture
def aws_host(host: HostSetup, sso, moto_url) -> HostSetup:
    """A signed-in user of the sandbox whose role credentials are minted in moto; each account has
    the roles ReadOnly, PowerUser and Admin."""
    sso.configure(moto_url=moto_url, roles=3)
    host.moto_url = moto_url
    login(host)
    return host


# --------------------------------------------------------------------------- helpers


def args(command: str, role: str = ROLE, **extra) -> dict:
    return {"accountId": ACCOUNT, "roleName": role, "command": command, **extra}


def call(setup: HostSetup, *calls: dict, progress=None, **env):
    """Runs tool calls in one MCP session; returns their results in order."""
    async def scenario():
        async with setup.mcp(**env) as session:
            return [await session.call_tool(TOOL, arguments, progress_callback=progress) for arguments in calls]
    return anyio.run(scenario)


def call_one(setup: HostSetup, arguments: dict, **env):
    return call(setup, arguments, **env)[0]


def cli(setup: HostSetup, command: str, *flags: str, role: str = ROLE, **env) -> subprocess.CompletedProcess:
    return setup.cli("exec-command", "--account-id", ACCOUNT, "--role-name", role, "--command", command,
                     *flags, **env)


def stub_aws(directory: Path, script: str) -> str:
    """An executable `aws` shell script in `directory`; returns a PATH that finds it first."""
    directory.mkdir(parents=True, exist_ok=True)
    aws = directory / "aws"
    aws.write_text("#!/bin/sh\n" + script)
    aws.chmod(0o755)
    return f"{directory}{os.pathsep}{VENV_BIN}{os.pathsep}/usr/bin{os.pathsep}/bin"


def process_gone(pid: int, within: float = 5.0) -> bool:
    """True once `pid` is no longer running (a zombie counts as gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if ") Z " in stat.read():
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def wait_for_file(path: Path, within: float = 20.0) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


# --------------------------------------------------------------------------- the real AWS CLI


def test_caller_identity_is_the_requested_account_and_role_over_mcp(aws_host):
    result = call_one(aws_host, args("aws sts get-caller-identity"))
    text = text_of(result)
    assert not result.is_error, text
    assert text.startswith("# AWS SSO: Command Result\n")
    assert f"**Account/Role:** {ACCOUNT}/{ROLE}" in text
    assert "**Region:** us-east-1" in text
    assert "## Command\n```bash\naws sts get-caller-identity\n```" in text
    assert "## Output\n" in text

    structured = result.structured_content
    identity = json.loads(structured["stdout"])
    assert identity["Account"] == ACCOUNT
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/sandbox-user@example.com"
    assert structured["exitCode"] == 0
    assert structured["accountId"] == ACCOUNT and structured["roleName"] == ROLE
    assert structured["region"] == "us-east-1"
    assert structured["truncated"] is False
    assert structured["stdoutBytes"] == len(structured["stdout"].encode())
    assert structured["durationMs"] >= 0
    secrets = cached_secrets(aws_host.home)
    assert secrets, "the host should have cached the role's credentials"
    assert not any(secret in text or secret in json.dumps(structured) for secret in secrets)


def test_caller_identity_through_the_cli_with_another_role_and_region(aws_host):
    done = cli(aws_host, "aws sts get-caller-identity", "--region", "eu-west-1", "--json", role="PowerUser")
    assert done.returncode == 0, done.stderr
    structured = json.loads(done.stdout)
    identity = json.loads(structured["stdout"])
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/PowerUser/sandbox-user@example.com"
    assert structured["region"] == "eu-west-1"

    done = cli(aws_host, "aws sts get-caller-identity")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# AWS SSO: Command Result")
    assert f"assumed-role/{ROLE}/" in done.stdout


def test_s3_make_bucket_then_list_round_trip(aws_host):
    made, listed = call(aws_host, args("aws s3 mb s3://exec-e2e-bucket"), args("aws s3 ls"))
    assert not made.is_error, text_of(made)
    assert "make_bucket: exec-e2e-bucket" in made.structured_content["stdout"]
    assert not listed.is_error, text_of(listed)
    assert "exec-e2e-bucket" in listed.structured_content["stdout"]
    # The CLI front end sees the same bucket in the same account.
    done = cli(aws_host, "aws s3 ls")
    assert done.returncode == 0 and "exec-e2e-bucket" in done.stdout, done.stdout + done.stderr


def test_query_and_output_json_including_a_quoted_pipe(aws_host):
    setup_calls = [args(f"aws s3 mb s3://qry-{name}") for name in ("alpha", "beta")]
    *made, account, count, names = call(
        aws_host,
        *setup_calls,
        args("aws sts get-caller-identity --query Account --output json"),
        # The `|` and the backticks are JMESPath inside single quotes, not shell syntax.
        args("aws s3api list-buckets --query 'Buckets[?starts_with(Name, `qry-`)] | length(@)' --output json"),
        args("aws s3api list-buckets --query \"Buckets[?starts_with(Name, 'qry-')].Name\" --output text"),
    )
    assert all(not r.is_error for r in made), [text_of(r) for r in made]
    assert not account.is_error, text_of(account)
    assert json.loads(account.structured_content["stdout"]) == ACCOUNT
    assert not count.is_error, text_of(count)
    assert json.loads(count.structured_content["stdout"]) == 2
    assert names.structured_content["stdout"].split() == ["qry-alpha", "qry-beta"]


def test_a_failing_command_is_not_mislabelled_as_a_permission_problem(aws_host):
    result = call_one(aws_host, args("aws s3 ls s3://no-such-bucket-here"))
    text = text_of(result)
    assert result.is_error
    assert text.startswith("# ❌ AWS SSO: Command Error")
    assert "NoSuchBucket" in text
    assert "## Error: Command Failed (Exit Code 255)" in text  # the AWS CLI v1's exit code
    assert "Permission" not in text and "Available Roles" not in text
    assert result.structured_content["errorKind"] == "failed"
    assert result.structured_content["exitCode"] == 255


def test_output_larger_than_the_cap_is_truncated_with_a_note(aws_host):
    result = call_one(aws_host, args("aws ec2 describe-regions --output json"), MCP_AWS_SSO_MAX_OUTPUT="1000")
    text = text_of(result)
    assert not result.is_error, text
    structured = result.structured_content
    assert structured["truncated"] is True
    assert structured["stdoutBytes"] > 3000  # about 6 KB of regions
    assert len(structured["stdout"]) <= 1000
    assert structured["stdout"].startswith("{")
    assert f"**Output truncated:** showing the first {len(structured['stdout'])} characters of " \
           f"{structured['stdoutBytes']} bytes the command wrote to stdout" in text


def test_read_only_mode_refuses_a_write_before_running_and_allows_reads(aws_host):
    refused, listed = call(aws_host, args("aws s3 mb s3://read-only-bucket"), args("aws s3 ls"),
                           MCP_AWS_SSO_READ_ONLY="true")
    assert refused.is_error
    assert "read-only mode" in text_of(refused) and "`aws s3 mb`" in text_of(refused)
    assert not listed.is_error, text_of(listed)
    assert "read-only-bucket" not in listed.structured_content["stdout"]
    done = cli(aws_host, "aws ec2 terminate-instances --instance-ids i-0123456789abcdef0",
               MCP_AWS_SSO_READ_ONLY="true")
    assert done.returncode == 1 and "read-only mode" in done.stderr, done.stderr


# --------------------------------------------------------------------------- nothing runs


INJECTIONS = [
    "aws s3 ls; touch {marker}",
    "aws s3 ls && touch {marker}",
    "aws s3 ls || touch {marker}",
    "aws s3 ls | touch {marker}",
    "aws s3 ls $(touch {marker})",
    'aws s3 ls "$(touch {marker})"',
    "aws s3 ls `touch {marker}`",
    "aws s3 ls\ntouch {marker}",
    "aws s3 ls > {marker}",
    "aws s3 ls & touch {marker}",
]


def test_injection_attempts_run_nothing(aws_host, tmp_path):
    marker = tmp_path / "marker"
    ran = tmp_path / "aws-ran"
    # A recording `aws` in front of the real one: proof that not even `aws` was started.
    path = stub_aws(tmp_path / "bin", f'touch "{ran}"\nexec "{VENV_BIN}/aws" "$@"\n')
    results = call(aws_host, *(args(c.format(marker=marker)) for c in INJECTIONS), PATH=path)
    for command, result in zip(INJECTIONS, results):
        assert result.is_error, command
        assert SHELL_REFUSAL in text_of(result), (command, text_of(result))
    done = cli(aws_host, f"aws s3 ls; touch {marker}", PATH=path)
    assert done.returncode == 1 and SHELL_REFUSAL in done.stderr, done.stderr
    assert not marker.exists()
    assert not ran.exists()
    # The recording stub does work: a clean command goes through it.
    assert not call_one(aws_host, args("aws s3 ls"), PATH=path).is_error
    assert ran.exists()


def test_commands_other_than_aws_are_refused(aws_host, tmp_path):
    marker = tmp_path / "marker"
    commands = [f"touch {marker}", f"/bin/sh -c 'touch {marker}'", f"python3 -c 'open(\"{marker}\", \"w\")'",
                f"env touch {marker}", f"{tmp_path}/awscli touch"]
    results = call(aws_host, *(args(c) for c in commands))
    for command, result in zip(commands, results):
        assert result.is_error, command
        assert "only AWS CLI commands run here" in text_of(result), (command, text_of(result))
    assert not marker.exists()


def test_an_integer_account_id_runs_in_that_account_zero_padded(host, sso, moto_url):
    """Models and the Inspector CLI send `"accountId": 123456789012`; a number loses a leading 0."""
    padded_account, plain_account = "012345678901", "123456789012"
    sso.configure(moto_url=moto_url, directory=[
        {"accountId": padded_account, "roles": [ROLE]},
        {"accountId": plain_account, "roles": [ROLE]},
    ])
    host.moto_url = moto_url
    login(host)
    padded, plain = call(
        host,
        {"accountId": int(padded_account), "roleName": ROLE, "command": "aws sts get-caller-identity"},
        {"accountId": int(plain_account), "roleName": ROLE, "command": "aws sts get-caller-identity"},
    )
    for result, account in ((padded, padded_account), (plain, plain_account)):
        assert not result.is_error, text_of(result)
        assert json.loads(result.structured_content["stdout"])["Account"] == account
        assert result.structured_content["accountId"] == account
        assert f"**Account/Role:** {account}/{ROLE}" in text_of(result)


def test_invalid_arguments_name_the_field(aws_host):
    bad_account, bad_role, blank = call(
        aws_host,
        {"accountId": "1234", "roleName": ROLE, "command": "aws s3 ls"},
        {"accountId": ACCOUNT, "roleName": "Read Only", "command": "aws s3 ls"},
        {"accountId": ACCOUNT, "roleName": ROLE, "command": "   "},
    )
    assert bad_account.is_error and "accountId" in text_of(bad_account)
    assert bad_role.is_error and "roleName" in text_of(bad_role)
    assert blank.is_error and "`command` must not be empty" in text_of(blank)


def test_missing_aws_binary_gives_install_guidance(aws_host, tmp_path):
    # A PATH that truly has no `aws`: an empty directory only (the host needs nothing from PATH).
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    path = str(empty)
    result = call_one(aws_host, args("aws sts get-caller-identity"), PATH=path)
    text = text_of(result)
    assert result.is_error
    assert "was not found on the PATH" in text and "getting-started-install" in text, text
    done = cli(aws_host, "aws sts get-caller-identity", PATH=path)
    assert done.returncode == 1 and "was not found on the PATH" in done.stderr, done.stderr


# --------------------------------------------------------------------------- stub `aws` scripts


def test_timeout_kills_the_whole_process_group(aws_host, tmp_path):
    path = stub_aws(tmp_path / "bin", f"""echo $$ > "{tmp_path}/aws.pid"
sleep 300 &
echo $! > "{tmp_path}/sleep.pid"
echo "started"
wait
""")
    started = time.monotonic()
    result = call_one(aws_host, args("aws s3 sync . s3://slow", timeoutSeconds=2), PATH=path)
    elapsed = time.monotonic() - started
    text = text_of(result)
    assert result.is_error
    assert "## Error: Timed Out\nThe command did not finish within 2 s" in text, text
    assert "started" in result.structured_content["stdout"]
    assert result.structured_content["timedOut"] is True
    assert result.structured_content["exitCode"] is None
    assert elapsed < 60
    assert process_gone(int((tmp_path / "aws.pid").read_text()))
    assert process_gone(int((tmp_path / "sleep.pid").read_text())), "the grandchild survived the timeout"


def test_default_timeout_comes_from_the_configuration(aws_host, tmp_path):
    path = stub_aws(tmp_path / "bin", "sleep 300\n")
    done = cli(aws_host, "aws s3 ls", PATH=path, MCP_AWS_SSO_CALL_TIMEOUT="1")
    assert done.returncode == 1
    assert "did not finish within 1 s" in done.stdout, done.stdout + done.stderr


def test_permission_denied_suggests_the_other_roles(aws_host, tmp_path):
    # The exact text and exit code of the AWS CLI v2 for an S3 AccessDenied.
    path = stub_aws(tmp_path / "bin", """printf '\\nAn error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\\n' >&2
exit 254
""")
    result = call_one(aws_host, args("aws s3 ls"), PATH=path)
    text = text_of(result)
    assert result.is_error
    assert text.startswith("# ❌ AWS SSO: Command Error")
    assert "**Exit Code:** 254" in text
    assert f"## Error: Permission Denied\nThe role `{ROLE}` does not have permission" in text, text
    assert "## Error Details\n```\nAn error occurred (AccessDenied) when calling the ListBuckets operation" in text
    assert "#### Available Roles\n- PowerUser\n- Admin\n" in text, text
    assert f"- {ROLE}\n" not in text
    structured = result.structured_content
    assert structured["errorKind"] == "permission_denied"
    assert structured["suggestedRoles"] == OTHER_ROLES
    assert structured["exitCode"] == 254


def test_rejected_credentials_are_refreshed_once_and_the_command_rerun(aws_host, tmp_path):
    log = tmp_path / "keys.log"
    path = stub_aws(tmp_path / "bin", f"""echo "$AWS_ACCESS_KEY_ID" >> "{log}"
if [ "$(wc -l < "{log}")" -lt 2 ]; then
  printf '\\nAn error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired\\n' >&2
  exit 254
fi
echo '{{"Account": "{ACCOUNT}"}}'
""")
    result = call_one(aws_host, args("aws sts get-caller-identity"), PATH=path)
    assert not result.is_error, text_of(result)
    keys = log.read_text().split()
    assert len(keys) == 2, keys
    assert keys[0] != keys[1], "the rerun must use freshly minted credentials"
    assert json.loads(result.structured_content["stdout"]) == {"Account": ACCOUNT}


def test_the_child_gets_only_the_role_credentials_and_secrets_never_show(aws_host, tmp_path):
    path = stub_aws(tmp_path / "bin", 'env | sort\necho "CREDENTIALS_BYTES=$(wc -c < "$AWS_SHARED_CREDENTIALS_FILE")"\n')
    result = call_one(
        aws_host, args("aws configure export-credentials", region="eu-central-1"), PATH=path,
        AWS_DEFAULT_PROFILE="someone-else", AWS_CONTAINER_CREDENTIALS_FULL_URI="http://169.254.170.23/creds",
        AWS_WEB_IDENTITY_TOKEN_FILE="/tmp/token", AWS_ACCESS_KEY_ID="AKIAHOSTKEY", AWS_SECRET_ACCESS_KEY="host-secret",
    )
    assert not result.is_error, text_of(result)
    env = dict(line.split("=", 1) for line in result.structured_content["stdout"].splitlines() if "=" in line)
    assert env["AWS_ACCESS_KEY_ID"] not in ("", "AKIAHOSTKEY")
    assert env["AWS_SECRET_ACCESS_KEY"] == "<redacted>"
    assert env["AWS_SESSION_TOKEN"] == "<redacted>"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert env["AWS_ENDPOINT_URL_STS"] == aws_host.moto_url
    for removed in ("AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
                    "MCP_AWS_SSO_PLUGIN_DIRS"):
        assert removed not in env, removed
    # The sandbox's own, empty credentials file and config, not the user's.
    assert env["AWS_SHARED_CREDENTIALS_FILE"] != str(aws_host.home / ".aws" / "credentials")
    assert env["CREDENTIALS_BYTES"].strip() == "0"
    assert env["AWS_CONFIG_FILE"].startswith(env["HOME"]) and env["HOME"] != str(aws_host.home)
    shown = text_of(result) + json.dumps(result.structured_content)
    assert "<redacted>" in shown
    assert not any(secret in shown for secret in cached_secrets(aws_host.home))


def test_progress_notifications_report_elapsed_time(aws_host, tmp_path):
    path = stub_aws(tmp_path / "bin", "sleep 3\necho finished\n")
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, message))

    result = call(aws_host, args("aws s3 ls"), progress=on_progress, PATH=path)[0]
    assert not result.is_error, text_of(result)
    assert result.structured_content["stdout"] == "finished\n"
    assert len(updates) >= 2, updates
    assert [p for p, _ in updates] == sorted({p for p, _ in updates}), updates
    assert all("`aws s3 ls` running for" in m for _, m in updates), updates


def test_cancellation_kills_the_child(aws_host, tmp_path):
    pid_file = tmp_path / "aws.pid"
    path = stub_aws(tmp_path / "bin", f'echo $$ > "{pid_file}"\nsleep 300\n')
    outcome = {}

    async def scenario():
        async with aws_host.mcp(PATH=path) as session:
            async with anyio.create_task_group() as group:
                async def long_call():
                    outcome["result"] = await session.call_tool(TOOL, args("aws s3 ls"))
                group.start_soon(long_call)
                pid = int(await anyio.to_thread.run_sync(wait_for_file, pid_file))
                group.cancel_scope.cancel()  # the client sends notifications/cancelled
            outcome["gone"] = await anyio.to_thread.run_sync(process_gone, pid, 10.0)
            # The server is still there and serving.
            outcome["after"] = await session.call_tool(TOOL, args("echo still here"))

    anyio.run(scenario)
    assert "result" not in outcome
    assert outcome["gone"], "the child kept running after the call was cancelled"
    assert "only AWS CLI commands run here" in text_of(outcome["after"])
