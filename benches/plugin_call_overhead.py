#!/usr/bin/env python3
"""Per-call host overhead of a plugin tool: a no-op plugin tool (`testkit_noop`) against MCP
`ping`, round trip over stdio, one long-lived server.

Usage:  cargo build --release -p mcp-aws-sso -p mcp-aws-sso-plugin-testkit &&
        .venv/bin/python benches/plugin_call_overhead.py [--calls 2000] [--profile release]

`ping` costs the transport and JSON-RPC alone; `tools/call` of a tool that returns at once adds
what the host does for every plugin call: look-up, argument validation, read-only check, the
call-timeout guard with its blocking thread, crossing the ABI (JSON both ways), the output cap,
and building the result. The difference of the medians is that overhead. A raw JSON-RPC client
(no SDK) keeps the client's own cost small. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--profile", default="release")
    args = parser.parse_args()
    target = REPO / "target" / args.profile
    binary = target / "mcp-aws-sso"
    testkit = target / "libmcp_aws_sso_plugin_testkit.so"
    for path in (binary, testkit):
        if not path.exists():
            raise SystemExit(f"{path} not found: build it first (see --help)")
    with tempfile.TemporaryDirectory() as tmp:
        plugins = Path(tmp) / "plugins"
        plugins.mkdir(mode=0o755)
        (plugins / testkit.name).symlink_to(testkit)
        env = {"HOME": tmp, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MCP_AWS_SSO_PLUGIN_DIRS": str(plugins)}
        proc = subprocess.Popen([str(binary)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        next_id = 0

        def request(method: str, params: dict | None = None) -> float:
            nonlocal next_id
            next_id += 1
            message = {"jsonrpc": "2.0", "id": next_id, "method": method}
            if params is not None:
                message["params"] = params
            start = time.perf_counter()
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()
            while True:
                answer = json.loads(proc.stdout.readline())
                if answer.get("id") == next_id:
                    elapsed = time.perf_counter() - start
                    if "error" in answer or answer.get("result", {}).get("isError"):
                        raise SystemExit(f"{method} failed: {answer}")
                    return elapsed

        request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        noop = {"name": "testkit_noop", "arguments": {}}
        for _ in range(200):  # warm up
            request("ping", {})
            request("tools/call", noop)
        pings, calls = [], []
        for _ in range(args.calls):  # interleaved, so drift on the shared machine hits both alike
            pings.append(request("ping", {}) * 1e6)
            calls.append(request("tools/call", noop) * 1e6)
        proc.stdin.close()
        proc.wait(timeout=10)
    ping, call = statistics.median(pings), statistics.median(calls)
    print(f"binary: {binary}; {args.calls} calls each")
    print(f"ping round trip: median {ping:.0f} µs")
    print(f"no-op plugin tool round trip: median {call:.0f} µs (p90 {sorted(calls)[int(len(calls) * 0.9)]:.0f} µs)")
    print(f"per-call host overhead of a plugin tool: median {call - ping:.0f} µs")


if __name__ == "__main__":
    main()
