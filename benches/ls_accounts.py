#!/usr/bin/env python3
"""aws_sso_ls_accounts at scale: 500 accounts x 3 roles, 150 ms latency, a 20 TPS rate limit.

Usage:  cargo build --release && .venv/bin/python benches/ls_accounts.py [--runs 3] [--warm-runs 20]
            [--accounts 500] [--roles 3] [--latency-ms 150] [--tps 20] [--binary PATH]

Starts the SSO emulator (tests/sandbox/sso_emulator.py) with those knobs, signs a user in with the
CLI (the emulator approves on its own), then over MCP stdio (raw JSON-RPC, so the server's pid is
known):

- cold: a fresh server process per run, `aws_sso_ls_accounts {"refresh": true}` (no cache), timed
  from request to response, against the floor of (calls) / TPS: 500 accounts need 500
  ListAccountRoles + 5 ListAccounts calls, so at 20 TPS no client can finish under ~25 s;
- warm: the same call without refresh in the same process (served from the TTL cache);
- peak RSS (VmHWM) of the server after the cold listing and the warm calls.

Also prints how many calls the emulator throttled (429) and whether every account came back with
all its roles. Prints figures only; asserts nothing (the machine is shared and noisy).
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from sandbox.sso_emulator import EmulatorProcess  # noqa: E402

START_URL = "https://bench.awsapps.com/start"


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class Server:
    """One `mcp-aws-sso` MCP stdio session, spoken to in raw JSON-RPC."""

    def __init__(self, binary: Path, env: dict[str, str]):
        self.process = subprocess.Popen([str(binary)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.next_id = 1
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "bench", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message: dict) -> None:
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def request(self, method: str, params: dict) -> dict:
        request_id = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        for line in self.process.stdout:
            message = json.loads(line)
            if message.get("id") == request_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message["result"]
        raise RuntimeError("the server closed stdout")

    def ls_accounts(self, refresh: bool) -> tuple[float, dict]:
        started = time.perf_counter()
        result = self.request("tools/call", {"name": "aws_sso_ls_accounts", "arguments": {"refresh": refresh}})
        elapsed = time.perf_counter() - started
        if result.get("isError"):
            raise RuntimeError(result["content"][0]["text"])
        return elapsed, result

    def close(self) -> int:
        rss = peak_rss_kib(self.process.pid)
        self.process.stdin.close()
        self.process.wait(timeout=10)
        return rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs (each in a new server process)")
    parser.add_argument("--warm-runs", type=int, default=20)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--roles", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=150)
    parser.add_argument("--tps", type=float, default=20)
    default_binary = REPO / "target" / "release" / "mcp-aws-sso"
    if not default_binary.exists():
        default_binary = REPO / "target" / "debug" / "mcp-aws-sso"
    parser.add_argument("--binary", type=Path, default=default_binary)
    args = parser.parse_args()
    if not args.binary.exists():
        raise SystemExit(f"{args.binary} not found: run `cargo build --release` first")

    knobs = dict(accounts=args.accounts, roles=args.roles, latency_ms=args.latency_ms, rate_limit_tps=args.tps)
    with EmulatorProcess(**knobs) as sso, tempfile.TemporaryDirectory() as home:
        env = {
            "HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
            "AWS_SSO_START_URL": START_URL, "AWS_SSO_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_SSO": sso.url, "AWS_ENDPOINT_URL_SSO_OIDC": sso.url,
            "AWS_CONFIG_FILE": os.path.join(home, "config"), "AWS_EC2_METADATA_DISABLED": "true",
            "MCP_AWS_SSO_PLUGIN_DIRS": os.path.join(home, "no-plugins"),
        }
        login = subprocess.run([str(args.binary), "login", "--no-launch-browser"], env=env, capture_output=True,
                               text=True, timeout=120)
        if login.returncode != 0:
            raise SystemExit(f"login failed:\n{login.stderr}")

        calls = args.accounts + max(1, -(-args.accounts // 100))
        floor = calls / args.tps if args.tps else 0.0
        cold, warm, rss, throttled, complete = [], [], [], [], []
        for run in range(args.runs):
            time.sleep(1.5)                      # let the emulator's token bucket refill
            before = sso.state()["errors"].get("ListAccountRoles", {}).get("TooManyRequestsException", 0) \
                + sso.state()["errors"].get("ListAccounts", {}).get("TooManyRequestsException", 0)
            server = Server(args.binary, env)
            elapsed, result = server.ls_accounts(refresh=True)
            cold.append(elapsed)
            structured = result["structuredContent"]
            complete.append(
                structured["totalAccounts"] == args.accounts
                and structured["accountsWithoutRoles"] == 0
                and all(len(a["roles"]) == args.roles for a in structured["accounts"])
            )
            errors = sso.state()["errors"]
            throttled.append(errors.get("ListAccountRoles", {}).get("TooManyRequestsException", 0)
                             + errors.get("ListAccounts", {}).get("TooManyRequestsException", 0) - before)
            if run == 0:
                text_chars = len(result["content"][0]["text"])
                for _ in range(args.warm_runs):
                    warm.append(server.ls_accounts(refresh=False)[0])
            rss.append(server.close() / 1024)

    print(f"binary: {args.binary}")
    print(f"emulator: {args.accounts} accounts x {args.roles} roles, {args.latency_ms:.0f} ms latency, "
          f"{args.tps:g} TPS limit; {calls} portal calls per listing")
    print(f"cold (refresh: true, new process) x{len(cold)}: median {statistics.median(cold):.2f} s, "
          f"min {min(cold):.2f} s, max {max(cold):.2f} s")
    if floor:
        print(f"  floor {floor:.2f} s ({calls} calls / {args.tps:g} TPS): median ratio "
              f"{statistics.median(cold) / floor:.3f}x, best {min(cold) / floor:.3f}x")
    print(f"  429s answered by the emulator per cold run: {throttled}")
    print(f"  every account with all its roles: {complete}")
    if warm:
        warm_ms = sorted(w * 1000 for w in warm)
        print(f"warm (cached, same process) x{len(warm)}: median {statistics.median(warm_ms):.1f} ms, "
              f"p90 {warm_ms[int(len(warm_ms) * 0.9) - 1]:.1f} ms, max {warm_ms[-1]:.1f} ms")
        print(f"text returned: {text_chars} characters")
    print(f"peak RSS of the server: median {statistics.median(rss):.1f} MiB, max {max(rss):.1f} MiB")


if __name__ == "__main__":
    main()
