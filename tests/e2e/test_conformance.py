"""The official MCP conformance suite against the HTTP transport, as part of the one test command.

tests/conformance/run.sh does the work (installs the pinned suite and Node 22 into .tools/, starts
the real binary on loopback with the test-only conformance plugin, runs the frozen requirement
sets of both protocol revisions, 2025-11-25 and 2026-07-28, and holds the result to
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
    # Both revisions ran, and what they require did run and pass (a suite that ran nothing would
    # also exit 0).
    first, second = run.stdout.split("=== requirements 2026-07-28 ===")
    assert "=== requirements 2025-11-25 ===" in first, output
    for scenario in ("server-initialize", "ping", "logging-set-level", "tools-call-elicitation",
                     "tools-call-sampling", "elicitation-sep1330-enums", "resources-templates-read",
                     "resources-subscribe", "prompts-get-with-args", "completion-complete"):
        assert f"✓ {scenario}:" in first, output
    for scenario in ("server-stateless", "caching", "tools-call-image", "input-required-result-basic-elicitation",
                     "input-required-result-multi-round", "input-required-result-tampered-state",
                     "input-required-result-capability-check", "input-required-result-non-tool-request",
                     "sep-2164-resource-not-found", "prompts-get-embedded-resource"):
        assert f"✓ {scenario}:" in second, output
    assert run.stdout.count("Baseline check passed") == 2, output
