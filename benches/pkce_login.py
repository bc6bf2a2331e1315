#!/usr/bin/env python3
"""PKCE login: time from the authorize redirect reaching the host's loopback listener to a cached token.

Usage:  .venv/bin/python benches/pkce_login.py [--runs 20] [--profile debug|release]

Each run is a real `mcp-aws-sso login` (authorization code + PKCE) against the SSO emulator, with
a BROWSER script that plays the person: it opens the authorize URL without following the
redirect, then starts the clock and requests the redirect's Location (the host's
127.0.0.1/oauth/callback). The host answers that request only once CreateToken returned and the
token file is written, so the clock stops when the landing page arrives; the script then checks
that the token file exists. Between runs the user logs out (the registration stays cached, as in
real use). Prints the median and percentiles; asserts nothing (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from sandbox.sso_emulator import EmulatorProcess  # noqa: E402

START_URL = "https://sandbox-bench.awsapps.com/start"

BROWSER = r'''
import json, os, sys, time, urllib.error, urllib.request
record, token_file, url = sys.argv[1], sys.argv[2], sys.argv[-1]

class Stop(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

try:
    urllib.request.build_opener(Stop).open(url, timeout=30)
    raise SystemExit("the authorize page did not redirect")
except urllib.error.HTTPError as redirect:
    location = redirect.headers["Location"]
started = time.perf_counter()
with urllib.request.urlopen(location, timeout=60) as page:
    page.read()
elapsed = time.perf_counter() - started
with open(record, "a") as out:
    out.write(json.dumps({"seconds": elapsed, "cached": os.path.exists(token_file)}) + "\n")
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", default="debug", help="cargo profile of the binary (target/PROFILE)")
    args = parser.parse_args()
    binary = REPO / "target" / args.profile / "mcp-aws-sso"

    with tempfile.TemporaryDirectory() as tmp, EmulatorProcess() as sso:
        home = Path(tmp) / "home"
        (home / ".mcp").mkdir(parents=True)
        (home / ".mcp" / "configs.json").write_text(json.dumps({"aws-sso": {"environments": {
            "AWS_SSO_START_URL": START_URL, "AWS_SSO_REGION": "us-east-1"}}}))
        import hashlib
        token_file = home / ".aws" / "sso" / "cache" / f"{hashlib.sha1(START_URL.encode()).hexdigest()}.json"
        script = Path(tmp) / "browser.py"
        script.write_text(BROWSER)
        record = Path(tmp) / "record.jsonl"
        env = {
            "HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_ENDPOINT_URL_SSO": sso.url, "AWS_ENDPOINT_URL_SSO_OIDC": sso.url,
            "AWS_CONFIG_FILE": str(home / ".aws" / "config"), "AWS_EC2_METADATA_DISABLED": "true",
            "MCP_AWS_SSO_PLUGIN_DIRS": str(Path(tmp) / "no-plugins"),
            "BROWSER": f"{sys.executable} {script} {record} {token_file}",
        }
        for _ in range(args.runs):
            login = subprocess.run([str(binary), "login"], env=env, capture_output=True, text=True, timeout=120)
            if login.returncode != 0:
                raise SystemExit(f"login failed:\n{login.stderr}")
            subprocess.run([str(binary), "logout"], env=env, capture_output=True, check=True, timeout=60)
        runs = [json.loads(line) for line in record.read_text().splitlines()]
        state = sso.state()

    millis = sorted(run["seconds"] * 1000 for run in runs)
    quantiles = statistics.quantiles(millis, n=10) if len(millis) > 1 else millis * 9
    print(f"PKCE logins: {len(millis)} ({args.profile} build); token cached when the page arrived: "
          f"{sum(run['cached'] for run in runs)}/{len(runs)}")
    print(f"authorize redirect -> cached token: median {statistics.median(millis):.1f} ms, "
          f"p10 {quantiles[0]:.1f} ms, p90 {quantiles[-1]:.1f} ms, max {millis[-1]:.1f} ms")
    print(f"sandbox: {state['calls'].get('Authorize', 0)} Authorize, "
          f"{state['grants'].get('authorization_code', 0)} authorization_code CreateToken, "
          f"{state['calls'].get('StartDeviceAuthorization', 0)} device authorizations, "
          f"{state['calls'].get('RegisterClient', 0)} RegisterClient")


if __name__ == "__main__":
    main()
