"""The real `mcp-aws-sso` serving MCP over streamable HTTP, for tests and the HTTP benchmark.

`serving(setup, ...)` starts `mcp-aws-sso serve --transport http` with a `HostSetup`'s environment,
waits for the line the server prints once it listens (`serving MCP (streamable HTTP) at URL`),
and stops the process on exit. `raw_post` sends one hand-made HTTP request, for the checks that
the Python MCP client cannot make (a foreign `Origin`, a wrong `Host`, no bearer token).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from host_harness import HOST_BINARY, HostSetup

READY = re.compile(r"serving MCP \(streamable HTTP\) at (http://(\S+):(\d+)/mcp)")

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw-http-test", "version": "1"}},
}


@dataclass
class HttpServer:
    process: subprocess.Popen
    url: str
    port: int
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Sends `sig` and returns the exit code (raises if the server does not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


def start(setup: HostSetup, *args: str, stderr_path: Path, ready_timeout: float = 30, **env: str) -> HttpServer:
    """Starts `mcp-aws-sso serve --transport http ARGS`; the caller must stop it."""
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [str(HOST_BINARY), "serve", "--transport", "http", *args],
            env=setup.env(**env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        match = READY.search(stderr_path.read_text(errors="replace"))
        if match:
            return HttpServer(process=process, url=match.group(1), port=int(match.group(3)), stderr_path=stderr_path)
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}:\n{stderr_path.read_text()}")
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise AssertionError(f"the server did not report its address in {ready_timeout} s:\n{stderr_path.read_text()}")


@contextlib.contextmanager
def serving(setup: HostSetup, *args: str, stderr_path: Path | None = None, **env: str):
    """A running HTTP server for the block; killed afterwards if the block did not stop it."""
    server = start(setup, *args, stderr_path=stderr_path or setup.home.parent / "http-server.err", **env)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: str


def raw_post(port: int, body: dict | None = None, headers: dict[str, str] | None = None, host: str | None = None) -> RawResponse:
    """POSTs `body` (default: an `initialize` request) to 127.0.0.1:PORT/mcp with exactly these
    headers; `host` overrides the `Host` header (the connection always goes to 127.0.0.1)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("POST", "/mcp", skip_host=True, skip_accept_encoding=True)
        payload = json.dumps(body or INITIALIZE).encode()
        all_headers = {
            "Host": host or f"127.0.0.1:{port}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "Content-Length": str(len(payload)),
            **(headers or {}),
        }
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders(payload)
        response = connection.getresponse()
        # An accepted initialize answers with a short SSE stream that ends after the response.
        text = response.read().decode(errors="replace")
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
    finally:
        connection.close()


def raw_request(
    port: int,
    method: str = "POST",
    payload: bytes | None = None,
    headers: dict[str, str] | None = None,
    chunked: bool = False,
    timeout: float = 60,
) -> RawResponse:
    """One request to 127.0.0.1:PORT/mcp with the usual MCP headers; `chunked` sends the body
    without a Content-Length, as a client trying to slip past a size check would."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        all_headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            **(headers or {}),
        }
        body = iter([payload[i : i + 4096] for i in range(0, len(payload), 4096)]) if chunked and payload else payload
        connection.request(method, "/mcp", body=body, headers=all_headers, encode_chunked=chunked)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
    finally:
        connection.close()


def json_rpc_of(response: RawResponse) -> dict:
    """The JSON-RPC message of a response, whether plain JSON or the `data:` line of an SSE stream."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return json.loads(response.body)
    data = [line[5:].strip() for line in response.body.splitlines() if line.startswith("data:") and line[5:].strip()]
    return json.loads(data[-1])


class RawSession:
    """An MCP session driven by hand-made requests, to see each HTTP status as sent."""

    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port = port
        self.extra = headers or {}
        self.id: str | None = None
        self.next_id = 1

    def initialize(self) -> RawResponse:
        answer = raw_request(self.port, payload=json.dumps(INITIALIZE).encode(), headers=self.extra)
        if answer.status == 200:
            self.id = answer.headers["mcp-session-id"]
            notified = self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            assert notified.status == 202, notified
        return answer

    def headers(self) -> dict[str, str]:
        return {**self.extra, "Mcp-Session-Id": self.id or "", "MCP-Protocol-Version": "2025-06-18"}

    def send(self, message: dict) -> RawResponse:
        return raw_request(self.port, payload=json.dumps(message).encode(), headers=self.headers())

    def call(self, tool: str, arguments: dict | None = None) -> RawResponse:
        self.next_id += 1
        return self.send(
            {"jsonrpc": "2.0", "id": self.next_id, "method": "tools/call", "params": {"name": tool, "arguments": arguments or {}}}
        )

    def close(self) -> RawResponse:
        return raw_request(self.port, method="DELETE", headers=self.headers())
