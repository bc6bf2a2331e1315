"""The command line as a person uses it: generated verbs and flags, help, output, exit codes."""

from __future__ import annotations

import json

import pytest


def test_help_lists_host_verbs_and_one_verb_per_tool(host):
    out = host.cli("--help")
    assert out.returncode == 0
    for verb in ("serve", "plugins", "check-access", "testkit-slow", "testkit-panic"):
        assert verb in out.stdout


def test_tool_flags_come_from_the_input_schema(host):
    out = host.cli("check-access", "--help")
    assert out.returncode == 0
    assert "--account-id <ACCOUNT_ID>" in out.stdout
    assert "Account to check" in out.stdout  # the description in the schema
    assert "--role-name" in out.stdout
    assert "--json" in out.stdout


def test_missing_required_flag_is_a_usage_error(host):
    out = host.cli("check-access")
    assert out.returncode == 2
    assert "--account-id" in out.stderr


def test_schema_rules_are_enforced_before_the_tool_runs(host):
    out = host.cli("check-access", "--account-id", "12345")
    assert out.returncode == 1
    assert "accountId" in out.stderr and "does not match" in out.stderr


def test_success_prints_markdown_and_json_on_request(host):
    out = host.cli("testkit-slow", "--steps", "2", "--step-ms", "1")
    assert (out.returncode, out.stdout.strip()) == (0, "finished 2 steps")
    out = host.cli("testkit-slow", "--steps", "2", "--step-ms", "1", "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout) == {"steps": 2}


def test_tool_errors_exit_1_with_the_message_on_stderr(host):
    out = host.cli("testkit-error", "--kind", "not_found", "--message", "no such instance i-0abc")
    assert out.returncode == 1
    assert "no such instance i-0abc" in out.stderr
    assert out.stdout == ""
    failed = host.cli("testkit-failed-output")
    assert failed.returncode == 1
    assert "failed on purpose" in failed.stdout


def test_a_plugin_panic_from_the_cli_is_a_clean_error(host):
    out = host.cli("testkit-panic")
    assert out.returncode == 1
    assert "crashed while running `mcp-aws-sso testkit-panic`" in out.stderr, "the CLI names the command it ran"


def test_unknown_verb_is_a_usage_error(host):
    out = host.cli("frobnicate")
    assert out.returncode == 2
    assert "unrecognized subcommand" in out.stderr


def test_bad_configuration_names_the_key_and_its_source(host):
    out = host.cli("status", PORT="abc")
    assert out.returncode == 2
    assert "PORT=abc (from the environment)" in out.stderr
    config = host.configure(AWS_REGION="not a region")
    out = host.cli("status")
    assert out.returncode == 2
    assert 'AWS_REGION="not a region"' in out.stderr and str(config) in out.stderr


def test_malformed_configs_json_is_reported_not_a_crash(host):
    path = host.home / ".mcp" / "configs.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"aws-sso": {"environments": {"AWS_REGION": "us-east-1",}}')
    out = host.cli("status")
    assert out.returncode == 2
    assert str(path) in out.stderr
    assert "panicked" not in out.stderr


def test_shell_completions_include_tool_verbs_and_flags(host):
    for shell in ("bash", "zsh", "fish"):
        out = host.cli("completions", shell)
        assert out.returncode == 0, out.stderr
        assert "check-access" in out.stdout and "account-id" in out.stdout


def test_doctor_reports_each_area_and_fails_without_configuration(host):
    out = host.cli("doctor")
    assert out.returncode == 1
    assert "no AWS SSO start URL is configured" in out.stdout
    assert "AWS_SSO_START_URL" in out.stdout  # says which key to set
    assert "template 0.1.0: aws_sso_check_access" in out.stdout


def test_doctor_json_names_sources_and_reachability(host):
    from sandbox.sso_emulator import EmulatorProcess

    with EmulatorProcess() as emulator:
        host.sso_url = emulator.url
        config = host.configure()
        out = host.cli("doctor", "--json", AWS_REGION="eu-west-1")
    report = json.loads(out.stdout)
    summaries = [c["summary"] for c in report["checks"]]
    assert any(s.startswith("AWS_SSO_START_URL=https://sandbox-test.awsapps.com/start (from " + str(config)) for s in summaries), summaries
    assert any("AWS_REGION=eu-west-1 (from the environment)" in s for s in summaries)
    assert any(f"SSO OIDC endpoint {emulator.url} is reachable" in s for s in summaries)


def test_doctor_still_runs_when_the_configuration_is_broken(host):
    out = host.cli("doctor", PORT="99999")
    assert out.returncode == 1
    assert "PORT=99999 (from the environment)" in out.stdout
    assert "plugins" in out.stdout


def fake_aws(directory, version_line: str, stream: str = "stdout"):
    """An `aws` on PATH that only answers `--version`, as AWS CLI v2 (stdout) or v1 (stderr) do."""
    directory.mkdir()
    script = directory / "aws"
    redirect = " >&2" if stream == "stderr" else ""
    script.write_text(f"#!/bin/sh\necho '{version_line}'{redirect}\n")
    script.chmod(0o755)
    return directory



@pytest.mark.parametrize(
    ("version_line", "stream", "mark", "summary", "hint"),
    [
        ("aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12 prompt/off", "stdout", "!", "AWS CLI v2 (aws-cli/2.9.19",
         "AWS CLI 2.9.19 ignores AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>"),
        ("aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0 exe/x86_64.ubuntu.22 prompt/off", "stdout", "✔", "AWS CLI v2 (aws-cli/2.13.0", None),
        ("aws-cli/1.33.2 Python/3.13.5 Linux/6.1.0 botocore/1.35.2", "stderr", "!", "AWS CLI v1 (aws-cli/1.33.2", "v2 is recommended"),
        ("aws-cli/1.27.0 Python/3.10.0 Linux/6.1.0 botocore/1.29.0", "stderr", "!", "AWS CLI v1 (aws-cli/1.27.0",
         "AWS CLI 1.27.0 ignores AWS_ENDPOINT_URL"),
    ],
)
def test_doctor_names_the_aws_cli_major_version(host, tmp_path, version_line, stream, mark, summary, hint):
    bin_dir = fake_aws(tmp_path / "fake-bin", version_line, stream)
    out = host.cli("doctor", PATH=f"{bin_dir}:{host.env()['PATH']}")
    lines = out.stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{mark} aws cli"))
    assert summary in lines[index], lines[index]
    following = "\n".join(line for line in lines[index + 1:index + 4] if line.startswith("  "))
    if hint is None:
        assert "ignores" not in following and "recommended" not in following, following
    else:
        assert hint in following, following
        if "v1" in summary:
            assert "v2 is recommended" in following
