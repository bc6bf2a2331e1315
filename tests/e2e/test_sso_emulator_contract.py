"""Contract test: the SSO emulator speaks the real services' wire format, as boto3 sees it.

boto3 is built from botocore's `sso-oidc` and `sso` models and nobody here wrote it, so when it
parses every answer and raises the modeled error for every failure of tests/sandbox/sso_emulator.py,
the Rust host (aws-sdk-rust, built from the same Smithy models) can trust the emulator too.

The emulator runs as a subprocess through its CLI, the way product tests run it. One process
serves the module; every test starts from a full reset and sets the knobs it needs.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

from sandbox.sso_emulator import EmulatorProcess, SandboxControlError, SsoEmulator

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
START_URL = "https://d-1234567890.awsapps.com/start"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", autouse=True)
def no_aws_environment(tmp_path_factory):
    """boto3 must find no credentials or profile: the SSO operations are unsigned (noAuth)."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
                     "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
                     "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_STS"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_CONFIG_FILE", str(home / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@pytest.fixture(scope="module")
def emulator(no_aws_environment):
    with EmulatorProcess() as process:
        yield process


@pytest.fixture(autouse=True)
def fresh_emulator(emulator):
    emulator.reset(config=True)
    yield
    # What the emulator logged is the first thing to read when a test fails.
    print(emulator.log_text()[-4000:])


@pytest.fixture
def moto_url(free_port, venv_bin, tmp_path):
    """A moto server of its own on a free port, for the tests that mint credentials in it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "moto.log", "wb") as log:
        moto = subprocess.Popen([venv_bin("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until_serving(f"{url}/moto-api/", moto, timeout=30)
        yield url
    finally:
        moto.terminate()
        moto.wait(10)


def wait_until_serving(url, process, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def aws(no_aws_environment):
    return boto3.session.Session(region_name="us-east-1")


@pytest.fixture(scope="module")
def oidc(aws, emulator):
    return aws.client("sso-oidc", endpoint_url=emulator.url, config=NO_RETRIES)


@pytest.fixture(scope="module")
def portal(aws, emulator):
    return aws.client("sso", endpoint_url=emulator.url, config=NO_RETRIES)


# --------------------------------------------------------------------------- helpers


def register(oidc, **extra):
    """RegisterClient as the host does: device-code + refresh grants, unless told otherwise."""
    request = {"clientName": "mcp-aws-sso-test", "clientType": "public",
               "grantTypes": [DEVICE_GRANT, "refresh_token"], **extra}
    return oidc.register_client(**{k: v for k, v in request.items() if v is not None})


def start(oidc, client):
    return oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=START_URL)


def poll(oidc, client, authorization):
    return oidc.create_token(
        clientId=client["clientId"], clientSecret=client["clientSecret"],
        grantType=DEVICE_GRANT, deviceCode=authorization["deviceCode"])


def refresh(oidc, client, refresh_token):
    return oidc.create_token(
        clientId=client["clientId"], clientSecret=client["clientSecret"],
        grantType="refresh_token", refreshToken=refresh_token)


def sign_in(oidc, emulator, **register_extra):
    """A whole device-flow login, approved through the control API; returns (client, token)."""
    client = register(oidc, **register_extra)
    authorization = start(oidc, client)
    emulator.approve(authorization["userCode"])
    return client, poll(oidc, client, authorization)


def error_of(call, *args, **kwargs):
    """The (code, HTTP status, parsed response) of the ClientError that `call` must raise."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response


def raw_get(url, token):
    request = urllib.request.Request(url, headers={"x-amz-sso_bearer_token": token})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def all_account_ids(portal, token, **paging):
    pages = portal.get_paginator("list_accounts").paginate(
        accessToken=token, PaginationConfig=paging)
    return [account["accountId"] for page in pages for account in page["accountList"]]


# --------------------------------------------------------------------------- SSO OIDC


def test_register_client_answers_the_model_fields(oidc):
    before = int(time.time())
    client = register(oidc)
    assert client["clientId"] and client["clientSecret"]
    assert before <= client["clientIdIssuedAt"] <= time.time()
    # Epoch seconds, like AWS (about 90 days ahead).
    assert client["clientSecretExpiresAt"] - client["clientIdIssuedAt"] == 90 * 86400


def test_device_flow_is_pending_until_approved_then_issues_tokens(oidc, emulator):
    client = register(oidc)
    authorization = start(oidc, client)
    user_code = authorization["userCode"]
    assert authorization["verificationUri"] == f"{emulator.url}/device"
    assert authorization["verificationUriComplete"] == f"{emulator.url}/device?user_code={user_code}"
    assert (authorization["expiresIn"], authorization["interval"]) == (600, 1)

    code, status, response = error_of(poll, oidc, client, authorization)
    assert (code, status) == ("AuthorizationPendingException", 400)
    # The OAuth body members of the modeled error reach boto3, which maps the description.
    assert response["error"] == "authorization_pending"
    assert response["Error"]["Message"] == response["error_description"]
    assert emulator.state()["pendingAuthorizations"][0]["userCode"] == user_code

    token = poll(oidc, client, authorization)    # auto mode: approved after one pending poll
    assert token["tokenType"] == "Bearer" and token["expiresIn"] == 3600
    assert token["accessToken"].startswith("aoa") and token["refreshToken"]
    assert emulator.state()["activeAccessTokens"] == 1

    code, status, _ = error_of(poll, oidc, client, authorization)   # a device code works once
    assert (code, status) == ("InvalidGrantException", 400)


def test_manual_approval_through_the_control_api(oidc, emulator):
    emulator.configure(approval="manual")
    client = register(oidc)
    authorization = start(oidc, client)
    for _ in range(3):
        assert error_of(poll, oidc, client, authorization)[0] == "AuthorizationPendingException"
    with pytest.raises(SandboxControlError) as unknown:
        emulator.approve("BCDF-GHJK")
    assert unknown.value.status == 404
    assert emulator.approve(authorization["userCode"]) == [authorization["userCode"]]
    assert poll(oidc, client, authorization)["accessToken"]


def test_opening_verification_uri_complete_approves_like_a_users_click(oidc, emulator):
    emulator.configure(approval="manual")
    client = register(oidc)
    authorization = start(oidc, client)
    with urllib.request.urlopen(authorization["verificationUriComplete"], timeout=10) as page:
        assert page.status == 200 and b"approved" in page.read()
    assert emulator.state()["deviceVisits"] == 1
    assert poll(oidc, client, authorization)["accessToken"]


def test_slow_down_comes_first_then_pending(oidc, emulator):
    emulator.configure(slow_down_polls=2)
    client = register(oidc)
    authorization = start(oidc, client)
    codes = [error_of(poll, oidc, client, authorization)[:2] for _ in range(3)]
    assert codes == [("SlowDownException", 400)] * 2 + [("AuthorizationPendingException", 400)]
    assert poll(oidc, client, authorization)["accessToken"]
    assert emulator.state()["errors"]["CreateToken"] == {
        "SlowDownException": 2, "AuthorizationPendingException": 1}


def test_polling_faster_than_the_interval_is_slowed_down(oidc, emulator):
    emulator.configure(enforce_interval=True, interval=30)
    client = register(oidc)
    authorization = start(oidc, client)
    assert authorization["interval"] == 30
    # The first poll is never early; the second, at once, is.
    assert error_of(poll, oidc, client, authorization)[0] == "AuthorizationPendingException"
    assert error_of(poll, oidc, client, authorization)[0] == "SlowDownException"


def test_an_expired_device_code_answers_expired_token(oidc, emulator):
    emulator.configure(device_code_ttl=0)
    client = register(oidc)
    authorization = start(oidc, client)
    assert authorization["expiresIn"] == 0
    assert error_of(poll, oidc, client, authorization)[:2] == ("ExpiredTokenException", 400)


def test_a_refused_login_answers_access_denied(oidc, emulator):
    emulator.configure(approval="deny")
    client = register(oidc)
    authorization = start(oidc, client)
    assert error_of(poll, oidc, client, authorization)[0] == "AuthorizationPendingException"
    code, status, response = error_of(poll, oidc, client, authorization)
    assert (code, status, response["error"]) == ("AccessDeniedException", 400, "access_denied")

    emulator.configure(approval="manual")
    other = start(oidc, client)
    assert emulator.deny() == [other["userCode"]]
    assert error_of(poll, oidc, client, other)[0] == "AccessDeniedException"


def test_bad_client_credentials_answer_invalid_client_401(oidc, emulator):
    client = register(oidc)
    wrong = {**client, "clientSecret": "not-the-secret"}
    assert error_of(start, oidc, wrong)[:2] == ("InvalidClientException", 401)
    authorization = start(oidc, client)
    assert error_of(poll, oidc, wrong, authorization)[:2] == ("InvalidClientException", 401)

    emulator.configure(client_ttl=0)
    expired = register(oidc)
    assert expired["clientSecretExpiresAt"] <= time.time()
    code, status, response = error_of(start, oidc, expired)
    assert (code, status, response["error"]) == ("InvalidClientException", 401, "invalid_client")


def test_unknown_device_code_answers_invalid_grant(oidc):
    client = register(oidc)
    code, _, response = error_of(poll, oidc, client, {"deviceCode": "no-such-code"})
    assert (code, response["error"]) == ("InvalidGrantException", "invalid_grant")


def test_unknown_grant_types_answer_unsupported_grant_type(oidc):
    client = register(oidc)
    code, status, _ = error_of(oidc.create_token, clientId=client["clientId"],
                               clientSecret=client["clientSecret"], grantType="password")
    assert (code, status) == ("UnsupportedGrantTypeException", 400)
    assert error_of(register, oidc, grantTypes=["password"])[0] == "UnsupportedGrantTypeException"


def test_register_client_validates_its_metadata(oidc):
    assert error_of(register, oidc, clientType="confidential")[:2] == (
        "InvalidClientMetadataException", 400)
    assert error_of(register, oidc, scopes=["not a scope"])[:2] == ("InvalidScopeException", 400)
    assert error_of(register, oidc, redirectUris=["https://evil.example/cb"])[:2] == (
        "InvalidRedirectUriException", 400)


def test_start_device_authorization_needs_an_http_start_url(oidc):
    client = register(oidc)
    code, status, response = error_of(
        oidc.start_device_authorization, clientId=client["clientId"],
        clientSecret=client["clientSecret"], startUrl="not-a-url")
    assert (code, status, response["error"]) == ("InvalidRequestException", 400, "invalid_request")


def test_refresh_token_grant_mints_a_new_access_token(oidc, portal, emulator):
    client, token = sign_in(oidc, emulator)
    emulator.expire_tokens()
    assert error_of(portal.list_accounts, accessToken=token["accessToken"])[:2] == (
        "UnauthorizedException", 401)

    refreshed = refresh(oidc, client, token["refreshToken"])
    assert refreshed["accessToken"] != token["accessToken"] and refreshed["refreshToken"]
    assert portal.list_accounts(accessToken=refreshed["accessToken"])["accountList"]

    code, status, _ = error_of(refresh, oidc, client, "aor-not-a-refresh-token")
    assert (code, status) == ("InvalidGrantException", 400)
    emulator.expire_tokens(refresh_tokens=True)
    assert error_of(refresh, oidc, client, refreshed["refreshToken"])[0] == "InvalidGrantException"


def test_rotated_refresh_tokens_are_spent_when_redeemed(oidc, emulator):
    emulator.configure(rotate_refresh_tokens=True)
    client, token = sign_in(oidc, emulator)
    first = refresh(oidc, client, token["refreshToken"])
    assert first["refreshToken"] != token["refreshToken"]
    # A replay of the spent refresh token (a second process refreshing the same cache file).
    assert error_of(refresh, oidc, client, token["refreshToken"])[:2] == ("InvalidGrantException", 400)
    assert refresh(oidc, client, first["refreshToken"])["accessToken"]
    assert emulator.state()["grants"] == {"device_code": 1, "refresh_token": 3}


def test_refresh_tokens_go_only_to_clients_registered_for_them(oidc, emulator):
    legacy, token = sign_in(oidc, emulator, grantTypes=None)      # AWS CLI v2 legacy profile
    assert "refreshToken" not in token
    code, status, _ = error_of(refresh, oidc, legacy, "aor-anything")
    assert (code, status) == ("UnauthorizedClientException", 400)

    # AWS CLI v2 sso-session: no grantTypes, scope sso:account:access -> refresh tokens.
    _, token = sign_in(oidc, emulator, grantTypes=None, scopes=["sso:account:access"])
    assert token["refreshToken"]

    emulator.configure(refresh_tokens="never")
    assert "refreshToken" not in sign_in(oidc, emulator)[1]


# --------------------------------------------------------------------------- SSO portal


def test_accounts_roles_and_credentials(oidc, portal, emulator):
    _, token = sign_in(oidc, emulator)
    access_token = token["accessToken"]
    accounts = portal.list_accounts(accessToken=access_token)
    assert "nextToken" not in accounts
    assert accounts["accountList"] == [
        {"accountId": f"{digit}" * 12, "accountName": f"sandbox-00{digit}",
         "emailAddress": f"aws+sandbox-00{digit}@example.com"} for digit in (1, 2, 3)]

    roles = portal.list_account_roles(accessToken=access_token, accountId="222222222222")
    assert roles["roleList"] == [{"roleName": "ReadOnly", "accountId": "222222222222"},
                                 {"roleName": "PowerUser", "accountId": "222222222222"}]

    before_ms = time.time() * 1000
    credentials = portal.get_role_credentials(
        accessToken=access_token, accountId="222222222222", roleName="PowerUser")["roleCredentials"]
    assert credentials["accessKeyId"].startswith("ASIA") and len(credentials["accessKeyId"]) == 20
    assert credentials["secretAccessKey"] and credentials["sessionToken"]
    # Epoch milliseconds, one hour ahead by default.
    assert before_ms + 3599_000 <= credentials["expiration"] <= time.time() * 1000 + 3600_000

    assert emulator.state()["calls"] == {
        "RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken": 1,
        "ListAccounts": 1, "ListAccountRoles": 1, "GetRoleCredentials": 1}


def test_failing_role_accounts_answer_403_and_are_counted_per_account(oidc, portal, emulator):
    emulator.configure(failing_role_accounts="222222222222")
    _, token = sign_in(oidc, emulator)
    access_token = token["accessToken"]
    code, status, _ = error_of(portal.list_account_roles, accessToken=access_token, accountId="222222222222")
    assert (code, status) == ("ForbiddenException", 403)
    assert portal.list_account_roles(accessToken=access_token, accountId="111111111111")["roleList"]
    assert emulator.state()["rolesListedFor"] == {"222222222222": 1, "111111111111": 1}


def test_explicit_directory_of_accounts_and_roles(oidc, portal, emulator):
    emulator.configure(directory=[
        {"accountId": "123456789012", "accountName": "prod", "emailAddress": "prod@example.com",
         "roles": ["Admin"]},
        {"accountId": "210987654321", "roles": ["ReadOnly", "Billing"]},
    ])
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    accounts = portal.list_accounts(accessToken=access_token)["accountList"]
    assert [(a["accountId"], a["accountName"]) for a in accounts] == [
        ("123456789012", "prod"), ("210987654321", "account-210987654321")]
    roles = portal.list_account_roles(accessToken=access_token, accountId="210987654321")
    assert [role["roleName"] for role in roles["roleList"]] == ["ReadOnly", "Billing"]


def test_pagination_follows_next_token_over_250_accounts(oidc, portal, emulator):
    emulator.configure(accounts=250, roles=5)
    access_token = sign_in(oidc, emulator)[1]["accessToken"]

    first = portal.list_accounts(accessToken=access_token, maxResults=100)
    assert len(first["accountList"]) == 100 and first["nextToken"]
    second = portal.list_accounts(accessToken=access_token, maxResults=100,
                                  nextToken=first["nextToken"])
    third = portal.list_accounts(accessToken=access_token, maxResults=100,
                                 nextToken=second["nextToken"])
    assert (len(second["accountList"]), len(third["accountList"])) == (100, 50)
    assert "nextToken" not in third

    ids = all_account_ids(portal, access_token, PageSize=100)
    assert len(ids) == len(set(ids)) == 250
    assert ids[:2] == ["111111111111", "222222222222"] and ids[9] == "000000000010"

    roles = portal.get_paginator("list_account_roles").paginate(
        accessToken=access_token, accountId="000000000250", PaginationConfig={"PageSize": 2})
    assert [len(page["roleList"]) for page in roles] == [2, 2, 1]


def test_the_server_may_return_fewer_items_than_max_result(oidc, portal, emulator):
    emulator.configure(accounts=250, page_size=40)
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    page = portal.list_accounts(accessToken=access_token, maxResults=100)
    assert len(page["accountList"]) == 40 and page["nextToken"]
    assert len(all_account_ids(portal, access_token, PageSize=100)) == 250
    assert emulator.state()["calls"]["ListAccounts"] == 1 + 7


def test_invalid_page_size_and_next_token_answer_invalid_request(oidc, portal, emulator):
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    code, status, response = error_of(portal.list_accounts, accessToken=access_token,
                                      maxResults=101)
    assert (code, status) == ("InvalidRequestException", 400)
    assert "maxResults" in response["Error"]["Message"]
    with pytest.raises(ParamValidationError):      # botocore checks the model's minimum itself
        portal.list_accounts(accessToken=access_token, maxResults=0)
    status, body = raw_get(f"{emulator.url}/assignment/accounts?max_result=0", access_token)
    assert (status, body["__type"]) == (
        400, "com.amazonaws.switchboard.portal#InvalidRequestException")

    assert error_of(portal.list_accounts, accessToken=access_token,
                    nextToken="garbage")[:2] == ("InvalidRequestException", 400)


def test_rate_limit_answers_429_too_many_requests(oidc, portal, emulator):
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    emulator.configure(rate_limit_tps=5)
    outcomes = []
    for _ in range(30):
        try:
            portal.list_accounts(accessToken=access_token)
            outcomes.append(("ok", 200))
        except ClientError as error:
            outcomes.append((error.response["Error"]["Code"],
                             error.response["ResponseMetadata"]["HTTPStatusCode"]))
    assert ("ok", 200) in outcomes and ("TooManyRequestsException", 429) in outcomes
    assert set(outcomes) == {("ok", 200), ("TooManyRequestsException", 429)}
    errors = emulator.state()["errors"]["ListAccounts"]
    assert errors["TooManyRequestsException"] == outcomes.count(("TooManyRequestsException", 429))


def test_botocore_retries_an_injected_throttle(oidc, aws, emulator):
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    emulator.fail("ListAccountRoles", "TooManyRequestsException", count=1)
    retrying = aws.client("sso", endpoint_url=emulator.url,
                          config=Config(retries={"mode": "standard", "max_attempts": 3}))
    answer = retrying.list_account_roles(accessToken=access_token, accountId="111111111111")
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1 and answer["roleList"]


def test_injected_oidc_faults_use_the_oidc_error_format(oidc, emulator):
    emulator.fail("RegisterClient", "InternalServerException")
    code, status, response = error_of(register, oidc)
    assert (code, status, response["error"]) == ("InternalServerException", 500, "server_error")
    assert register(oidc)["clientId"]


def test_logout_revokes_the_session(oidc, portal, emulator):
    client, token = sign_in(oidc, emulator)
    assert portal.logout(accessToken=token["accessToken"])["ResponseMetadata"][
        "HTTPStatusCode"] == 200
    code, status, response = error_of(portal.list_accounts, accessToken=token["accessToken"])
    assert (code, status) == ("UnauthorizedException", 401)
    assert response["Error"]["Message"] == "Session token not found or invalid"
    assert error_of(portal.logout, accessToken=token["accessToken"])[0] == "UnauthorizedException"
    assert error_of(refresh, oidc, client, token["refreshToken"])[0] == "InvalidGrantException"
    assert emulator.state()["activeAccessTokens"] == 0


def test_expire_tokens_makes_every_portal_call_401(oidc, portal, emulator):
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    assert emulator.expire_tokens() == {"expiredAccessTokens": 1}
    for call, args in ((portal.list_accounts, {}),
                       (portal.list_account_roles, {"accountId": "111111111111"}),
                       (portal.get_role_credentials,
                        {"accountId": "111111111111", "roleName": "ReadOnly"})):
        assert error_of(call, accessToken=access_token, **args)[:2] == (
            "UnauthorizedException", 401)
    assert error_of(portal.list_accounts, accessToken="aoa-made-up")[:2] == (
        "UnauthorizedException", 401)


def test_unassigned_role_is_403_forbidden_and_unknown_account_404(oidc, portal, emulator):
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    code, status, response = error_of(portal.get_role_credentials, accessToken=access_token,
                                      accountId="111111111111", roleName="Admin")
    assert (code, status, response["Error"]["Message"]) == ("ForbiddenException", 403, "No access")
    assert error_of(portal.get_role_credentials, accessToken=access_token,
                    accountId="999999999999", roleName="ReadOnly")[:2] == ("ForbiddenException", 403)
    assert error_of(portal.list_account_roles, accessToken=access_token,
                    accountId="999999999999")[:2] == ("ResourceNotFoundException", 404)


def test_role_credentials_minted_by_moto_identify_account_and_role(
        oidc, portal, aws, emulator, moto_url):
    emulator.configure(moto_url=moto_url, role_credentials_ttl=1800)
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    credentials = portal.get_role_credentials(
        accessToken=access_token, accountId="222222222222", roleName="PowerUser")["roleCredentials"]
    assert credentials["expiration"] <= (time.time() + 1800) * 1000

    sts = aws.client("sts", endpoint_url=moto_url,
                     aws_access_key_id=credentials["accessKeyId"],
                     aws_secret_access_key=credentials["secretAccessKey"],
                     aws_session_token=credentials["sessionToken"])
    identity = sts.get_caller_identity()
    assert identity["Account"] == "222222222222"
    assert identity["Arn"] == (
        "arn:aws:sts::222222222222:assumed-role/PowerUser/sandbox-user@example.com")


def test_latency_delays_calls_without_serializing_them(oidc, aws, emulator):
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    emulator.configure(latency_ms=300)
    portal = aws.client("sso", endpoint_url=emulator.url,
                        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=16))
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: portal.list_accounts(accessToken=access_token), range(8)))
    assert all(len(page["accountList"]) == 3 for page in pages)
    assert emulator.state()["peakInFlight"] >= 2


def test_500_accounts_of_roles_concurrently(oidc, aws, emulator):
    emulator.configure(accounts=500, roles=3)
    access_token = sign_in(oidc, emulator)[1]["accessToken"]
    portal = aws.client("sso", endpoint_url=emulator.url,
                        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=50))
    ids = all_account_ids(portal, access_token, PageSize=100)

    def roles_of(account_id):
        return portal.list_account_roles(accessToken=access_token, accountId=account_id)

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(roles_of, ids))
    assert len(answers) == 500
    assert all([r["roleName"] for r in answer["roleList"]] == ["ReadOnly", "PowerUser", "Admin"]
               for answer in answers)
    assert emulator.state()["calls"]["ListAccountRoles"] == 500


# --------------------------------------------------------------------------- the emulator itself


def test_control_api_rejects_unknown_knobs_and_operations(emulator):
    with pytest.raises(SandboxControlError) as unknown_knob:
        emulator.configure(no_such_knob=1)
    assert unknown_knob.value.status == 400
    with pytest.raises(SandboxControlError) as bad_value:
        emulator.configure(approval="sometimes")
    assert bad_value.value.status == 400
    with pytest.raises(SandboxControlError):
        emulator.fail("ListAccounts", "AuthorizationPendingException")   # not a portal error


def test_cli_flags_set_the_knobs_and_sigterm_stops_cleanly():
    flags = dict(accounts=7, roles=4, latency_ms=5, rate_limit_tps=20, page_size=50,
                 approval="manual", approve_after_polls=2, slow_down_polls=1, interval=2,
                 device_code_ttl=120, access_token_ttl=900, refresh_token_ttl=1800,
                 refresh_tokens="always", client_ttl=3600, role_credentials_ttl=1200,
                 enforce_interval=True, browser_approves=False)
    directory = [{"accountId": "123456789012", "roles": ["Admin"]}]
    process = EmulatorProcess(directory=directory, **flags).start()
    try:
        state = process.state()
        assert {name: state["config"][name] for name in flags} == flags
        # The directory file (--directory FILE) wins over --accounts/--roles.
        assert state["accounts"] == 1
        assert state["config"]["directory"][0]["accountName"] == "account-123456789012"
    finally:
        assert process.stop() == 0
    assert "stopped" in process.log_text()


def test_in_process_emulator_offers_the_same_api():
    with SsoEmulator(accounts=2, approve_after_polls=0) as sso:
        oidc = boto3.client("sso-oidc", endpoint_url=sso.url, region_name="us-east-1",
                            config=NO_RETRIES)
        client = register(oidc)
        token = poll(oidc, client, start(oidc, client))
        portal = boto3.client("sso", endpoint_url=sso.url, region_name="us-east-1",
                              config=NO_RETRIES)
        assert len(portal.list_accounts(accessToken=token["accessToken"])["accountList"]) == 2
        assert sso.state()["calls"]["CreateToken"] == 1
        assert sso.configure(accounts=4)["accounts"] == 4
