"""End to end: the service, operation and region `aws_sso_exec_command` decides on are the ones the
real AWS CLI's own argument parsers find (v1 from the venv, v2 from Debian), for command lines laid
out the way a model trying to confuse the read-only policy would lay them out.

`tests/sandbox/aws_cli_parse.py` runs the CLI's parsers (nothing is sent anywhere). The tool runs
in read-only mode: a write must be refused naming exactly the CLI's `service operation`; a read
must run (with a stub `aws`, so nothing reaches AWS) with the region the CLI would use.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from host_harness import REPO_ROOT, VENV_BIN, text_of
from test_exec_command import args, aws_host, call, moto_url, stub_aws  # noqa: F401

PARSER = REPO_ROOT / "tests" / "sandbox" / "aws_cli_parse.py"

WRITES = [
    "aws --query help s3 rm s3://b/k",
    "aws --debug s3 --region=eu-west-1 rm s3://b/k",
    "aws s3 mv s3://a/k s3://b/k --query help",
    "aws ec2 --instance-ids terminate-instances describe-instances",
    "aws --color on ec2 run-instances --image-id ami-1",
    "aws --output=text iam --region us-west-2 delete-user --user-name u",
    "aws --no-paginate --no-sign-request lambda delete-function --function-name f",
    "aws --cli-read-timeout 5 --cli-connect-timeout=5 kms schedule-key-deletion --key-id k",
    "aws 'ec2' \"stop-instances\" --instance-ids i-1",
    "aws --query 'a b' ec2 reboot-instances --instance-ids i-1",
    "aws s3 --query=help rb s3://b",
    "aws --region=help s3 rm s3://b/k",
    "aws sts --query get-caller-identity assume-role --role-arn a --role-session-name s",
]

READS = [
    "aws --query Buckets s3api list-buckets",
    "aws s3api --output json list-buckets",
    "aws --region eu-west-1 ec2 describe-instances --query 'Reservations[]'",
    "aws ec2 describe-vpcs --region=ap-south-1",
    "aws --debug sts get-caller-identity --output text",
    "aws s3 ls --region us-west-2 s3://b",
    "aws --no-paginate dynamodb scan --table-name t",
    "aws logs --region eu-central-1 describe-log-groups --log-group-name-prefix /aws",
    "aws --output=json --query=Account sts get-caller-identity",
    "aws --region us-west-1 --region eu-north-1 ec2 describe-regions",
]


# Lines the CLI's parser rejects (an option's value taken for the operation): the tool refuses too.
ERRORS = [
    "aws --output json --region us-east-1 --query x dynamodb --table-name t delete-table",
    "aws s3api --bucket b delete-object --key k",
    "aws --region us-east-1 ec2 --dry-run-x i-1 terminate-instances",
]


def cli_parse(python: str, commands: list[str]) -> list[dict]:
    import shlex

    lines = "".join(json.dumps(shlex.split(c)[1:]) + "\n" for c in commands)
    done = subprocess.run([python, str(PARSER)], input=lines, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(params=["v1", "v2"])
def cli_python(request) -> str:
    if request.param == "v1":
        return str(VENV_BIN / "python")
    if not Path("/usr/bin/aws").exists():
        pytest.fail("/usr/bin/aws is missing: run `apt-get install -y awscli` (scripts/test.sh does)")
    return "/usr/bin/python3"


def test_writes_are_refused_naming_the_clis_own_operation(aws_host, cli_python, tmp_path):
    parsed = cli_parse(cli_python, WRITES)
    ran = tmp_path / "ran"
    stub_aws(tmp_path / "bin", f'touch "{ran}"\n')
    results = call(aws_host, *(args(c) for c in WRITES), MCP_AWS_SSO_READ_ONLY="true",
                   MCP_AWS_SSO_AWS_CLI=str(tmp_path / "bin" / "aws"))
    for command, cli, result in zip(WRITES, parsed, results):
        assert "error" not in cli, (command, cli)
        assert result.is_error, (command, text_of(result))
        assert f"`aws {cli['service']} {cli['operation']}`" in text_of(result), (command, cli, text_of(result))
    assert not ran.exists()


def test_reads_run_with_the_clis_own_region(aws_host, cli_python, tmp_path):
    parsed = cli_parse(cli_python, READS)
    stub_aws(tmp_path / "bin", "echo '{}'\n")
    results = call(aws_host, *(args(c) for c in READS), MCP_AWS_SSO_READ_ONLY="true",
                   MCP_AWS_SSO_AWS_CLI=str(tmp_path / "bin" / "aws"))
    for command, cli, result in zip(READS, parsed, results):
        assert "error" not in cli, (command, cli)
        assert not result.is_error, (command, text_of(result))
        operation = cli["operation"]
        assert operation.startswith(("list-", "describe-", "get-")) or operation in ("ls", "scan"), cli
        assert result.structured_content["region"] == (cli["region"] or "us-east-1"), (command, cli)


def test_what_the_cli_would_reject_is_refused(aws_host, cli_python, tmp_path):
    parsed = cli_parse(cli_python, ERRORS)
    ran = tmp_path / "ran"
    stub_aws(tmp_path / "bin", f'touch "{ran}"\n')
    results = call(aws_host, *(args(c) for c in ERRORS), MCP_AWS_SSO_READ_ONLY="true",
                   MCP_AWS_SSO_AWS_CLI=str(tmp_path / "bin" / "aws"))
    for command, cli, result in zip(ERRORS, parsed, results):
        assert "error" in cli, (command, cli)
        assert result.is_error and "read-only mode" in text_of(result), (command, text_of(result))
    assert not ran.exists()
