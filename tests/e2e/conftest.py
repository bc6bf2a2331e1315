"""Shared, generic helpers for the end-to-end tests: repository paths, the test venv, free ports.

`tests/` goes on sys.path so that every test can `import sandbox.sso_emulator` (tests/sandbox/).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = REPO_ROOT / "tests"
VENV_DIR = REPO_ROOT / ".venv"

E2E_DIR = TESTS_DIR / "e2e"
for _path in (TESTS_DIR, E2E_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for servers that need a fixed one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def venv_bin(name: str) -> str:
    """An executable of the test venv (.venv/bin/NAME), else beside the running interpreter."""
    for directory in (VENV_DIR / "bin", Path(sys.executable).parent):
        candidate = directory / name
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError(f"{name} is neither in {VENV_DIR / 'bin'} nor beside {sys.executable}")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(name="free_port", scope="session")
def free_port_fixture():
    """free_port() as a fixture: `port = free_port()`."""
    return free_port


@pytest.fixture(name="venv_bin", scope="session")
def venv_bin_fixture():
    """venv_bin(name) as a fixture: `venv_bin("moto_server")`."""
    return venv_bin


# --- The product under test: a user's machine with the mcp-aws-sso binary (see host_harness.py) ---

from host_harness import HOST_BINARY, HostSetup, make_plugin_dir  # noqa: E402


@pytest.fixture
def host(tmp_path) -> HostSetup:
    """A fresh user: empty HOME, a plugin directory with the bundled plugins and the testkit."""
    if not HOST_BINARY.exists():
        pytest.fail(f"{HOST_BINARY} is missing: run `cargo build --workspace` first")
    home = tmp_path / "home"
    home.mkdir()
    plugins = make_plugin_dir(tmp_path / "plugins", *bundled_plugins_built(), "testkit")
    return HostSetup(home=home, plugin_dir=plugins)


def bundled_plugins_built() -> list[str]:
    """The bundled plugins whose libraries exist (all of them once every plugin is built)."""
    from host_harness import plugin_library

    return [name for name in ("exec-command", "ec2-exec", "template", "console") if plugin_library(name).exists()]


# --- The SSO sandbox for product tests (tests/sandbox/sso_emulator.py; helpers in sso_helpers.py) ---


@pytest.fixture(scope="session")
def sso_emulator():
    """One SSO emulator process (its CLI, as a user would run it) for the whole test run.

    Use the `sso` fixture in tests: it resets this emulator and points a `host` at it.
    """
    from sandbox.sso_emulator import EmulatorProcess

    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def sso(sso_emulator, host):
    """The SSO emulator, reset to its defaults, with `host` pointed at it.

    Defaults: 3 accounts x 2 roles, auto-approval after one pending poll, refresh tokens for
    sso:account:access clients, no latency or rate limit. `host.sso_url` is set (the
    AWS_ENDPOINT_URL_SSO / _SSO_OIDC overrides) and configs.json names the sandbox start URL and
    region. Change knobs with `sso.configure(accounts=500, rate_limit_tps=20, ...)`; approve,
    deny, inspect counters with `sso.approve()`, `sso.deny()`, `sso.state()`.
    """
    sso_emulator.reset(config=True)
    host.sso_url = sso_emulator.url
    host.configure()
    yield sso_emulator


@pytest.fixture
def logged_in(sso, host):
    """`host` with a signed-in user: a real `mcp-aws-sso login` the emulator approved. Yields the
    emulator (as `sso` does)."""
    from sso_helpers import login

    login(host)
    return sso


# --- moto as AWS (STS, S3, ...), for tests whose role credentials must really work ---


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """`moto_server` on a free loopback port for the whole run; yields its URL. With
    `sso.configure(moto_url=...)` the SSO emulator mints every role's credentials there
    (sts:AssumeRole on arn:aws:iam::<account>:role/<role>), so STS names the right account."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto-server") / "moto.log"
    with open(log_path, "wb") as log:
        moto = subprocess.Popen([venv_bin("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except OSError:
                if moto.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield url
    finally:
        moto.terminate()
        moto.wait(10)
