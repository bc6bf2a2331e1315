"""The README's guided trial (`scripts/demo.sh`) keeps working: it is a newcomer's first contact."""

from __future__ import annotations

import subprocess

from host_harness import REPO_ROOT


def test_the_demo_walks_every_step_and_cleans_up():
    out = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "demo.sh")], capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    text = out.stdout
    for expected in (
        "# AWS SSO: Authentication Successful",
        "✅ **Authenticated**",
        "`111111111111` sandbox-001",
        '"Arn": "arn:aws:sts::111111111111:assumed-role/ReadOnly/',
        "# AWS SSO: EC2 Command Result",
        "hello from ",
        "# AWS SSO: Logged Out",
    ):
        assert expected in text, f"missing {expected!r} in the demo output"
    assert "Refused: the command contains a command separator" in out.stderr
    assert "WARN" not in out.stderr, "the demo should run without warnings"
    # The build is not silent: cargo's own progress (here: the up-to-date check) is shown.
    assert "Finished `dev` profile" in out.stderr
    # Not a terminal: plain text and markdown, no escape sequences (step titles, colours).
    assert "\x1b[" not in text and "\x1b[" not in out.stderr
    assert "\n== Session status\n$ mcp-aws-sso status\n" in text
    # Hints name what a person at this terminal can run.
    assert "Next: `mcp-aws-sso ls-accounts`" in text and "aws_sso_" not in text
