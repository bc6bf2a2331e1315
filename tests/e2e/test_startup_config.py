"""Start-up with a configuration a newcomer really has: a broken file, a Node.js DEBUG pattern, a
typo in a section name, an http:// start URL, a port out of range. The diagnostic verbs always
run; serving and the tool verbs refuse a broken configuration with the key and its source."""

from __future__ import annotations

import json

import anyio
import pytest

from host_harness import START_URL


def broken_configs_json(host):
    path = host.home / ".mcp" / "configs.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"aws-sso": {"environments": {"AWS_REGION": "us-east-1",}}')
    return {}, str(path)


def broken_aws_config(host):
    path = host.home / ".aws" / "config"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[profile dev]\nsso_session = nowhere\n")
    return {"AWS_PROFILE": "dev"}, "[sso-session nowhere]"


# Each breakage: how to make it, and what the message must name.
BREAKAGES = {
    "malformed configs.json": broken_configs_json,
    "broken AWS profile": broken_aws_config,
    "bad start URL": lambda host: ({"AWS_SSO_START_URL": "my-org.awsapps.com/start"}, "AWS_SSO_START_URL=my-org.awsapps.com/start (from the environment)"),
    "bad PORT": lambda host: ({"PORT": "99999"}, "PORT=99999 (from the environment)"),
    "bad region": lambda host: ({"AWS_REGION": "Europe"}, "AWS_REGION=Europe (from the environment)"),
}


@pytest.fixture(params=sorted(BREAKAGES))
def broken(request, host):
    env, names = BREAKAGES[request.param](host)
    # A Node.js DEBUG pattern on top: it must never be what stops anything.
    return {**env, "DEBUG": "express:*"}, names


def test_help_version_and_completions_work_and_stay_quiet(host, broken):
    env, _ = broken
    for args in (["--help"], ["--version"], ["check-access", "--help"], ["help", "serve"]):
        out = host.cli(*args, **env)
        assert out.returncode == 0, (args, out.stderr)
        assert out.stdout.strip(), args
        assert "error:" not in out.stderr and "warning:" not in out.stderr, (args, out.stderr)
    out = host.cli("completions", "bash", **env)
    assert out.returncode == 0, out.stderr
    assert "check-access" in out.stdout
    assert out.stderr == ""


def test_plugins_works_and_says_what_was_left_out(host, broken):
    env, names = broken
    out = host.cli("plugins", **env)
    assert out.returncode == 0, out.stderr
    assert "aws_sso_check_access" in out.stdout
    assert names in out.stderr
    assert "left out here" in out.stderr


def test_doctor_reports_the_broken_source_and_goes_on(host, broken):
    env, names = broken
    out = host.cli("doctor", **env)
    assert out.returncode == 1
    failed = [line for line in out.stdout.splitlines() if line.startswith("✘ configuration")]
    assert any(names in line for line in failed), out.stdout
    # The other checks still ran.
    assert "aws cli" in out.stdout
    assert "template 0.1.0: aws_sso_check_access" in out.stdout
    report = json.loads(host.cli("doctor", "--json", **env).stdout)
    assert any(c["status"] == "problem" and names in c["summary"] for c in report["checks"]), report
    assert {c["area"] for c in report["checks"]} >= {"configuration", "aws cli", "plugins"}


def test_tool_verbs_and_serving_refuse_with_the_key_and_source(host, broken):
    env, names = broken
    for args in (["status"], ["check-access", "--account-id", "123456789012"], ["serve"], []):
        out = host.cli(*args, **env)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert out.stdout == "", args
        assert names in out.stderr, (args, out.stderr)
        assert out.stderr.startswith("error: "), out.stderr


def test_doctor_with_a_broken_file_still_checks_the_session_and_the_network(host, sso):
    """The start URL and region come from the environment, which is fine; configs.json is not."""
    _, path = broken_configs_json(host)
    out = host.cli("doctor", "--json", AWS_SSO_START_URL=START_URL, AWS_SSO_REGION="us-east-1")
    checks = json.loads(out.stdout)["checks"]
    assert any(c["status"] == "problem" and path in c["summary"] for c in checks), checks
    assert any(c["area"] == "sso session" and c["summary"] == "not logged in" for c in checks), checks
    assert any(c["area"] == "network" and c["status"] == "ok" for c in checks), checks


def test_a_node_debug_pattern_is_off_with_one_warning_line(host, sso):
    out = host.cli("status", DEBUG="express:*,mcp:*")
    assert out.returncode == 0, out.stderr
    assert "Not authenticated" in out.stdout
    warnings = [line for line in out.stderr.splitlines() if "DEBUG" in line]
    assert len(warnings) == 1, out.stderr
    assert warnings[0].startswith('warning: DEBUG="express:*,mcp:*" (from the environment) is not true or false')
    # Off means off: nothing at debug level.
    assert "DEBUG " not in out.stderr


def test_an_mcp_client_can_use_the_server_with_a_node_debug_pattern(host, sso, tmp_path):
    errlog = tmp_path / "server.err"

    async def scenario():
        with errlog.open("w") as log:
            async with host.mcp(errlog=log, DEBUG="express:*") as session:
                tools = await session.list_tools()
                status = await session.call_tool("aws_sso_status", {})
                return [tool.name for tool in tools.tools], status

    names, status = anyio.run(scenario)
    assert "aws_sso_status" in names
    assert not status.is_error
    lines = [line for line in errlog.read_text().splitlines() if "DEBUG" in line]
    assert len(lines) == 1 and lines[0].startswith("warning: DEBUG="), lines


@pytest.mark.parametrize("typo", ["aws_sso", "aws-ssso", "AWS-SSO"])
def test_a_misspelled_section_is_named_with_its_close_match(host, typo):
    path = host.home / ".mcp" / "configs.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({typo: {"environments": {"AWS_SSO_START_URL": START_URL}}}))
    out = host.cli("status")
    assert out.returncode == 1  # the section is not read, so nothing is configured
    assert f'section "{typo}" is not read; did you mean "aws-sso"?' in out.stderr, out.stderr
    doctor = host.cli("doctor")
    assert f'! configuration {path}: section "{typo}" is not read; did you mean "aws-sso"?' in doctor.stdout


def test_an_http_start_url_is_warned_about(host, sso):
    host.configure(AWS_SSO_START_URL="http://sandbox-test.awsapps.com/start")
    out = host.cli("status")
    assert out.returncode == 0, out.stderr
    assert "warning: AWS_SSO_START_URL=http://sandbox-test.awsapps.com/start (from " in out.stderr
    assert "is not https://" in out.stderr


def test_port_flag_and_port_variable_give_the_same_message(host):
    flag = host.cli("serve", "--transport", "http", "--port", "99999")
    env = host.cli("serve", "--transport", "http", PORT="99999")
    assert flag.returncode == env.returncode == 2
    assert "0..=65535" not in flag.stderr
    flag_line = flag.stderr.strip().splitlines()[-1]
    env_line = env.stderr.strip().splitlines()[-1]
    assert flag_line == "error: PORT=99999 (from the command line, --port) is not a port number from 0 to 65535 (0 picks a free port)"
    assert env_line == flag_line.replace("the command line, --port", "the environment")
    assert host.cli("serve", "--port", "http").returncode == 2
