#!/usr/bin/env python3
"""ec2-exec latency: from the command finishing on the instance to the tool's result at the client.

Usage:  cargo build --workspace && .venv/bin/python benches/ec2_exec_latency.py [--runs 40]
        (MCP_AWS_SSO_PROFILE=release after `cargo build --release` measures the release build)

Setup as in tests/e2e/test_ec2_exec.py: the moto harness (its SSM executor really runs the script
and stamps ExecutionEndDateTime, with millisecond precision, when the process has exited), the SSO
emulator minting moto credentials, a user signed in with `mcp-aws-sso login`, and ONE real MCP client session over stdio to
the `mcp-aws-sso` binary. For every call the clock stops when the client has the result; the
latency is that moment minus the invocation's `executionEndTime` from `structuredContent` (same
machine, same wall clock).

Scenarios: `echo` (returns at once) and `sleep S; echo` with S spread evenly over 0-3 s, so that
the end falls at every phase of the polling schedule. The TypeScript server polls every 1 s, so
its expected latency is about 500 ms. Prints medians and percentiles; asserts nothing (the
machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "e2e")]

import anyio  # noqa: E402

from host_harness import HOST_BINARY, HostSetup, make_plugin_dir  # noqa: E402
from sandbox.sso_emulator import EmulatorProcess  # noqa: E402
from sso_helpers import login  # noqa: E402
from test_ec2_exec import ACCOUNT, REGION, ROLE, TOOL, MotoHarness  # noqa: E402


def end_of(structured: dict) -> float:
    stamp = structured["executionEndTime"]  # e.g. 2026-01-01T12:00:00.123Z
    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc).timestamp()


def summary(name: str, latencies_ms: list[float]) -> str:
    ordered = sorted(latencies_ms)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (f"{name:<22} n={len(ordered):<3} median {statistics.median(ordered):6.0f} ms   "
            f"p90 {p90:6.0f} ms   min {ordered[0]:6.0f} ms   max {ordered[-1]:6.0f} ms")


async def measure(setup: HostSetup, instance: str, commands: list[str]) -> list[float]:
    latencies = []
    async with setup.mcp() as session:
        await session.call_tool(TOOL, {"instanceId": instance, "accountId": ACCOUNT, "roleName": ROLE,
                                       "command": "true"})  # warm-up: runtime, credentials, connections
        for command in commands:
            result = await session.call_tool(TOOL, {"instanceId": instance, "accountId": ACCOUNT,
                                                    "roleName": ROLE, "command": command})
            received = time.time()
            if result.is_error:
                raise RuntimeError(f"{command!r} failed: {result.content}")
            latencies.append((received - end_of(result.structured_content)) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="calls per scenario (default 40)")
    options = parser.parse_args()
    if not HOST_BINARY.exists():
        sys.exit(f"{HOST_BINARY} is missing: run `cargo build --workspace` first")

    moto = MotoHarness()
    sso = EmulatorProcess(moto_url=moto.url, approve_after_polls=0).start()
    try:
        work = Path(tempfile.mkdtemp(prefix="ec2-exec-bench-"))
        home = work / "home"
        home.mkdir()
        setup = HostSetup(home=home, plugin_dir=make_plugin_dir(work / "plugins", "ec2-exec"),
                          sso_url=sso.url, moto_url=moto.url)
        setup.configure()
        login(setup)
        instance = moto.call("POST", "/seed", {"accountId": ACCOUNT, "region": REGION})["linux"]

        runs = options.runs
        scenarios = {
            "echo": ["echo bench"] * runs,
            "sleep 0-3 s; echo": [f"sleep {3 * i / runs:.3f}; echo bench" for i in range(runs)],
        }
        print(f"binary: {HOST_BINARY}")
        everything = []
        for name, commands in scenarios.items():
            latencies = anyio.run(measure, setup, instance, commands)
            everything += latencies
            print(summary(name, latencies))
        print(summary("all", everything))
    finally:
        sso.stop()
        moto.stop()


if __name__ == "__main__":
    main()
