#!/usr/bin/env python3
"""Cold start: from exec of `mcp-aws-sso` to the `tools/list` response, all bundled plugins loaded.

Usage:  cargo build --release && .venv/bin/python benches/cold_start.py [--runs 50] [--binary PATH]

Each run starts a fresh process with an empty HOME, sends `initialize`, `notifications/initialized`
and `tools/list` over stdio, and stops the clock when the `tools/list` answer arrives. Peak RSS
(VmHWM) is read from /proc just before stdin is closed. Prints medians and percentiles; it
asserts nothing (the machine is shared and noisy).
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

MESSAGES = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def one_run(binary: Path, env: dict[str, str]) -> tuple[float, int, int]:
    payload = "".join(json.dumps(m) + "\n" for m in MESSAGES).encode()
    start = time.perf_counter()
    proc = subprocess.Popen([str(binary)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    proc.stdin.write(payload)
    proc.stdin.flush()
    tools = -1
    for line in proc.stdout:
        message = json.loads(line)
        if message.get("id") == 2:
            tools = len(message["result"]["tools"])
            break
    elapsed = time.perf_counter() - start
    rss = peak_rss_kib(proc.pid)
    proc.stdin.close()
    proc.wait(timeout=10)
    return elapsed, rss, tools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "mcp-aws-sso")
    args = parser.parse_args()
    if not args.binary.exists():
        raise SystemExit(f"{args.binary} not found: run `cargo build --release` first")
    with tempfile.TemporaryDirectory() as home:
        env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        one_run(args.binary, env)  # warm the page cache: "cold" means a new process, not a cold disk
        runs = [one_run(args.binary, env) for _ in range(args.runs)]
    times = sorted(r[0] * 1000 for r in runs)
    rss = sorted(r[1] / 1024 for r in runs)
    plugins = subprocess.run([str(args.binary), "plugins", "--json"], env=env, capture_output=True, text=True)
    loaded = [p["name"] for p in json.loads(plugins.stdout)["plugins"] if p["status"] == "loaded"]
    print(f"binary: {args.binary}")
    print(f"plugins loaded: {', '.join(loaded)}; tools listed: {runs[0][2]}")
    print(f"runs: {len(runs)}")
    print(f"start -> tools/list: median {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9) - 1]:.1f} ms, min {times[0]:.1f} ms")
    print(f"peak RSS: median {statistics.median(rss):.1f} MiB, max {rss[-1]:.1f} MiB")


if __name__ == "__main__":
    main()
