"""The AWS sign-in federation endpoint (`https://signin.aws.amazon.com/federation`), for the SSO
emulator, which serves it at `/federation` on its own port (the host reaches it through
`AWS_ENDPOINT_URL_SIGNIN`).

What AWS does, and so does this:

    GET|POST /federation  Action=getSigninToken  Session={"sessionId", "sessionKey", "sessionToken"}
        -> {"SigninToken": "..."}      only for role credentials the emulator minted itself
                                       (GetRoleCredentials), complete and unexpired; else HTTP 400
    GET /federation  Action=login  SigninToken=...  Destination=...  [Issuer=...]
        -> 302 to Destination          the token is single use and valid for 15 minutes

Parameters come from the query string or, for POST, a form body (`application/x-www-form-urlencoded`),
as AWS accepts both. Every issued token and every login is recorded for `GET /_sandbox/state`
(`federation`), with the account and role it was minted for, so tests can check what a browser
would have been signed in as.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
import time
from typing import Any, Mapping
from urllib.parse import parse_qs

# AWS: "The URL that the federation endpoint provides is valid for 15 minutes after it is created".
SIGNIN_TOKEN_TTL = 15 * 60


class FederationError(Exception):
    """A refused federation request: HTTP status and a message for the body."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclasses.dataclass(frozen=True)
class MintedCredentials:
    secret_access_key: str
    session_token: str
    expires_at: float
    account_id: str
    role_name: str


@dataclasses.dataclass
class SigninToken:
    account_id: str
    role_name: str
    expires_at: float
    used: bool = False


class SigninFederation:
    """The federation endpoint's state: credentials the emulator minted, sign-in tokens, logins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._minted: dict[str, MintedCredentials] = {}
            self._tokens: dict[str, SigninToken] = {}
            self._logins: list[dict] = []

    def remember(self, keys: Mapping[str, str], account_id: str, role_name: str,
                 expires_at: float) -> None:
        """Records role credentials handed out by GetRoleCredentials (`accessKeyId`, ...)."""
        with self._lock:
            self._minted[keys["accessKeyId"]] = MintedCredentials(
                keys["secretAccessKey"], keys["sessionToken"], expires_at, account_id, role_name)

    @staticmethod
    def operation(method: str, query: Mapping[str, list[str]], body: bytes,
                  content_type: str) -> tuple[str | None, dict[str, str]]:
        """The operation a request asks for (`GetSigninToken`, `Login`, or None) and its
        parameters, from the query string and, for POST, the form body."""
        params = {name: values[0] for name, values in query.items() if values}
        if method == "POST" and content_type.split(";")[0].strip() == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            params.update({name: values[0] for name, values in form.items() if values})
        action = (params.get("Action") or "").lower()
        if action == "getsignintoken" and method in ("GET", "POST"):
            return "GetSigninToken", params
        if action == "login" and method == "GET":
            return "Login", params
        return None, params

    def get_signin_token(self, params: Mapping[str, str]) -> dict:
        try:
            session = json.loads(params.get("Session") or "")
        except ValueError:
            raise FederationError(400, "Session must be a JSON object") from None
        if not isinstance(session, dict):
            raise FederationError(400, "Session must be a JSON object")
        key_id = session.get("sessionId")
        with self._lock:
            minted = self._minted.get(key_id) if isinstance(key_id, str) else None
            if (minted is None
                    or not secrets.compare_digest(str(session.get("sessionKey", "")), minted.secret_access_key)
                    or not secrets.compare_digest(str(session.get("sessionToken", "")), minted.session_token)):
                raise FederationError(400, "The session credentials are not valid")
            if time.time() >= minted.expires_at:
                raise FederationError(400, "The session credentials have expired")
            token = secrets.token_urlsafe(96)
            self._tokens[token] = SigninToken(minted.account_id, minted.role_name,
                                              time.time() + SIGNIN_TOKEN_TTL)
        return {"SigninToken": token}

    def login(self, params: Mapping[str, str]) -> str:
        """Consumes the sign-in token; returns where the browser is redirected."""
        destination = params.get("Destination") or ""
        if not destination.startswith("https://"):
            raise FederationError(400, "Destination must be an https URL")
        with self._lock:
            token = self._tokens.get(params.get("SigninToken") or "")
            if token is None or token.used or time.time() >= token.expires_at:
                raise FederationError(400, "The sign-in token is not valid")
            token.used = True
            self._logins.append({"accountId": token.account_id, "roleName": token.role_name,
                                 "destination": destination, "issuer": params.get("Issuer")})
        return destination

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"signinTokens": len(self._tokens),
                    "unusedSigninTokens": sum(not t.used for t in self._tokens.values()),
                    "logins": list(self._logins)}
