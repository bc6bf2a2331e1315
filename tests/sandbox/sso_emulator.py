"""An emulator of AWS SSO OIDC and the AWS SSO portal, for tests that have no real AWS.

What it is for
--------------
mcp-aws-sso logs in with the OAuth authorization code flow with PKCE (SSO OIDC: RegisterClient,
the browser's GET /authorize, CreateToken) or the device flow (RegisterClient,
StartDeviceAuthorization, CreateToken), and then lists accounts and roles and mints role
credentials (SSO portal: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout). This module
serves both APIs on ONE loopback port (their paths do not collide), with the wire format of the
botocore `sso-oidc` and `sso` service models (restJson1), so the host (aws-sdk-rust), boto3 and
the AWS CLI all talk to it through the standard `AWS_ENDPOINT_URL_SSO_OIDC` / `AWS_ENDPOINT_URL_SSO`
overrides. `tests/e2e/test_sso_emulator_contract.py` checks that wire format with boto3.

How state flows
---------------
    RegisterClient  -> a client (id + secret)
    StartDeviceAuthorization(client) -> a device authorization: device code + user code, "pending"
    approval: auto (after N polls) | manual (control API or a GET of verificationUriComplete) | deny
    CreateToken(device code) -> slow_down* -> authorization_pending* -> access token
                                (+ refresh token when the client may refresh) in a new session
    RegisterClient(grantTypes [authorization_code, ...], redirectUris, issuerUrl) -> a PKCE client
    GET /authorize?client_id&redirect_uri&state&code_challenge(S256)  (the browser)
        auto -> 302 redirect_uri?code=..&state=..   deny -> 302 redirect_uri?error=access_denied&state=..
        manual -> a consent page whose Allow / Deny links do one of the above
    CreateToken(authorization_code, code, codeVerifier, redirectUri) -> access (+ refresh) token;
        the verifier must hash to the challenge, the redirect URI must be the authorize one, a
        code works once
    CreateToken(refresh token) -> a new access token in the same session (with
                                  --rotate-refresh-tokens the refresh token is spent: a replay
                                  answers InvalidGrantException)
    portal calls (x-amz-sso_bearer_token: access token) -> accounts, roles, role credentials
    Logout -> every token of that session is revoked

Everything lives in memory in one `SandboxApp`; one lock guards the auth records. Knobs (latency,
rate limit, page size, approval mode, lifetimes, ...) are command-line flags and can be changed at
run time through the control API under `/_sandbox/`, which product code never needs:

    GET  /_sandbox/state          counters per operation (Authorize counts browser visits of
                                  /authorize; and per CreateToken grant type and per
                                  ListAccountRoles account), pending logins (user codes), token counts
    POST /_sandbox/approve        {"userCode"?}  approve pending logins (all when no code is given)
    POST /_sandbox/deny           {"userCode"?}  deny pending logins
    POST /_sandbox/config         {knob: value, ...}  change knobs (names as the CLI flags)
    POST /_sandbox/reset          {"config"?: bool}  drop clients, logins, tokens, counters, faults
    POST /_sandbox/expire-tokens  {"refreshTokens"?: bool}  expire every access token (-> 401)
    POST /_sandbox/fail           {"operation", "error", "count"?, "message"?}  inject errors

It also serves the AWS sign-in federation endpoint at `/federation` (getSigninToken for role
credentials it minted, login redirects), see `signin_federation.py`.

Run it on its own (`python tests/sandbox/sso_emulator.py --port 0 --accounts 250`): it prints one
JSON line `{"url": ..., "port": ...}` to stdout when ready, logs to stderr, and exits on SIGTERM or
SIGINT. From Python: `SsoEmulator(**knobs)` runs it in-process, `EmulatorProcess(**knobs)` runs
the CLI as a subprocess; both offer the control API as methods (`approve()`, `state()`, ...).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import collections
import dataclasses
import html
import json
import logging
import math
import os
import re
import secrets
import selectors
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping
from urllib.parse import parse_qs, quote, urlencode, urlsplit

try:  # imported as `sandbox.sso_emulator`, or run as a script from tests/sandbox
    from sandbox.signin_federation import FederationError, SigninFederation
except ImportError:
    from signin_federation import FederationError, SigninFederation

LOG = logging.getLogger("sso_emulator")

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
AUTHORIZATION_CODE_GRANT = "authorization_code"
KNOWN_GRANTS = (DEVICE_GRANT, REFRESH_GRANT, AUTHORIZATION_CODE_GRANT)
# The AWS CLI v2 registers sso-session clients with this scope; AWS then issues refresh tokens.
ACCOUNT_ACCESS_SCOPE = "sso:account:access"

BEARER_HEADER = "x-amz-sso_bearer_token"
CONTROL_PREFIX = "/_sandbox/"
SANDBOX_USER = "sandbox-user@example.com"

# SSO OIDC errors: model shape -> (HTTP status, OAuth `error` code in the body). The status codes
# are the `httpStatusCode`s of botocore's sso-oidc model; only InvalidClientException is a 401.
OIDC_ERRORS = {
    "AccessDeniedException": (400, "access_denied"),
    "AuthorizationPendingException": (400, "authorization_pending"),
    "ExpiredTokenException": (400, "expired_token"),
    "InternalServerException": (500, "server_error"),
    "InvalidClientException": (401, "invalid_client"),
    "InvalidClientMetadataException": (400, "invalid_client_metadata"),
    "InvalidGrantException": (400, "invalid_grant"),
    "InvalidRedirectUriException": (400, "invalid_redirect_uri"),
    "InvalidRequestException": (400, "invalid_request"),
    "InvalidScopeException": (400, "invalid_scope"),
    "SlowDownException": (400, "slow_down"),
    "UnauthorizedClientException": (400, "unauthorized_client"),
    "UnsupportedGrantTypeException": (400, "unsupported_grant_type"),
}
# Real OIDC answers carry the error type only in this header, with a namespace suffix after ':'
# that SDKs strip; the body is the plain OAuth error: {"error": ..., "error_description": ...}.
OIDC_ERROR_TYPE_SUFFIX = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"

# SSO portal errors: model shape -> HTTP status. ForbiddenException ("No access", an unassigned
# role) and InternalServerException are what the real portal sends although the model omits them.
PORTAL_ERRORS = {
    "ForbiddenException": 403,
    "InternalServerException": 500,
    "InvalidRequestException": 400,
    "ResourceNotFoundException": 404,
    "TooManyRequestsException": 429,
    "UnauthorizedException": 401,
}
# Real portal answers name the error in the body: {"message": ..., "__type": "<namespace>#<shape>"}.
PORTAL_NAMESPACE = "com.amazonaws.switchboard.portal"

ROLE_NAMES = (
    "ReadOnly", "PowerUser", "Admin", "Billing",
    "SecurityAudit", "Developer", "DataScientist", "NetworkAdmin",
)
# Device-flow user codes avoid vowels and look-alike characters, as AWS's do.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
# How long an authorization code from /authorize can be redeemed (AWS: a few minutes).
AUTHORIZATION_CODE_TTL = 300


# --------------------------------------------------------------------------------------------
# Knobs: one definition drives the CLI flags, the control API and their validation.
# --------------------------------------------------------------------------------------------

class KnobError(ValueError):
    """A knob name or value that cannot be used."""


@dataclasses.dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str
    roles: tuple[str, ...]

    def info(self) -> dict:
        return {"accountId": self.account_id, "accountName": self.name, "emailAddress": self.email}

    def to_json(self) -> dict:
        return {**self.info(), "roles": list(self.roles)}


def _number(kind: type, minimum: float) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, bool):
            raise KnobError(f"expected a number, got {value!r}")
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise KnobError(f"expected a number, got {value!r}") from None
        if number < minimum:
            raise KnobError(f"must be >= {minimum}, got {number}")
        return number
    return parse


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices:
            raise KnobError(f"expected one of {', '.join(choices)}, got {value!r}")
        return value
    parse.choices = choices        # shown by --help
    return parse


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise KnobError(f"expected a boolean, got {value!r}")


def _optional_url(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not _is_http_url(value):
        raise KnobError(f"expected an http(s) URL, got {value!r}")
    return str(value).rstrip("/")


def _account_ids(value: Any) -> tuple[str, ...]:
    """Account ids: a list, or one comma-separated string (as on the command line)."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise KnobError(f"expected a list of account ids, got {value!r}")
    ids = tuple(str(item).strip() for item in items if str(item).strip())
    for account_id in ids:
        if not re.fullmatch(r"\d{12}", account_id):
            raise KnobError(f"account ids are 12 digits, got {account_id!r}")
    return ids


def parse_directory(value: Any) -> tuple[Account, ...] | None:
    """Explicit accounts and roles: a JSON file path, `{"accounts": [...]}` or the list itself.

    Each account: {"accountId": "123456789012", "accountName"?, "emailAddress"?, "roles": [...]}.
    """
    if value is None or (isinstance(value, tuple) and all(isinstance(a, Account) for a in value)):
        return value
    if isinstance(value, str):
        try:
            with open(value, encoding="utf-8") as file:
                value = json.load(file)
        except (OSError, ValueError) as error:
            raise KnobError(f"cannot read directory file {value!r}: {error}") from None
    if isinstance(value, dict):
        value = value.get("accounts")
    if not isinstance(value, list):
        raise KnobError("expected a list of accounts or {\"accounts\": [...]}")
    accounts = tuple(_parse_account(entry) for entry in value)
    ids = [account.account_id for account in accounts]
    if len(set(ids)) != len(ids):
        raise KnobError("account ids must be unique")
    return accounts


def _parse_account(entry: Any) -> Account:
    if not isinstance(entry, dict):
        raise KnobError(f"an account must be an object, got {entry!r}")
    account_id = str(entry.get("accountId", ""))
    if not re.fullmatch(r"\d{12}", account_id):
        raise KnobError(f"accountId must be 12 digits, got {account_id!r}")
    roles = entry.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) and role for role in roles):
        raise KnobError(f"roles of {account_id} must be a list of role names")
    name = entry.get("accountName") or f"account-{account_id}"
    email = entry.get("emailAddress") or f"aws+{account_id}@example.com"
    return Account(account_id, name, email, tuple(roles))


@dataclasses.dataclass(frozen=True)
class Knob:
    name: str
    parse: Callable[[Any], Any]
    default: Any
    help: str


KNOBS = (
    Knob("accounts", _number(int, 0), 3,
         "number of generated accounts: 111111111111 ... 999999999999, then 000000000010 ..."),
    Knob("roles", _number(int, 0), 2,
         "roles of each generated account: " + ", ".join(ROLE_NAMES) + ", then Role9 ..."),
    Knob("directory", parse_directory, None,
         "JSON file of explicit accounts and roles; replaces --accounts/--roles"),
    Knob("latency_ms", _number(float, 0), 0, "delay added to every AWS call, in milliseconds"),
    Knob("rate_limit_tps", _number(float, 0), 0,
         "portal calls per second (token bucket, burst = one second) before 429 "
         "TooManyRequestsException; 0 = unlimited (Identity Center: about 20)"),
    Knob("page_size", _number(int, 1), 100,
         "most items one ListAccounts/ListAccountRoles page holds, whatever max_result asks"),
    Knob("approval", _choice("auto", "manual", "deny"), "auto",
         "auto: approve after --approve-after-polls polls; manual: only when approved through "
         "the control API or the verification page; deny: refuse after that many polls. "
         "For /authorize (PKCE): auto redirects with a code, deny with error=access_denied, "
         "manual shows a consent page with Allow and Deny links"),
    Knob("approve_after_polls", _number(int, 0), 1,
         "CreateToken polls of a login answered authorization_pending before auto/deny decide"),
    Knob("slow_down_polls", _number(int, 0), 0,
         "the first K CreateToken polls of each login answer slow_down"),
    Knob("enforce_interval", _boolean, False,
         "answer slow_down to a poll that comes sooner than --interval after the previous one"),
    Knob("interval", _number(int, 0), 1, "polling interval (s) StartDeviceAuthorization advises"),
    Knob("device_code_ttl", _number(float, 0), 600, "device code lifetime (s)"),
    Knob("access_token_ttl", _number(float, 0), 3600, "access token lifetime (s)"),
    Knob("refresh_token_ttl", _number(float, 0), 28800, "refresh token lifetime (s)"),
    Knob("refresh_tokens", _choice("auto", "always", "never"), "auto",
         "issue refresh tokens: auto = only to clients registered with grant type refresh_token "
         f"or scope {ACCOUNT_ACCESS_SCOPE} (as AWS does for sso-session clients)"),
    Knob("rotate_refresh_tokens", _boolean, False,
         "a refresh token is spent when redeemed: replaying it answers InvalidGrantException "
         "(what makes uncoordinated refreshes of one shared token fail)"),
    Knob("failing_role_accounts", _account_ids, (),
         "accounts whose ListAccountRoles always answers 403 ForbiddenException "
         "(comma-separated ids)"),
    Knob("client_ttl", _number(float, 0), 90 * 86400, "client registration lifetime (s)"),
    Knob("role_credentials_ttl", _number(float, 0), 3600, "role credentials lifetime (s)"),
    Knob("browser_approves", _boolean, True,
         "a GET of verificationUriComplete settles the login like a user's click "
         "(approves; denies in deny mode)"),
    Knob("moto_url", _optional_url, None,
         "mint role credentials with STS AssumeRole in this moto server, so that "
         "get-caller-identity shows the account and role; else random keys"),
)
KNOBS_BY_NAME = {knob.name: knob for knob in KNOBS}


def default_config() -> dict:
    return {knob.name: knob.default for knob in KNOBS}


def apply_knobs(config: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """A new config with `changes` (knob names with '_' or '-') parsed and applied."""
    updated = dict(config)
    for raw_name, value in changes.items():
        name = raw_name.replace("-", "_")
        knob = KNOBS_BY_NAME.get(name)
        if knob is None:
            raise KnobError(f"unknown knob {raw_name!r} (known: {', '.join(KNOBS_BY_NAME)})")
        try:
            updated[name] = knob.parse(value) if value is not None else knob.default
        except KnobError as error:
            raise KnobError(f"{raw_name}: {error}") from None
    return updated


def config_to_json(config: Mapping[str, Any]) -> dict:
    directory = config["directory"]
    return {**config, "directory": None if directory is None else [a.to_json() for a in directory]}


def generated_account_id(index: int) -> str:
    """111111111111 ... 999999999999 read well in tests; after that, the zero-padded index."""
    return str(index) * 12 if index <= 9 else f"{index:012d}"


def generated_directory(accounts: int, roles: int) -> tuple[Account, ...]:
    role_names = tuple(
        ROLE_NAMES[k] if k < len(ROLE_NAMES) else f"Role{k + 1}" for k in range(roles)
    )
    return tuple(
        Account(generated_account_id(i), f"sandbox-{i:03d}", f"aws+sandbox-{i:03d}@example.com",
                role_names)
        for i in range(1, accounts + 1)
    )


@dataclasses.dataclass(frozen=True)
class Directory:
    """The accounts the sandbox user is assigned to, in ListAccounts order."""
    accounts: tuple[Account, ...]
    by_id: Mapping[str, Account]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Directory":
        accounts = config["directory"]
        if accounts is None:
            accounts = generated_directory(config["accounts"], config["roles"])
        return cls(accounts, {account.account_id: account for account in accounts})


# --------------------------------------------------------------------------------------------
# Errors, in the shapes botocore's restJson1 parser (and aws-smithy's) read.
# --------------------------------------------------------------------------------------------

class ApiError(Exception):
    """An AWS error answer: HTTP status, the model's error shape name, JSON body and headers."""

    def __init__(self, status: int, error_type: str, body: dict, headers: dict | None = None):
        super().__init__(f"{error_type}: {body}")
        self.status = status
        self.error_type = error_type
        self.body = body
        self.headers = headers or {}

    def response(self) -> "Response":
        return json_response(self.status, self.body, self.headers)


def oidc_error(shape: str, description: str) -> ApiError:
    status, oauth_error = OIDC_ERRORS[shape]
    return ApiError(status, shape, {"error": oauth_error, "error_description": description},
                    {"x-amzn-ErrorType": f"{shape}:{OIDC_ERROR_TYPE_SUFFIX}"})


def portal_error(shape: str, message: str) -> ApiError:
    return ApiError(PORTAL_ERRORS[shape], shape,
                    {"message": message, "__type": f"{PORTAL_NAMESPACE}#{shape}"})


class ControlError(Exception):
    """A control API request that cannot be done; answered as {"error": message}."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# --------------------------------------------------------------------------------------------
# Small parts: rate limiting, counters, auth records.
# --------------------------------------------------------------------------------------------

class TokenBucket:
    """Admits `rate` calls a second with a burst of one second's worth; rate 0 admits all."""

    def __init__(self, rate: float):
        self.rate = rate
        self._capacity = max(1.0, rate)
        self._tokens = self._capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def try_take(self) -> bool:
        if self.rate <= 0:
            return True
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


class Counters:
    """Calls and errors per operation, and how many AWS calls were in flight at once."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._calls = collections.Counter()
            self._errors = collections.defaultdict(collections.Counter)
            self._grants = collections.Counter()
            self._roles_listed = collections.Counter()
            self._in_flight = 0
            self._peak_in_flight = 0

    def begin(self, operation: str) -> None:
        with self._lock:
            self._calls[operation] += 1
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def error(self, operation: str, error_type: str) -> None:
        with self._lock:
            self._errors[operation][error_type] += 1

    def grant(self, grant_type: str) -> None:
        """One CreateToken call with this grant type (refresh_token, device_code, ...)."""
        with self._lock:
            self._grants[grant_type] += 1

    def roles_listed(self, account_id: str) -> None:
        """One ListAccountRoles call for this account."""
        with self._lock:
            self._roles_listed[account_id] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "calls": dict(self._calls),
                "errors": {op: dict(errors) for op, errors in self._errors.items()},
                "grants": dict(self._grants),
                "rolesListedFor": dict(self._roles_listed),
                "inFlight": self._in_flight,
                "peakInFlight": self._peak_in_flight,
            }


@dataclasses.dataclass
class RegisteredClient:
    client_id: str
    secret: str
    name: str
    scopes: tuple[str, ...]
    grant_types: tuple[str, ...]
    expires_at: float
    redirect_uris: tuple[str, ...] = ()
    issuer_url: str | None = None

    def may_use(self, grant: str) -> bool:
        """A client that declared grant types may use only those; one that declared none (the
        AWS CLI's legacy registration) may use the device flow, as with AWS."""
        if self.grant_types:
            return grant in self.grant_types or grant == REFRESH_GRANT
        return grant != AUTHORIZATION_CODE_GRANT

    def accepts_redirect(self, uri: str) -> bool:
        """RFC 8252 §7.3: a loopback redirect URI matches a registered one whatever its port."""
        wanted = urlsplit(uri)
        for registered in map(urlsplit, self.redirect_uris):
            if (wanted.scheme, wanted.hostname, wanted.path) == (
                    registered.scheme, registered.hostname, registered.path) \
                    and (registered.port is None or registered.port == wanted.port):
                return True
        return False

    def may_refresh(self, config: Mapping[str, Any]) -> bool:
        policy = config["refresh_tokens"]
        if policy != "auto":
            return policy == "always"
        return REFRESH_GRANT in self.grant_types or ACCOUNT_ACCESS_SCOPE in self.scopes


@dataclasses.dataclass
class DeviceAuthorization:
    device_code: str
    user_code: str
    client_id: str
    client_name: str
    expires_at: float
    status: str = "pending"          # pending | approved | denied
    polls: int = 0
    pending_answers: int = 0
    last_poll: float | None = None

    def is_live(self, now: float) -> bool:
        return now < self.expires_at


@dataclasses.dataclass
class AuthorizationRequest:
    """A GET /authorize the browser made: kept until it is decided (manual mode) and then,
    when approved, until its code is redeemed once."""
    request_id: str
    client_id: str
    redirect_uri: str
    state: str | None
    code_challenge: str
    scopes: tuple[str, ...]
    expires_at: float
    code: str | None = None


@dataclasses.dataclass
class IssuedToken:
    session_id: str
    client_id: str
    expires_at: float


# --------------------------------------------------------------------------------------------
# HTTP-independent request/response values.
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes = b""

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclasses.dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


def json_response(status: int, payload: dict | None, headers: Mapping[str, str] | None = None):
    body = b"" if payload is None else json.dumps(payload).encode()
    return Response(status, body, "application/json", dict(headers or {}))


def html_response(status: int, title: str, text: str) -> Response:
    page = (f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{text}</p></body></html>")
    return Response(status, page.encode(), "text/html; charset=utf-8")


@dataclasses.dataclass(frozen=True)
class Route:
    operation: str
    api: str                                       # "oidc" | "portal"
    handler: Callable[[Request, Mapping[str, Any]], dict | None]


# --------------------------------------------------------------------------------------------
# The emulator's behaviour.
# --------------------------------------------------------------------------------------------

class SandboxApp:
    """Both AWS APIs, the verification page and the control API, on in-memory state."""

    def __init__(self, config: Mapping[str, Any], base_url: str = "http://127.0.0.1"):
        self.base_url = base_url
        self._startup_config = dict(config)
        self._lock = threading.Lock()
        # Creating a botocore client takes a while: its own lock keeps auth calls flowing.
        self._sts_lock = threading.Lock()
        self._sts_clients: dict[str, Any] = {}
        self.counters = Counters()
        # The AWS sign-in federation endpoint at /federation (signin_federation.py).
        self.federation = SigninFederation()
        self._set_config(dict(config))
        self._clear_auth_state()
        self._routes = {
            ("POST", "/client/register"): Route("RegisterClient", "oidc", self.register_client),
            ("POST", "/device_authorization"):
                Route("StartDeviceAuthorization", "oidc", self.start_device_authorization),
            ("POST", "/token"): Route("CreateToken", "oidc", self.create_token),
            ("GET", "/assignment/accounts"): Route("ListAccounts", "portal", self.list_accounts),
            ("GET", "/assignment/roles"):
                Route("ListAccountRoles", "portal", self.list_account_roles),
            ("GET", "/federation/credentials"):
                Route("GetRoleCredentials", "portal", self.get_role_credentials),
            ("POST", "/logout"): Route("Logout", "portal", self.logout),
        }
        self._operations = {route.operation: route for route in self._routes.values()}
        self._control_routes = {
            ("GET", "state"): self._control_state,
            ("POST", "approve"): lambda body: self._settle(body, "approved"),
            ("POST", "deny"): lambda body: self._settle(body, "denied"),
            ("POST", "config"): self._control_config,
            ("POST", "reset"): self._control_reset,
            ("POST", "expire-tokens"): self._control_expire_tokens,
            ("POST", "fail"): self._control_fail,
        }

    # Config is replaced wholesale, never mutated, so a request reads one consistent snapshot
    # without taking a lock.
    def _set_config(self, config: dict) -> None:
        self._config = config
        self._directory = Directory.from_config(config)
        self._bucket = TokenBucket(config["rate_limit_tps"])

    def _clear_auth_state(self) -> None:
        with self._lock:
            self._clients: dict[str, RegisteredClient] = {}
            self._authorizations: dict[str, DeviceAuthorization] = {}
            self._access_tokens: dict[str, IssuedToken] = {}
            self._refresh_tokens: dict[str, IssuedToken] = {}
            self._faults: dict[str, collections.deque[ApiError]] = {}
            self._device_visits = 0
            # /authorize requests waiting for a decision (by request id) and issued codes.
            self._consents: dict[str, AuthorizationRequest] = {}
            self._codes: dict[str, AuthorizationRequest] = {}
        self.federation.reset()

    # ---- dispatch ------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX):
            return self._handle_control(request)
        if request.path == "/device" and request.method == "GET":
            return self._device_page(request)
        if request.path == "/authorize" and request.method == "GET":
            return self._counted("Authorize", lambda: self._authorize(request))
        if request.path == "/authorize/decision" and request.method == "GET":
            return self._authorize_decision(request)
        if request.path == "/federation":
            return self._federation(request)
        route = self._routes.get((request.method, request.path))
        if route is None:
            return json_response(404, {"message": f"No operation at {request.method} "
                                                  f"{request.path}"},
                                 {"x-amzn-ErrorType": "UnknownOperationException"})
        return self._call(route, request)

    def _call(self, route: Route, request: Request) -> Response:
        config = self._config
        self.counters.begin(route.operation)
        if route.operation == "ListAccountRoles":
            # Counted before any fault or throttle, so that every call for an account shows.
            self.counters.roles_listed(request.query_value("account_id") or "")
        try:
            # Each request has its own thread, so sleeping here delays only this call.
            if config["latency_ms"]:
                time.sleep(config["latency_ms"] / 1000)
            self._raise_injected_fault(route.operation)
            if route.api == "portal" and not self._bucket.try_take():
                raise portal_error("TooManyRequestsException", "Rate exceeded")
            return json_response(200, route.handler(request, config))
        except ApiError as error:
            self.counters.error(route.operation, error.error_type)
            return error.response()
        finally:
            self.counters.end()

    def _counted(self, operation: str, handle: Callable[[], Response]) -> Response:
        """A browser-facing page, counted per operation like the API calls are."""
        self.counters.begin(operation)
        try:
            return handle()
        finally:
            self.counters.end()

    def _raise_injected_fault(self, operation: str) -> None:
        with self._lock:
            faults = self._faults.get(operation)
            fault = faults.popleft() if faults else None
        if fault is not None:
            raise fault

    # ---- SSO OIDC --------------------------------------------------------------------------

    def register_client(self, request: Request, config: Mapping[str, Any]) -> dict:
        body = _oidc_body(request, "clientName", "clientType")
        if body["clientType"] != "public":
            raise oidc_error("InvalidClientMetadataException", "clientType must be 'public'")
        scopes = _string_list(body, "scopes")
        grant_types = _string_list(body, "grantTypes")
        for scope in scopes:
            if not _is_valid_scope(scope):
                raise oidc_error("InvalidScopeException", f"Invalid scope: {scope}")
        for grant in grant_types:
            if grant not in KNOWN_GRANTS:
                raise oidc_error("UnsupportedGrantTypeException", f"Unsupported grant: {grant}")
        redirect_uris = _string_list(body, "redirectUris")
        for uri in redirect_uris:
            if not re.match(r"http://(127\.0\.0\.1|localhost)(:\d+)?/", uri + "/"):
                raise oidc_error("InvalidRedirectUriException", f"Invalid redirect URI: {uri}")
        issuer_url = body.get("issuerUrl")
        if issuer_url is not None and not _is_http_url(issuer_url):
            raise oidc_error("InvalidRequestException", "issuerUrl must be an http(s) URL")
        if AUTHORIZATION_CODE_GRANT in grant_types and not (redirect_uris and issuer_url):
            raise oidc_error("InvalidRequestException",
                             "The authorization_code grant needs redirectUris and issuerUrl")
        now = time.time()
        client = RegisteredClient(
            client_id=secrets.token_urlsafe(16), secret=secrets.token_urlsafe(48),
            name=body["clientName"], scopes=tuple(scopes), grant_types=tuple(grant_types),
            expires_at=now + config["client_ttl"], redirect_uris=tuple(redirect_uris),
            issuer_url=issuer_url,
        )
        with self._lock:
            self._clients[client.client_id] = client
        return {
            "clientId": client.client_id,
            "clientSecret": client.secret,
            "clientIdIssuedAt": int(now),
            "clientSecretExpiresAt": int(client.expires_at),
        }

    def start_device_authorization(self, request: Request, config: Mapping[str, Any]) -> dict:
        body = _oidc_body(request, "clientId", "clientSecret", "startUrl")
        client = self._authenticate_client(body)
        if not client.may_use(DEVICE_GRANT):
            raise oidc_error("UnauthorizedClientException",
                             "Client is not registered for the device_code grant")
        if not _is_http_url(body["startUrl"]):
            raise oidc_error("InvalidRequestException", "startUrl must be an http(s) URL")
        ttl = config["device_code_ttl"]
        with self._lock:
            authorization = DeviceAuthorization(
                device_code=secrets.token_urlsafe(32), user_code=self._new_user_code(),
                client_id=client.client_id, client_name=client.name,
                expires_at=time.time() + ttl,
            )
            self._authorizations[authorization.device_code] = authorization
        verification_uri = f"{self.base_url}/device"
        return {
            "deviceCode": authorization.device_code,
            "userCode": authorization.user_code,
            "verificationUri": verification_uri,
            "verificationUriComplete":
                f"{verification_uri}?user_code={quote(authorization.user_code)}",
            "expiresIn": math.ceil(ttl),
            "interval": config["interval"],
        }

    def create_token(self, request: Request, config: Mapping[str, Any]) -> dict:
        body = _oidc_body(request, "clientId", "clientSecret", "grantType")
        client = self._authenticate_client(body)
        grant = body["grantType"]
        if grant not in KNOWN_GRANTS:
            raise oidc_error("UnsupportedGrantTypeException", f"Unsupported grant type: {grant}")
        self.counters.grant("device_code" if grant == DEVICE_GRANT else str(grant))
        if not client.may_use(grant):
            raise oidc_error("UnauthorizedClientException",
                             f"Client is not registered for the {grant} grant")
        if grant == DEVICE_GRANT:
            return self._redeem_device_code(client, body, config)
        if grant == REFRESH_GRANT:
            return self._redeem_refresh_token(client, body, config)
        return self._redeem_authorization_code(client, body, config)

    def _authenticate_client(self, body: Mapping[str, Any]) -> RegisteredClient:
        with self._lock:
            client = self._clients.get(str(body["clientId"]))
        offered = str(body["clientSecret"]).encode()
        if client is None or not secrets.compare_digest(client.secret.encode(), offered):
            raise oidc_error("InvalidClientException", "Invalid client credentials")
        if time.time() >= client.expires_at:
            raise oidc_error("InvalidClientException", "Client registration has expired")
        return client

    def _redeem_device_code(self, client, body, config) -> dict:
        device_code = _required_field(body, "deviceCode")
        with self._lock:
            authorization = self._authorizations.get(device_code)
            if authorization is None or authorization.client_id != client.client_id:
                raise oidc_error("InvalidGrantException", "Invalid device code provided")
            now = time.time()
            if not authorization.is_live(now):
                raise oidc_error("ExpiredTokenException", "Device code has expired")
            outcome = _next_poll_outcome(authorization, config, now)
            if outcome == "approved":
                # A device code is redeemed once; a second CreateToken sees an invalid grant.
                del self._authorizations[device_code]
                return self._issue_tokens(client, secrets.token_hex(8), config)
        raise {
            "slow_down": oidc_error("SlowDownException", "Client is polling too fast"),
            "pending": oidc_error("AuthorizationPendingException",
                                  "Authorization is still pending"),
            "denied": oidc_error("AccessDeniedException", "The user denied the authorization"),
        }[outcome]

    def _redeem_authorization_code(self, client, body, config) -> dict:
        code = _required_field(body, "code")
        verifier = str(_required_field(body, "codeVerifier"))
        redirect_uri = _required_field(body, "redirectUri")
        with self._lock:
            # A code works once: it is gone whether this redemption succeeds or not.
            issued = self._codes.pop(str(code), None)
            if (issued is None or issued.client_id != client.client_id
                    or time.time() >= issued.expires_at):
                raise oidc_error("InvalidGrantException", "Invalid authorization code provided")
            if redirect_uri != issued.redirect_uri:
                raise oidc_error("InvalidGrantException",
                                 "redirectUri does not match the one of the authorization request")
            if not secrets.compare_digest(pkce_challenge(verifier), issued.code_challenge):
                raise oidc_error("InvalidGrantException", "Code verifier does not match the challenge")
            return self._issue_tokens(client, secrets.token_hex(8), config)

    def _redeem_refresh_token(self, client, body, config) -> dict:
        if not client.may_refresh(config):
            raise oidc_error("UnauthorizedClientException",
                             "Client is not authorized for the refresh_token grant")
        refresh_token = _required_field(body, "refreshToken")
        with self._lock:
            issued = self._refresh_tokens.get(refresh_token)
            if (issued is None or issued.client_id != client.client_id
                    or time.time() >= issued.expires_at):
                raise oidc_error("InvalidGrantException", "Invalid refresh token provided")
            if config["rotate_refresh_tokens"]:
                del self._refresh_tokens[refresh_token]
            return self._issue_tokens(client, issued.session_id, config)

    def _issue_tokens(self, client: RegisteredClient, session_id: str, config) -> dict:
        """New access (+ refresh) token in `session_id`; the caller holds the lock.

        An older refresh token of the session stays valid until it expires, so a client that
        keeps using it (another process sharing the token cache) still works, unless
        --rotate-refresh-tokens spent it.
        """
        now = time.time()
        access_token = "aoa" + secrets.token_urlsafe(48)
        self._access_tokens[access_token] = IssuedToken(
            session_id, client.client_id, now + config["access_token_ttl"])
        answer = {
            "accessToken": access_token,
            "tokenType": "Bearer",
            "expiresIn": math.ceil(config["access_token_ttl"]),
        }
        if client.may_refresh(config):
            refresh_token = "aor" + secrets.token_urlsafe(48)
            self._refresh_tokens[refresh_token] = IssuedToken(
                session_id, client.client_id, now + config["refresh_token_ttl"])
            answer["refreshToken"] = refresh_token
        return answer

    def _new_user_code(self) -> str:
        live = {a.user_code for a in self._authorizations.values()}
        while True:
            letters = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
            code = f"{letters[:4]}-{letters[4:]}"
            if code not in live:
                return code

    # ---- SSO portal ------------------------------------------------------------------------

    def list_accounts(self, request: Request, config: Mapping[str, Any]) -> dict:
        self._session_of(request)
        page, next_token = _paginate(
            self._directory.accounts, request, "accounts", config["page_size"])
        return _with_next_token({"accountList": [a.info() for a in page]}, next_token)

    def list_account_roles(self, request: Request, config: Mapping[str, Any]) -> dict:
        self._session_of(request)
        account_id = _required_query(request, "account_id")
        account = self._directory.by_id.get(account_id)
        if account is None:
            raise portal_error("ResourceNotFoundException", f"Account {account_id} not found")
        if account_id in config["failing_role_accounts"]:
            raise portal_error("ForbiddenException", f"No access to the roles of {account_id}")
        page, next_token = _paginate(
            account.roles, request, f"roles:{account_id}", config["page_size"])
        roles = [{"roleName": role, "accountId": account_id} for role in page]
        return _with_next_token({"roleList": roles}, next_token)

    def get_role_credentials(self, request: Request, config: Mapping[str, Any]) -> dict:
        self._session_of(request)
        account_id = _required_query(request, "account_id")
        role_name = _required_query(request, "role_name")
        account = self._directory.by_id.get(account_id)
        # Like AWS, an unknown account and an unassigned role look the same: "No access".
        if account is None or role_name not in account.roles:
            raise portal_error("ForbiddenException", "No access")
        return {"roleCredentials": self._mint_credentials(account_id, role_name, config)}

    def logout(self, request: Request, config: Mapping[str, Any]) -> None:
        session_id = self._session_of(request)
        with self._lock:
            for tokens in (self._access_tokens, self._refresh_tokens):
                for token in [t for t, issued in tokens.items() if issued.session_id == session_id]:
                    del tokens[token]
        return None

    def _session_of(self, request: Request) -> str:
        token = request.headers.get(BEARER_HEADER)
        with self._lock:
            issued = self._access_tokens.get(token) if token else None
        if issued is None or time.time() >= issued.expires_at:
            raise portal_error("UnauthorizedException", "Session token not found or invalid")
        return issued.session_id

    def _mint_credentials(self, account_id: str, role_name: str, config) -> dict:
        ttl = config["role_credentials_ttl"]
        if config["moto_url"]:
            keys = self._assume_role_in_moto(config["moto_url"], account_id, role_name, ttl)
        else:
            keys = _random_role_keys()
        expires_at = time.time() + ttl
        self.federation.remember(keys, account_id, role_name, expires_at)
        return {**keys, "expiration": int(expires_at * 1000)}

    # ---- AWS sign-in federation (signin.aws.amazon.com/federation) -----------------------

    def _federation(self, request: Request) -> Response:
        operation, params = SigninFederation.operation(
            request.method, request.query, request.body, request.headers.get("Content-Type") or "")
        if operation is None:
            return json_response(400, {"message": "Action must be getSigninToken or login"})
        self.counters.begin(operation)
        try:
            if operation == "GetSigninToken":
                return json_response(200, self.federation.get_signin_token(params))
            return Response(302, b"", "text/plain", {"Location": self.federation.login(params)})
        except FederationError as error:
            self.counters.error(operation, "FederationError")
            return json_response(error.status, {"message": error.message})
        finally:
            self.counters.end()

    def _assume_role_in_moto(self, moto_url: str, account_id: str, role_name: str, ttl) -> dict:
        try:
            answer = self._sts_client(moto_url).assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}",
                RoleSessionName=SANDBOX_USER,
                DurationSeconds=min(max(900, math.ceil(ttl)), 43200),
            )
        except Exception as error:  # any failure of moto is the sandbox's, not the caller's
            LOG.error("AssumeRole in moto at %s failed: %s", moto_url, error)
            raise portal_error("InternalServerException", "Could not mint role credentials")
        credentials = answer["Credentials"]
        return {
            "accessKeyId": credentials["AccessKeyId"],
            "secretAccessKey": credentials["SecretAccessKey"],
            "sessionToken": credentials["SessionToken"],
        }

    def _sts_client(self, moto_url: str):
        with self._sts_lock:
            client = self._sts_clients.get(moto_url)
            if client is None:
                client = self._sts_clients[moto_url] = _moto_sts_client(moto_url)
            return client

    # ---- the browser's authorization request (authorization code + PKCE) --------------------

    def _authorize(self, request: Request) -> Response:
        """GET /authorize: errors the redirect URI cannot be trusted with are a page; the rest go
        back to the client's loopback listener as OAuth redirect errors, as RFC 6749 §4.1.2.1 says."""
        client_id = request.query_value("client_id") or ""
        redirect_uri = request.query_value("redirect_uri") or ""
        with self._lock:
            client = self._clients.get(client_id)
        if client is None or time.time() >= client.expires_at:
            return html_response(400, "Invalid client", "The client_id is unknown or expired.")
        if not client.accepts_redirect(redirect_uri):
            return html_response(400, "Invalid redirect URI",
                                 "The redirect_uri is not one the client registered.")
        state = request.query_value("state")
        if request.query_value("response_type") != "code":
            return _redirect(redirect_uri, state, error="unsupported_response_type")
        if not client.may_use(AUTHORIZATION_CODE_GRANT):
            return _redirect(redirect_uri, state, error="unauthorized_client")
        challenge = (request.query_value("code_challenge") or "").rstrip("=")
        if request.query_value("code_challenge_method") != "S256" or not challenge:
            return _redirect(redirect_uri, state, error="invalid_request",
                             error_description="code_challenge with method S256 is required")
        pending = AuthorizationRequest(
            request_id=secrets.token_urlsafe(12), client_id=client_id, redirect_uri=redirect_uri,
            state=state, code_challenge=challenge,
            scopes=tuple((request.query_value("scopes") or "").split()),
            expires_at=time.time() + AUTHORIZATION_CODE_TTL)
        approval = self._config["approval"]
        if approval == "manual":
            with self._lock:
                self._consents[pending.request_id] = pending
            decide = f"/authorize/decision?request={quote(pending.request_id)}"
            return html_response(200, "Allow access?",
                                 f'<a href="{decide}&amp;allow=true">Allow</a> '
                                 f'<a href="{decide}&amp;allow=false">Deny</a>')
        return self._decide(pending, allow=approval == "auto")

    def _authorize_decision(self, request: Request) -> Response:
        """A click on Allow or Deny of the manual-mode consent page."""
        with self._lock:
            pending = self._consents.pop(request.query_value("request") or "", None)
        if pending is None or time.time() >= pending.expires_at:
            return html_response(404, "Unknown request", "This authorization request is over.")
        return self._decide(pending, allow=_boolean(request.query_value("allow") or "false"))

    def _decide(self, pending: AuthorizationRequest, allow: bool) -> Response:
        if not allow:
            return _redirect(pending.redirect_uri, pending.state, error="access_denied",
                             error_description="The user denied the authorization")
        pending.code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[pending.code] = pending
        return _redirect(pending.redirect_uri, pending.state, code=pending.code)

    # ---- verification page -----------------------------------------------------------------

    def _device_page(self, request: Request) -> Response:
        user_code = (request.query_value("user_code") or "").strip().upper()
        if not user_code:
            return html_response(200, "AWS SSO sandbox", "Open verificationUriComplete, or "
                                 "approve through POST /_sandbox/approve.")
        config = self._config
        with self._lock:
            self._device_visits += 1
            authorization = self._live_authorization(user_code)
            if authorization is None:
                return html_response(404, "Unknown code", f"No pending login has the code "
                                     f"{html.escape(user_code)}.")
            if config["browser_approves"] and authorization.status == "pending":
                denied = config["approval"] == "deny"
                authorization.status = "denied" if denied else "approved"
            status = authorization.status
        return html_response(200, f"Login {status}", f"The request {html.escape(user_code)} "
                             f"is {status}. You may close this window.")

    def _live_authorization(self, user_code: str) -> DeviceAuthorization | None:
        now = time.time()
        return next((a for a in self._authorizations.values()
                     if a.user_code == user_code and a.is_live(now)), None)

    # ---- control API -----------------------------------------------------------------------

    def control(self, method: str, name: str, body: Mapping[str, Any] | None = None):
        """Run one control operation; returns (HTTP status, JSON answer)."""
        handler = self._control_routes.get((method, name))
        if handler is None:
            return 404, {"error": f"no control operation {method} {CONTROL_PREFIX}{name}"}
        try:
            return 200, handler(dict(body or {}))
        except ControlError as error:
            return error.status, {"error": str(error)}
        except KnobError as error:
            return 400, {"error": str(error)}

    def _handle_control(self, request: Request) -> Response:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return json_response(400, {"error": "the body must be JSON"})
        if not isinstance(body, dict):
            return json_response(400, {"error": "the body must be a JSON object"})
        status, answer = self.control(request.method, request.path[len(CONTROL_PREFIX):], body)
        return json_response(status, answer)

    def _control_state(self, body) -> dict:
        now = time.time()
        with self._lock:
            logins = [
                {"userCode": a.user_code, "status": a.status if a.is_live(now) else "expired",
                 "polls": a.polls, "clientName": a.client_name,
                 "expiresIn": max(0, math.ceil(a.expires_at - now))}
                for a in self._authorizations.values()
            ]
            tokens = {
                "clients": len(self._clients),
                "activeAccessTokens": sum(t.expires_at > now for t in self._access_tokens.values()),
                "activeRefreshTokens":
                    sum(t.expires_at > now for t in self._refresh_tokens.values()),
                "sessions": len({t.session_id for t in self._access_tokens.values()}
                                | {t.session_id for t in self._refresh_tokens.values()}),
                "deviceVisits": self._device_visits,
                "pendingConsents": len(self._consents),
                "faults": {op: len(faults) for op, faults in self._faults.items() if faults},
            }
        # Device codes are left out on purpose: tests approve by user code, as a person would.
        return {
            **self.counters.snapshot(), **tokens,
            "pendingAuthorizations": [login for login in logins if login["status"] == "pending"],
            "authorizations": logins,
            "accounts": len(self._directory.accounts),
            "federation": self.federation.state(),
            "config": config_to_json(self._config),
        }

    def _settle(self, body: Mapping[str, Any], status: str) -> dict:
        user_code = body.get("userCode")
        user_code = str(user_code).strip().upper() if user_code else None
        now = time.time()
        with self._lock:
            settled = [a for a in self._authorizations.values()
                       if a.status == "pending" and a.is_live(now)
                       and user_code in (None, a.user_code)]
            if user_code and not settled:
                raise ControlError(404, f"no pending login has the user code {user_code}")
            for authorization in settled:
                authorization.status = status
        return {status: [a.user_code for a in settled]}

    def _control_config(self, body: Mapping[str, Any]) -> dict:
        with self._lock:
            self._set_config(apply_knobs(self._config, body))
        LOG.info("config changed: %s", ", ".join(body) or "nothing")
        return {"config": config_to_json(self._config)}

    def _control_reset(self, body: Mapping[str, Any]) -> dict:
        if body.get("config"):
            self._set_config(dict(self._startup_config))
        else:
            self._set_config(self._config)     # a fresh token bucket
        self._clear_auth_state()
        self.counters.reset()
        return {"reset": True, "config": config_to_json(self._config)}

    def _control_expire_tokens(self, body: Mapping[str, Any]) -> dict:
        kinds = [("expiredAccessTokens", self._access_tokens)]
        if body.get("refreshTokens"):
            kinds.append(("expiredRefreshTokens", self._refresh_tokens))
        answer = {}
        past = time.time() - 1
        with self._lock:
            for key, tokens in kinds:
                for issued in tokens.values():
                    issued.expires_at = min(issued.expires_at, past)
                answer[key] = len(tokens)
        return answer

    def _control_fail(self, body: Mapping[str, Any]) -> dict:
        route = self._operations.get(body.get("operation"))
        if route is None:
            raise ControlError(400, f"operation must be one of {', '.join(self._operations)}")
        shape = body.get("error")
        errors = OIDC_ERRORS if route.api == "oidc" else PORTAL_ERRORS
        if shape not in errors:
            raise ControlError(400, f"error must be one of {', '.join(errors)}")
        count = _number(int, 1)(body.get("count", 1))
        message = str(body.get("message") or f"Injected {shape}")
        make = oidc_error if route.api == "oidc" else portal_error
        with self._lock:
            faults = self._faults.setdefault(route.operation, collections.deque())
            faults.extend(make(shape, message) for _ in range(count))
            return {"faults": {op: len(queued) for op, queued in self._faults.items() if queued}}


def _next_poll_outcome(authorization: DeviceAuthorization, config, now: float) -> str:
    """What one CreateToken poll answers: slow_down | pending | approved | denied.

    Poll order: the first `slow_down_polls` polls slow down, then `approve_after_polls` polls
    are pending, then auto approves / deny denies; manual mode stays pending until approved.
    """
    authorization.polls += 1
    too_soon = (config["enforce_interval"] and authorization.last_poll is not None
                and now - authorization.last_poll < config["interval"])
    authorization.last_poll = now
    if authorization.polls <= config["slow_down_polls"] or too_soon:
        return "slow_down"
    if authorization.status == "pending" and config["approval"] != "manual" \
            and authorization.pending_answers >= config["approve_after_polls"]:
        authorization.status = "approved" if config["approval"] == "auto" else "denied"
    if authorization.status == "pending":
        authorization.pending_answers += 1
    return authorization.status


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))), without padding."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _redirect(redirect_uri: str, state: str | None, **params: str) -> Response:
    """302 to the client's redirect URI with `params` (and the state, when it sent one)."""
    if state is not None:
        params["state"] = state
    separator = "&" if urlsplit(redirect_uri).query else "?"
    location = f"{redirect_uri}{separator}{urlencode(params)}"
    return Response(302, b"", "text/plain", {"Location": location})


def _oidc_body(request: Request, *required: str) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise oidc_error("InvalidRequestException", "The request body is not JSON") from None
    if not isinstance(body, dict):
        raise oidc_error("InvalidRequestException", "The request body must be a JSON object")
    for name in required:
        _required_field(body, name)
    return body


def _required_field(body: Mapping[str, Any], name: str) -> Any:
    value = body.get(name)
    if value in (None, ""):
        raise oidc_error("InvalidRequestException", f"Missing required parameter: {name}")
    return value


def _required_query(request: Request, name: str) -> str:
    value = request.query_value(name)
    if not value:
        raise portal_error("InvalidRequestException", f"Missing required parameter: {name}")
    return value


def _string_list(body: Mapping[str, Any], name: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise oidc_error("InvalidRequestException", f"{name} must be a list of strings")
    return value


def _is_valid_scope(scope: str) -> bool:
    return scope == "openid" or re.fullmatch(r"[\w-]+(:[\w*-]+)+", scope) is not None


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _paginate(items, request: Request, scope: str, page_size: int):
    """One page of `items` and the next token, from the max_result / next_token query.

    The server never returns more than `page_size` items, even when max_result asks for more:
    clients must follow nextToken rather than count items.
    """
    raw_max = request.query_value("max_result")
    if raw_max is not None:
        if not re.fullmatch(r"-?\d+", raw_max) or not 1 <= int(raw_max) <= 100:
            raise portal_error(
                "InvalidRequestException",
                f"1 validation error detected: Value '{raw_max}' at 'maxResults' failed to "
                "satisfy constraint: Member must have value between 1 and 100")
    start = _decode_next_token(request.query_value("next_token"), scope)
    size = min(int(raw_max), page_size) if raw_max is not None else page_size
    end = start + size
    next_token = _encode_next_token(scope, end) if end < len(items) else None
    return items[start:end], next_token


def _encode_next_token(scope: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([scope, offset]).encode()).decode()


def _decode_next_token(token: str | None, scope: str) -> int:
    if token is None:
        return 0
    try:
        token_scope, offset = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError, binascii.Error):
        token_scope, offset = None, None
    if token_scope != scope or not isinstance(offset, int) or offset < 0:
        raise portal_error("InvalidRequestException", "Invalid nextToken")
    return offset


def _with_next_token(answer: dict, next_token: str | None) -> dict:
    # AWS leaves nextToken out of the last page.
    if next_token is not None:
        answer["nextToken"] = next_token
    return answer


def _random_role_keys() -> dict:
    upper = string.ascii_uppercase + "234567"
    return {
        "accessKeyId": "ASIA" + "".join(secrets.choice(upper) for _ in range(16)),
        "secretAccessKey": base64.b64encode(secrets.token_bytes(30)).decode(),
        "sessionToken": "IQoJb3JpZ2luX2Vj" + base64.b64encode(secrets.token_bytes(300)).decode(),
    }


def _moto_sts_client(moto_url: str):
    import botocore.session  # only needed with --moto-url

    # The product tests point AWS_PROFILE, AWS_CONFIG_FILE and friends at their own SSO setup;
    # this client talks to moto with fixed dummy keys and must read none of that.
    session = botocore.session.Session(session_vars={
        "profile": (None, None, None, None),
        "config_file": (None, None, os.devnull, None),
        "credentials_file": (None, None, os.devnull, None),
    })
    return session.create_client(
        "sts", endpoint_url=moto_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


# --------------------------------------------------------------------------------------------
# HTTP plumbing.
# --------------------------------------------------------------------------------------------

class _RequestHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive: SDK clients pool them, and so must the emulator.
    protocol_version = "HTTP/1.1"
    server_version = "sso-emulator"
    # Headers and body leave in one segment, at once: written separately, Nagle's algorithm and
    # the client's delayed ACK would add ~40 ms to every call.
    wbufsize = -1
    disable_nagle_algorithm = True

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _serve(self) -> None:
        url = urlsplit(self.path)
        request = Request(self.command, url.path, parse_qs(url.query, keep_blank_values=True),
                          self.headers, self._read_body())
        try:
            response = self.server.app.handle(request)
        except Exception:  # a sandbox bug must show up as a 500, not as a dropped connection
            LOG.exception("%s %s failed", self.command, url.path)
            response = json_response(500, {"message": "sandbox failure"},
                                     {"x-amzn-ErrorType": "InternalServerException"})
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_chunked_body(self) -> bytes:
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():   # trailers
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def log_message(self, format: str, *args) -> None:
        # Request lines carry no secrets (tokens travel in headers and bodies), but they are many.
        LOG.debug("%s %s", self.address_string(), format % args)


class _SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    # Hundreds of concurrent SDK connections must not overflow the listen backlog: dropped SYNs
    # are retried only after a second and would look like latency.
    request_queue_size = 1024

    def __init__(self, address, app: SandboxApp):
        super().__init__(address, _RequestHandler)
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """End idle keep-alive connections so that their handler threads finish."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


# --------------------------------------------------------------------------------------------
# Python entry points: in-process emulator, subprocess emulator, shared control methods.
# --------------------------------------------------------------------------------------------

class SandboxControlError(RuntimeError):
    def __init__(self, status: int, message: str):
        super().__init__(f"control API answered {status}: {message}")
        self.status = status


class SandboxControl:
    """The control API as methods; subclasses say how a call reaches the emulator."""

    url: str

    def _control(self, method: str, name: str, body: Mapping[str, Any] | None = None) -> dict:
        raise NotImplementedError

    def state(self) -> dict:
        return self._control("GET", "state")

    def approve(self, user_code: str | None = None) -> list[str]:
        return self._control("POST", "approve", _user_code_body(user_code))["approved"]

    def deny(self, user_code: str | None = None) -> list[str]:
        return self._control("POST", "deny", _user_code_body(user_code))["denied"]

    def configure(self, **knobs: Any) -> dict:
        if "directory" in knobs:
            knobs["directory"] = _directory_json(knobs["directory"])
        return self._control("POST", "config", knobs)["config"]

    def reset(self, config: bool = False) -> dict:
        return self._control("POST", "reset", {"config": config})

    def expire_tokens(self, refresh_tokens: bool = False) -> dict:
        return self._control("POST", "expire-tokens", {"refreshTokens": refresh_tokens})

    def fail(self, operation: str, error: str, count: int = 1, message: str | None = None):
        body = {"operation": operation, "error": error, "count": count, "message": message}
        return self._control("POST", "fail", body)["faults"]


def _user_code_body(user_code: str | None) -> dict:
    return {"userCode": user_code} if user_code else {}


def _directory_json(directory: Any) -> Any:
    if isinstance(directory, tuple) and all(isinstance(a, Account) for a in directory):
        return [account.to_json() for account in directory]
    return directory


class SsoEmulator(SandboxControl):
    """The emulator in this process: `with SsoEmulator(accounts=5) as sso: ... sso.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **knobs: Any):
        self._address = (host, port)
        self._app = SandboxApp(apply_knobs(default_config(), knobs))
        self._server: _SandboxServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "SsoEmulator":
        self._server = _SandboxServer(self._address, self._app)
        host = self._address[0] if self._address[0] not in ("", "0.0.0.0") else "127.0.0.1"
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._app.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sso-emulator", daemon=True)
        self._thread.start()
        LOG.info("serving AWS SSO OIDC + portal at %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.close_open_connections()
        self._server.server_close()
        self._thread.join()
        self._server = None
        LOG.info("stopped")

    def _control(self, method, name, body=None) -> dict:
        status, answer = self._app.control(method, name, body)
        if status >= 400:
            raise SandboxControlError(status, answer.get("error", ""))
        return answer

    def __enter__(self) -> "SsoEmulator":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class EmulatorProcess(SandboxControl):
    """The emulator's CLI in a subprocess, as product tests run it.

    Knobs become flags (`latency_ms=5` -> `--latency-ms 5`); stderr goes to a log file, never a
    pipe nobody reads (a full pipe would block the emulator); `log_text()` returns it.
    """

    SCRIPT = os.path.abspath(__file__)

    def __init__(self, python: str = sys.executable, env: Mapping[str, str] | None = None,
                 **knobs: Any):
        self._python = python
        self._env = dict(env) if env is not None else None
        self._knobs = knobs
        self._workdir = tempfile.TemporaryDirectory(prefix="sso-emulator-")
        self.log_path = os.path.join(self._workdir.name, "emulator.log")
        self._process: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> "EmulatorProcess":
        argv = [self._python, self.SCRIPT, "--port", "0",
                *knob_arguments(self._knobs, self._workdir.name)]
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                env=self._env, text=True)
        ready = json.loads(self._read_ready_line(timeout))
        self.url, self.port = ready["url"], ready["port"]
        return self

    def _read_ready_line(self, timeout: float) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            if selector.select(timeout):
                line = self._process.stdout.readline()
                if line.strip():
                    return line
        self.stop()
        raise RuntimeError(f"the SSO emulator did not start:\n{self.log_text()}")

    def stop(self, timeout: float = 10.0) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
        return process.returncode

    def log_text(self) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return log.read()
        except OSError:
            return ""

    def _control(self, method, name, body=None) -> dict:
        data = None if method == "GET" else json.dumps(body or {}).encode()
        request = urllib.request.Request(
            f"{self.url}{CONTROL_PREFIX}{name}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            message = json.loads(error.read() or b"{}").get("error", "")
            raise SandboxControlError(error.code, message) from None

    def __enter__(self) -> "EmulatorProcess":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
        self._workdir.cleanup()


def knob_arguments(knobs: Mapping[str, Any], workdir: str) -> list[str]:
    """CLI flags for `knobs`; an in-memory directory is written to a JSON file in `workdir`."""
    argv = []
    for name, value in knobs.items():
        knob = KNOBS_BY_NAME.get(name.replace("-", "_"))
        if knob is None:
            raise KnobError(f"unknown knob {name!r}")
        flag = "--" + knob.name.replace("_", "-")
        if value is None:
            continue
        if knob.parse is _boolean:
            argv.append(flag if _boolean(value) else "--no-" + flag[2:])
        elif knob.name == "directory" and not isinstance(value, str):
            path = os.path.join(workdir, "directory.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump({"accounts": _directory_json(value)}, file)
            argv += [flag, path]
        else:
            argv += [flag, str(value)]
    return argv


# --------------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------------

def build_arg_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sso_emulator.py",
        description="Emulate AWS SSO OIDC and the AWS SSO portal on one loopback port. Prints "
                    '{"url": ..., "port": ...} on one stdout line when ready.')
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    parser.add_argument("--log-level", default="info",
                        choices=("debug", "info", "warning", "error"),
                        help="stderr log level; debug logs every request (default: %(default)s)")
    for knob in KNOBS:
        flag = "--" + knob.name.replace("_", "-")
        text = f"{knob.help} (default: {knob.default})"
        if knob.parse is _boolean:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction,
                                default=argparse.SUPPRESS, help=text)
        else:
            # Values stay strings here and are parsed once, by apply_knobs, like API values.
            parser.add_argument(flag, default=argparse.SUPPRESS, help=text,
                                choices=getattr(knob.parse, "choices", None),
                                metavar="FILE" if knob.name == "directory" else None)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_arg_parser()
    args = vars(parser.parse_args(argv))
    host, port, log_level = args.pop("host"), args.pop("port"), args.pop("log_level")
    logging.basicConfig(stream=sys.stderr, level=log_level.upper(),
                        format="%(asctime)s sso-emulator %(levelname)s %(message)s")
    try:
        emulator = SsoEmulator(host=host, port=port, **args)
    except KnobError as error:
        parser.error(str(error))
    stop_requested = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop_requested.set())
    emulator.start()
    print(json.dumps({"url": emulator.url, "port": emulator.port}), flush=True)
    while not stop_requested.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
