"""Contract test: the SSO emulator's sign-in federation endpoint (`/federation`) behaves as AWS's
(`https://signin.aws.amazon.com/federation`), driven by a real HTTP client (urllib), with role
credentials obtained from the emulator through boto3's `sso` client, as other tools would.

getSigninToken answers a `SigninToken` for credentials the emulator minted itself, by GET (query
string, as the IAM documentation shows) and POST (form body, as the host sends it), and refuses
anything else; `Action=login` redirects to the destination once per token.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest
from botocore.config import Config

from sandbox.sso_emulator import SsoEmulator

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
START_URL = "https://d-1234567890.awsapps.com/start"
DESTINATION = "https://console.aws.amazon.com/ec2/home?region=us-east-1"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("home")
        for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                     "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_CONFIG_FILE", str(home / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        with SsoEmulator(approve_after_polls=0) as sso:
            yield sso


@pytest.fixture(autouse=True)
def fresh(emulator):
    emulator.reset()


def role_credentials(emulator, role: str = "ReadOnly") -> dict:
    """A device-flow sign-in and GetRoleCredentials with boto3, as the AWS CLI would do them."""
    aws = boto3.session.Session(region_name="us-east-1")
    retries = Config(retries={"mode": "standard", "total_max_attempts": 1})
    oidc = aws.client("sso-oidc", endpoint_url=emulator.url, config=retries)
    client = oidc.register_client(clientName="federation-test", clientType="public")
    authorization = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=START_URL)
    token = oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                              grantType=DEVICE_GRANT, deviceCode=authorization["deviceCode"])
    portal = aws.client("sso", endpoint_url=emulator.url, config=retries)
    answer = portal.get_role_credentials(roleName=role, accountId="111111111111",
                                         accessToken=token["accessToken"])
    return answer["roleCredentials"]


def session_json(credentials: dict, **overrides) -> str:
    session = {"sessionId": credentials["accessKeyId"], "sessionKey": credentials["secretAccessKey"],
               "sessionToken": credentials["sessionToken"], **overrides}
    return json.dumps(session)


def http(emulator, method: str, params: dict, form: bool = False):
    """(status, JSON body or None, Location) of one request, redirects not followed."""
    encoded = urllib.parse.urlencode(params)
    url = f"{emulator.url}/federation"
    if form:
        request = urllib.request.Request(url, data=encoded.encode(), method=method,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = urllib.request.Request(f"{url}?{encoded}", method=method)

    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        with urllib.request.build_opener(Keep).open(request, timeout=10) as response:
            status, body, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read(), error.headers
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        payload = None
    return status, payload, headers.get("Location")


def test_get_signin_token_by_get_and_post_for_minted_credentials(emulator):
    credentials = role_credentials(emulator)
    status, body, _ = http(emulator, "GET", {"Action": "getSigninToken", "Session": session_json(credentials)})
    assert status == 200 and len(body["SigninToken"]) > 40
    status, body, _ = http(emulator, "POST", {"Action": "getSigninToken", "Session": session_json(credentials)},
                           form=True)
    assert status == 200 and body["SigninToken"]
    state = emulator.state()
    assert state["calls"]["GetSigninToken"] == 2
    assert state["federation"]["signinTokens"] == 2


@pytest.mark.parametrize("change", [
    {"sessionKey": "not-the-secret"},
    {"sessionToken": "not-the-token"},
    {"sessionId": "ASIANOTMINTEDHERE123"},
    {"sessionKey": None},
])
def test_get_signin_token_refuses_credentials_it_did_not_mint(emulator, change):
    credentials = role_credentials(emulator)
    session = {k: v for k, v in json.loads(session_json(credentials, **change)).items() if v is not None}
    status, body, _ = http(emulator, "GET", {"Action": "getSigninToken", "Session": json.dumps(session)})
    assert status == 400 and "SigninToken" not in (body or {})
    assert emulator.state()["federation"]["signinTokens"] == 0


def test_malformed_requests_are_refused(emulator):
    assert http(emulator, "GET", {"Action": "getSigninToken", "Session": "{not json"})[0] == 400
    assert http(emulator, "GET", {"Action": "getSigninToken"})[0] == 400
    assert http(emulator, "GET", {"Action": "dance"})[0] == 400
    assert http(emulator, "GET", {"Action": "login", "SigninToken": "made-up", "Destination": DESTINATION})[0] == 400


def test_expired_credentials_get_no_token(emulator):
    emulator.configure(role_credentials_ttl=1)
    credentials = role_credentials(emulator)
    time.sleep(1.2)
    assert http(emulator, "GET", {"Action": "getSigninToken", "Session": session_json(credentials)})[0] == 400


def test_login_redirects_once_and_records_the_role(emulator):
    credentials = role_credentials(emulator, role="PowerUser")
    _, body, _ = http(emulator, "POST", {"Action": "getSigninToken", "Session": session_json(credentials)},
                      form=True)
    login = {"Action": "login", "Issuer": START_URL, "Destination": DESTINATION, "SigninToken": body["SigninToken"]}
    status, _, location = http(emulator, "GET", login)
    assert (status, location) == (302, DESTINATION)
    assert http(emulator, "GET", login)[0] == 400, "a sign-in token is single use"
    assert emulator.state()["federation"]["logins"] == [
        {"accountId": "111111111111", "roleName": "PowerUser", "destination": DESTINATION, "issuer": START_URL}]
    emulator.reset()
    assert emulator.state()["federation"] == {"signinTokens": 0, "unusedSigninTokens": 0, "logins": []}
