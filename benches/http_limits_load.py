#!/usr/bin/env python3
"""Benchmark: the HTTP transport with its default caps, 1,000 sessions open and 64 kept busy.

    .venv/bin/python benches/http_limits_load.py [--sessions 1000] [--busy 64] [--duration 30] [--after 60]

Starts the real `mcp-aws-sso serve --transport http --port 0` (release build if there is one,
else debug; it says which) with the bundled plugins and the testkit, and default caps. Then:

1. opens `--sessions` MCP sessions (initialize + notifications/initialized, raw HTTP);
2. `--busy` client threads, each on its own keep-alive connection, call `testkit_noop` (a plugin
   tool, so through the host's guarded call) for `--duration` seconds, each call on the next
   open session in turn, so every session is used;
3. closes every session (HTTP DELETE), as leaving clients do, and waits `--after` seconds.

Prints requests/s, p50/p99 latency, failed requests by kind (any non-200 or a JSON-RPC error:
zero is expected below the caps), and the server's RSS at start, at peak and after the clients
left. Asserts nothing; exits non-zero if a request failed. The client is Python threads on the
same cores as the server, so the figures are a floor, not the server's ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
for path in (REPO_ROOT / "tests", REPO_ROOT / "tests" / "e2e", REPO_ROOT / "benches"):
    sys.path.insert(0, str(path))

from http_load import RssSampler, proc_status  # noqa: E402  (same RSS sampling as the other HTTP bench)


class Client:
    """One keep-alive connection sending MCP requests by hand."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def send(self, method: str, message: dict | None, session: str | None) -> tuple[int, str, dict]:
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if session:
            headers |= {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"}
        body = json.dumps(message).encode() if message is not None else None
        try:
            self.connection.request(method, "/mcp", body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            raise
        return response.status, text, {k.lower(): v for k, v in response.getheaders()}


def answer_of(text: str) -> dict | None:
    data = [line[5:].strip() for line in text.splitlines() if line.startswith("data:") and line[5:].strip()]
    try:
        return json.loads(data[-1] if data else text)
    except (ValueError, IndexError):
        return None


def open_sessions(port: int, count: int, threads: int = 16) -> list[str]:
    from http_harness import INITIALIZE

    sessions, lock, failures = [], threading.Lock(), Counter()

    def worker(n: int) -> None:
        client = Client(port)
        for _ in range(n):
            status, text, headers = client.send("POST", INITIALIZE, None)
            if status != 200:
                failures[f"initialize HTTP {status}"] += 1
                continue
            sid = headers["mcp-session-id"]
            client.send("POST", {"jsonrpc": "2.0", "method": "notifications/initialized"}, sid)
            with lock:
                sessions.append(sid)

    shares = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    pool = [threading.Thread(target=worker, args=(n,)) for n in shares]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if failures:
        print(f"  failed to open: {dict(failures)}")
    return sessions


def busy_run(port: int, sessions: list[str], busy: int, duration: float) -> tuple[list[float], Counter, float]:
    latencies: list[float] = []
    failures: Counter = Counter()
    lock = threading.Lock()
    turn = itertools.count()
    deadline = time.monotonic() + duration

    def worker() -> None:
        client = Client(port)
        mine, bad = [], Counter()
        while time.monotonic() < deadline:
            n = next(turn)
            call = {"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": {"name": "testkit_noop", "arguments": {}}}
            started = time.perf_counter()
            try:
                status, text, _ = client.send("POST", call, sessions[n % len(sessions)])
            except (OSError, http.client.HTTPException) as error:
                bad[f"connection: {type(error).__name__}"] += 1
                continue
            mine.append(time.perf_counter() - started)
            answer = answer_of(text)
            if status != 200:
                bad[f"HTTP {status}: {(answer or {}).get('error', {}).get('data', {}).get('limit', '')}"] += 1
            elif not answer or "error" in answer or answer.get("result", {}).get("isError"):
                bad["JSON-RPC error or tool error"] += 1
        with lock:
            latencies.extend(mine)
            failures.update(bad)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(busy)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies, failures, time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000 if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--busy", type=int, default=64)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--after", type=float, default=60, help="seconds to wait after the clients left")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat the whole run on the same server: RSS that stops growing is the allocator "
                             "keeping freed pages, RSS that grows every round is a leak")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the server, e.g. MALLOC_ARENA_MAX=2")
    options = parser.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    profile = os.environ.get("MCP_AWS_SSO_PROFILE") or (
        "release" if (target / "release" / "mcp-aws-sso").exists() else "debug"
    )
    os.environ["MCP_AWS_SSO_PROFILE"] = profile
    from host_harness import HOST_BINARY, HostSetup, make_plugin_dir, plugin_library
    from http_harness import serving

    if not plugin_library("testkit").exists():
        raise SystemExit(f"the testkit plugin is not built for {profile}: cargo build --workspace")
    bundled = [n for n in ("exec-command", "ec2-exec", "template", "console") if plugin_library(n).exists()]
    with tempfile.TemporaryDirectory(prefix="http-limits-load-") as scratch:
        scratch = Path(scratch)
        (scratch / "home").mkdir()
        setup = HostSetup(home=scratch / "home", plugin_dir=make_plugin_dir(scratch / "plugins", *bundled, "testkit"))
        extra = dict(item.split("=", 1) for item in options.server_env)
        with serving(setup, "--port", "0", stderr_path=scratch / "server.err", **extra) as server:
            pid = server.process.pid
            print(f"binary: {HOST_BINARY} ({profile} build); default caps; tool: testkit_noop (plugin call)")
            rss_start = proc_status(pid, "VmRSS") / 1024
            failed = 0
            for round_no in range(1, options.rounds + 1):
                print(f"round {round_no}:")
                with RssSampler(pid) as rss:
                    t0 = time.monotonic()
                    sessions = open_sessions(server.port, options.sessions)
                    print(f"  opened {len(sessions)} of {options.sessions} sessions in {time.monotonic() - t0:.1f} s; "
                          f"RSS {proc_status(pid, 'VmRSS') / 1024:.1f} MiB")
                    latencies, failures, wall = busy_run(server.port, sessions, options.busy, options.duration)
                    rss_loaded = proc_status(pid, "VmRSS") / 1024
                    closer = Client(server.port)
                    closed = Counter(closer.send("DELETE", None, sid)[0] for sid in sessions)
                time.sleep(options.after)
                rss_after = proc_status(pid, "VmRSS") / 1024
                failed += sum(failures.values())
                print(f"  tools/call: {len(latencies) / wall:.0f} req/s ({len(latencies)} requests in {wall:.1f} s, "
                      f"{options.busy} busy clients over {len(sessions)} sessions); "
                      f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms")
                print(f"  failed requests: {sum(failures.values())} {dict(failures) if failures else ''}")
                print(f"  sessions closed (HTTP DELETE status counts): {dict(closed)}")
                print(f"  server RSS: start {rss_start:.1f} MiB, peak {rss.peak_kib / 1024:.1f} MiB "
                      f"(end of load {rss_loaded:.1f} MiB), {options.after:.0f} s after the clients left {rss_after:.1f} MiB")
            exit_code = server.stop()
            print(f"server stopped on SIGTERM with exit code {exit_code}")
    if failed:
        raise SystemExit("some requests failed (see above)")


if __name__ == "__main__":
    main()
