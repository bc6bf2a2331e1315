#!/usr/bin/env python3
"""Benchmark: MCP over streamable HTTP under 32 concurrent clients for 10 s on loopback.

    cargo build --workspace --release        # else it measures target/debug and says so
    .venv/bin/python benches/http_load.py [--connections 32] [--duration 10] [--profile release|debug]

Two runs against one `mcp-aws-sso serve --transport http --port 0` (the real binary, the bundled
plugins loaded from the same target directory, a temporary HOME):

1. `tools/list`;
2. `tools/call aws_sso_status` with a cached, valid SSO token: the user signed in through the SSO
   emulator's device flow before the run (a real `mcp-aws-sso login`); the emulator's operation
   counters show that the run made no SSO call.

The load generator is autocannon (npm, pinned in benches/http-load/package.json, installed with
Node 22 into .tools/http-load). Each connection is its own MCP client with its own session,
sending one request at a time on a keep-alive connection; every answer must be HTTP 200 with a
JSON-RPC result that is not a tool error. Prints requests/s, latency percentiles, failures of any
kind, the server's RSS (peak sampled during the run, and VmHWM), and how much CPU the load
generator and the server used, so a reader can tell whether the client was the bottleneck (client
and server share the machine's cores). Asserts nothing but exits non-zero if a request failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
for path in (REPO_ROOT / "tests", REPO_ROOT / "tests" / "e2e"):
    sys.path.insert(0, str(path))

LOAD_DIR = REPO_ROOT / "benches" / "http-load"
TOOLS = REPO_ROOT / ".tools" / "http-load"


def install_load_generator() -> Path:
    """npm ci of benches/http-load into .tools/http-load, once per lock file; returns node."""
    stamp = TOOLS / ".installed"
    want = hashlib.sha256(b"".join((LOAD_DIR / f).read_bytes() for f in ("package.json", "package-lock.json"))).hexdigest()
    node = TOOLS / "node_modules" / ".bin" / "node"
    if not (stamp.exists() and stamp.read_text().strip() == want and node.exists()):
        print(f"installing autocannon and Node 22 into {TOOLS} (npm ci)", file=sys.stderr)
        TOOLS.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        for name in ("package.json", "package-lock.json"):
            (TOOLS / name).write_bytes((LOAD_DIR / name).read_bytes())
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOLS, check=True)
        stamp.write_text(want)
    return node


def proc_status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class RssSampler:
    """The server's VmRSS every 50 ms while a run lasts."""

    def __init__(self, pid: int):
        self.pid, self.peak_kib, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, proc_status(self.pid, "VmRSS"))
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def load_run(node: Path, url: str, request: str, connections: int, duration: int, server_pid: int) -> dict:
    command = [str(node), str(LOAD_DIR / "load.mjs"), "--tools", str(TOOLS), "--url", url,
               "--request", request, "--connections", str(connections), "--duration", str(duration)]
    print(f"$ {shlex.join(command)}", file=sys.stderr)
    server_cpu = cpu_seconds(server_pid)
    with RssSampler(server_pid) as rss:
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the load run failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["serverCpuS"] = cpu_seconds(server_pid) - server_cpu
    result["serverRssPeakMiB"] = rss.peak_kib / 1024
    return result


def report(result: dict, label: str) -> bool:
    failed = result["errors"] + result["timeouts"] + result["non2xx"] + result["mismatches"]
    latency = result["latencyMs"]
    print(f"{label}: {result['rps']:.0f} req/s ({result['requests']} requests in {result['durationS']:.1f} s, "
          f"{result['connections']} clients, {result['sessions']} sessions); latency p50 {latency['p50']} ms, "
          f"p90 {latency['p90']} ms, p99 {latency['p99']} ms, max {latency['max']} ms")
    print(f"  failed requests: {failed} (errors {result['errors']}, timeouts {result['timeouts']}, "
          f"non-2xx {result['non2xx']}, bad answers {result['mismatches']}); status codes {result['statusCodes']}")
    print(f"  CPU over the run: server {result['serverCpuS']:.1f} s, load generator {result['clientCpuS']:.1f} s "
          f"(of {result['durationS']:.0f} s wall, {os.cpu_count()} cores); server RSS peak {result['serverRssPeakMiB']:.1f} MiB")
    return failed == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--profile", default=os.environ.get("MCP_AWS_SSO_PROFILE"),
                        help="cargo profile directory (default: release if built, else debug)")
    options = parser.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    profile = options.profile or ("release" if (target / "release" / "mcp-aws-sso").exists() else "debug")
    os.environ["MCP_AWS_SSO_PROFILE"] = profile

    # Imported after the profile is known: host_harness picks its target directory on import.
    from host_harness import HOST_BINARY, HostSetup, make_plugin_dir
    from http_harness import serving
    from sandbox.sso_emulator import EmulatorProcess
    from sso_helpers import login

    if not HOST_BINARY.exists():
        raise SystemExit(f"{HOST_BINARY} not found: run `cargo build --workspace --release` (or --profile debug)")
    node = install_load_generator()
    bundled = [n for n in ("exec-command", "ec2-exec", "template")
               if (HOST_BINARY.parent / f"libmcp_aws_sso_plugin_{n.replace('-', '_')}.so").exists()]

    with tempfile.TemporaryDirectory(prefix="http-load-") as scratch, EmulatorProcess() as sso:
        scratch = Path(scratch)
        (scratch / "home").mkdir()
        setup = HostSetup(home=scratch / "home", plugin_dir=make_plugin_dir(scratch / "plugins", *bundled), sso_url=sso.url)
        setup.configure()
        login(setup)
        with serving(setup, "--port", "0", stderr_path=scratch / "server.err") as server:
            print(f"binary: {HOST_BINARY} ({profile} build); plugins: {', '.join(bundled) or 'none'}")
            print(f"server: {server.url}; RSS after start {proc_status(server.process.pid, 'VmRSS') / 1024:.1f} MiB")
            # Warm-up: first sessions, allocator pools and the token read from disk.
            load_run(node, server.url, "status", options.connections, 2, server.process.pid)
            ok = True
            listing = load_run(node, server.url, "tools-list", options.connections, options.duration, server.process.pid)
            ok &= report(listing, "tools/list")
            before = sso.state()
            status = load_run(node, server.url, "status", options.connections, options.duration, server.process.pid)
            sso_calls = _operation_calls(sso.state()) - _operation_calls(before)
            ok &= report(status, "tools/call aws_sso_status (cached token)")
            print(f"  SSO calls during the status run: {sso_calls}")
            print(f"server VmHWM (peak RSS over its life): {proc_status(server.process.pid, 'VmHWM') / 1024:.1f} MiB")
            exit_code = server.stop()
            print(f"server stopped on SIGTERM with exit code {exit_code}")
    if not ok:
        raise SystemExit("some requests failed (see above)")


def _operation_calls(state: dict) -> int:
    """Total calls the emulator served (its per-operation counters)."""
    return sum(state["calls"].values())


if __name__ == "__main__":
    main()
