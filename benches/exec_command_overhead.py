#!/usr/bin/env python3
"""Benchmark: the latency `aws_sso_exec_command` adds over running the same AWS CLI command
directly with the same credentials, credentials warm.

    cargo build --workspace --release   # or a debug build with --profile debug
    .venv/bin/python benches/exec_command_overhead.py [--iterations 30] [--profile release]

What it measures, in one sandbox (moto_server + the SSO emulator minting credentials in moto, a
temporary HOME signed in through the device flow):

1. `aws sts get-caller-identity` through one MCP session (the real `mcp-aws-sso` binary over
   stdio, the Python MCP client), after a warm-up call that fetched and cached the role's
   credentials; wall time of each `tools/call` as the client sees it.
2. The same command run directly from Python with `subprocess.run`, with the very credentials the
   host cached (read from its AWS CLI v2 cache, `~/.aws/cli/cache`) and the environment the plugin
   builds (region, no pager, the endpoint overrides).
3. The same pair with a stub `aws` that prints `{}` and exits: the AWS CLI's own start-up (~0.5 s of
   Python, with tens of ms of jitter) no longer hides the few milliseconds the tool adds, so this
   pair isolates the overhead; once with the per-call sandbox (the default) and once with
   MCP_AWS_SSO_EXEC_SANDBOX=off, so the sandbox's own cost shows.

Runs are interleaved (tool, direct, tool, direct, ...) so drift hits both sides alike. Prints the
medians and their differences; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
for path in (REPO_ROOT / "tests", REPO_ROOT / "tests" / "e2e"):
    sys.path.insert(0, str(path))
VENV_BIN = REPO_ROOT / ".venv" / "bin"

import anyio  # noqa: E402

from sandbox.sso_emulator import EmulatorProcess  # noqa: E402

# host_harness picks the cargo profile directory when imported: it is imported in main(), after
# --profile is known.

TOOL = "aws_sso_exec_command"
ACCOUNT = "111111111111"
ROLE = "ReadOnly"
COMMAND = "aws sts get-caller-identity"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def venv_bin(name: str) -> str:
    return str(VENV_BIN / name)


def start_moto(log_dir: Path) -> tuple[subprocess.Popen, str]:
    import urllib.request

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(log_dir / "moto.log", "wb")
    moto = subprocess.Popen([venv_bin("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                return moto, url
        except OSError:
            if moto.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def cached_role_credentials(home: Path) -> dict:
    """The credentials the host cached for the role (the only entry after the warm-up)."""
    entries = [json.loads(p.read_text()) for p in (home / ".aws" / "cli" / "cache").glob("*.json")]
    entries = [e for e in entries if e.get("ProviderType") == "sso"]
    if len(entries) != 1:
        raise RuntimeError(f"expected one cached role credential, found {len(entries)}")
    return entries[0]["Credentials"]


def direct_env(setup_env: dict, credentials: dict, region: str) -> dict:
    """The direct run's environment: the host's, the role's keys and the region. (The tool's child
    gets less — its sandbox's allow-listed environment, HOME and config — and the tool pays for
    creating and removing that sandbox on every call, which is part of the overhead measured.)"""
    env = {k: v for k, v in setup_env.items()
           if k not in ("AWS_SHARED_CREDENTIALS_FILE",) and not k.startswith("MCP_AWS_SSO_")}
    env.update(AWS_ACCESS_KEY_ID=credentials["AccessKeyId"], AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
               AWS_SESSION_TOKEN=credentials["SessionToken"], AWS_REGION=region, AWS_DEFAULT_REGION=region,
               AWS_PAGER="")
    return env


async def measure(setup, iterations: int, aws_path: str, env_overrides: dict, label: str) -> dict:
    arguments = {"accountId": ACCOUNT, "roleName": ROLE, "command": COMMAND}
    tool_ms, direct_ms = [], []
    async with setup.mcp(**env_overrides) as session:
        warm = await session.call_tool(TOOL, arguments)  # fetches and caches the credentials
        if warm.is_error:
            raise RuntimeError(f"warm-up call failed: {warm.content}")
        env = direct_env(setup.env(**env_overrides), cached_role_credentials(setup.home), "us-east-1")
        subprocess.run([aws_path, "sts", "get-caller-identity"], env=env, capture_output=True, check=True)
        for _ in range(iterations):
            started = time.perf_counter()
            result = await session.call_tool(TOOL, arguments)
            tool_ms.append((time.perf_counter() - started) * 1000)
            assert not result.is_error, result.content

            started = time.perf_counter()
            subprocess.run([aws_path, "sts", "get-caller-identity"], env=env, capture_output=True, check=True)
            direct_ms.append((time.perf_counter() - started) * 1000)
    tool, direct = statistics.median(tool_ms), statistics.median(direct_ms)
    return {"label": label, "tool": tool, "direct": direct, "overhead": tool - direct,
            "tool_p90": sorted(tool_ms)[int(0.9 * (len(tool_ms) - 1))],
            "direct_p90": sorted(direct_ms)[int(0.9 * (len(direct_ms) - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--stub-only", action="store_true", help="skip the real AWS CLI pair")
    parser.add_argument("--profile", default=os.environ.get("MCP_AWS_SSO_PROFILE", "release"),
                        help="cargo profile directory of the binary and plugins (default: release)")
    options = parser.parse_args()
    os.environ["MCP_AWS_SSO_PROFILE"] = options.profile

    from host_harness import HOST_BINARY, HostSetup, make_plugin_dir
    from sso_helpers import login  # a real `mcp-aws-sso login`, as the e2e tests sign in

    if not HOST_BINARY.exists():
        sys.exit(f"{HOST_BINARY} is missing: run `cargo build --workspace --profile {options.profile}`")
    with tempfile.TemporaryDirectory(prefix="exec-bench-") as scratch:
        scratch = Path(scratch)
        moto, moto_url = start_moto(scratch)
        try:
            with EmulatorProcess(moto_url=moto_url, roles=3) as sso:
                home = scratch / "home"
                home.mkdir()
                setup = HostSetup(home=home, plugin_dir=make_plugin_dir(scratch / "plugins", "exec-command"),
                                  sso_url=sso.url, moto_url=moto_url)
                setup.configure()
                login(setup)

                stub_dir = scratch / "stub-bin"
                stub_dir.mkdir()
                stub = stub_dir / "aws"
                stub.write_text("#!/bin/sh\necho '{}'\n")
                stub.chmod(0o755)
                stub_path = f"{stub_dir}{os.pathsep}{VENV_BIN}{os.pathsep}/usr/bin{os.pathsep}/bin"

                rows = []
                if not options.stub_only:
                    rows.append(anyio.run(measure, setup, options.iterations, venv_bin("aws"), {}, "real aws CLI v1"))
                rows.append(anyio.run(measure, setup, options.iterations, str(stub), {"PATH": stub_path},
                                      "stub aws, sandbox on"))
                # The same without the per-call sandbox: what creating and removing it costs.
                rows.append(anyio.run(measure, setup, options.iterations, str(stub),
                                      {"PATH": stub_path, "MCP_AWS_SSO_EXEC_SANDBOX": "off"}, "stub aws, sandbox off"))
        finally:
            moto.terminate()
            moto.wait(10)

    print(f"binary: {HOST_BINARY}")
    print(f"command: {COMMAND}   iterations: {options.iterations} each, interleaved, credentials warm")
    print(f"{'':22} {'tool median':>12} {'direct median':>14} {'overhead':>10} {'tool p90':>10} {'direct p90':>11}")
    for row in rows:
        print(f"{row['label']:22} {row['tool']:9.1f} ms {row['direct']:11.1f} ms {row['overhead']:7.1f} ms "
              f"{row['tool_p90']:7.1f} ms {row['direct_p90']:8.1f} ms")


if __name__ == "__main__":
    main()
