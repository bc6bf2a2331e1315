"""The official MCP conformance suite against the HTTP transport, as part of the one test command.

tests/conformance/run.sh does the work (installs the pinned suite and Node 22 into .tools/, starts
the real binary on loopback, runs every active server scenario, and holds the result to
tests/conformance/expected-failures.yml in both directions); this test runs it and shows its
output when it fails.
"""

from __future__ import annotations

import os
import subprocess

from conftest import REPO_ROOT
from host_harness import HOST_BINARY

RUN_SH = REPO_ROOT / "tests" / "conformance" / "run.sh"


def test_conformance_suite_matches_the_baseline():
    assert HOST_BINARY.exists(), f"{HOST_BINARY} is missing: run `cargo build --workspace` first"
    # The first run installs the suite with npm; later runs take a few seconds.
    run = subprocess.run(
        ["bash", str(RUN_SH)],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )
    output = f"--- stdout ---\n{run.stdout}\n--- stderr ---\n{run.stderr}"
    assert run.returncode == 0, output
    # The scenarios that must pass did run and pass (a suite that ran nothing would also exit 0).
    for scenario in ("server-initialize", "ping", "tools-list", "logging-set-level", "dns-rebinding-protection"):
        assert f"✓ {scenario}:" in run.stdout, output
    assert "Baseline check passed" in run.stdout, output
