#!/usr/bin/env python3
"""credential-process, warm, end to end as a process, side by side with the AWS CLI.

Usage:  cargo build --release && .venv/bin/python benches/credential_process.py [--runs 200] [--binary PATH]

Setup: the SSO emulator (tests/sandbox), a fresh HOME, a real `mcp-aws-sso login`, then one
`credential-process` call so the role credentials are in the shared cache (~/.aws/cli/cache).
Then each run is a fresh process, timed from spawn to exit, as an SDK runs a credential_process:

  mcp-aws-sso credential-process --account-id 111111111111 --role-name ReadOnly
  aws configure export-credentials --profile P --format process   (P: an sso-session profile
      written by `mcp-aws-sso profiles --write`, so it reads the very same cache entries)

`aws configure export-credentials` exists only in the AWS CLI v2 (2.9+): the v1 CLI in the test
venv lacks it, so the comparison uses the first v2 `aws` found on PATH (e.g. Debian's awscli
2.9.19) and says so when there is none. Prints medians and percentiles; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
ACCOUNT, ROLE = "111111111111", "ReadOnly"


def timed_runs(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        times.append((time.perf_counter() - started) * 1000)
        if result.returncode != 0:
            raise SystemExit(f"{argv[0]} failed: {result.stderr.decode(errors='replace')}")
        json.loads(result.stdout)
    return times


def aws_cli_v2() -> str | None:
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(directory) / "aws"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            version = subprocess.run([str(candidate), "--version"], capture_output=True, text=True).stdout
            if version.startswith("aws-cli/2."):
                return str(candidate)
    return None


def describe(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"{label:<58} median {statistics.median(times):7.2f} ms   p90 {p90:7.2f} ms   min {ordered[0]:6.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "mcp-aws-sso")
    args = parser.parse_args()
    if not args.binary.exists():
        raise SystemExit(f"{args.binary} is missing: run `cargo build --release` first")

    with EmulatorProcess(approve_after_polls=0) as sso, tempfile.TemporaryDirectory() as work:
        home = Path(work) / "home"
        (home / ".mcp").mkdir(parents=True)
        (home / ".mcp" / "configs.json").write_text(json.dumps({"aws-sso": {"environments": {
            "AWS_SSO_START_URL": START_URL, "AWS_SSO_REGION": "us-east-1", "AWS_REGION": "us-east-1",
            "AWS_SSO_SESSION": "bench"}}}))
        plugins = Path(work) / "no-plugins"
        plugins.mkdir(mode=0o755)
        env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "AWS_ENDPOINT_URL_SSO": sso.url, "AWS_ENDPOINT_URL_SSO_OIDC": sso.url,
               "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
               "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
               "AWS_EC2_METADATA_DISABLED": "true", "MCP_AWS_SSO_PLUGIN_DIRS": str(plugins)}
        binary = str(args.binary)
        for step in (["login", "--no-launch-browser"], ["profiles", "--write"]):
            result = subprocess.run([binary, *step], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"{' '.join(step)} failed: {result.stderr}")
        ours = [binary, "credential-process", "--account-id", ACCOUNT, "--role-name", ROLE]
        timed_runs(ours, env, 3)  # warm: the role credentials are cached now
        calls_before = sso.state()["calls"].get("GetRoleCredentials", 0)
        print(f"credential-process, warm, {args.runs} runs each ({os.cpu_count()} CPUs, shared machine)\n")
        print(describe("mcp-aws-sso credential-process", timed_runs(ours, env, args.runs)))
        calls = sso.state()["calls"].get("GetRoleCredentials", 0) - calls_before
        print(f"{'':<58} GetRoleCredentials calls during the runs: {calls}")

        cli = aws_cli_v2()
        profile = f"sandbox-001.{ROLE}"
        if cli is None:
            print("aws configure export-credentials: no AWS CLI v2 on PATH (the venv's v1 has no such command)")
        else:
            version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.split()[0]
            theirs = [cli, "configure", "export-credentials", "--profile", profile, "--format", "process"]
            print(describe(f"{version} configure export-credentials", timed_runs(theirs, env, max(20, args.runs // 5))))
        venv_aws = REPO / ".venv" / "bin" / "aws"
        if venv_aws.exists():
            version = subprocess.run([str(venv_aws), "--version"], capture_output=True, text=True).stdout.split()[0]
            print(f"{version} (test venv): has no `configure export-credentials`; not comparable")
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
