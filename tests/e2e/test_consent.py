"""Consent for mutations (`MCP_AWS_SSO_CONFIRM`), end to end against moto: a real MCP client
(the Python SDK, with or without an `elicitation_callback`), the real AWS CLI, and assertions on
what exists in S3 afterwards — never on what the tool says it did.

The model is the adversary: it chooses the command string, so the attacks below spell mutations
in several ways; the person (the elicitation callback) declines, and S3 must be unchanged.
Protocol 2025-11-25 over stdio here (server-to-client `elicitation/create`); 2026-07-28 over HTTP
(multi-round-trip `InputRequiredResult`, the SDK's `Client`) in test_elicitation.py.
"""

from __future__ import annotations

import itertools
import json

import anyio
import mcp.types as types
import pytest

from host_harness import HostSetup, text_of
from test_exec_command import ACCOUNT, ROLE, args, aws_host, moto_url  # noqa: F401  (fixtures)

TOOL = "aws_sso_exec_command"
# moto lives for the whole module: every test gets a bucket of its own.
_BUCKETS = (f"consent-{n}" for n in itertools.count())
BUCKET = "{bucket}"


class Person:
    """Answers every elicitation with `action` and keeps the messages it was shown."""

    def __init__(self, action: str):
        self.action = action
        self.messages: list[str] = []

    async def __call__(self, context, params):
        self.messages.append(params.message)
        return types.ElicitResult(action=self.action, content={} if self.action == "accept" else None)


def run(setup: HostSetup, *commands: str, person: Person | None = None, confirm: str = "mutations"):
    """Runs commands in one stdio session; a client with an elicitation callback when `person`.
    `{bucket}` in a command is the test's bucket."""
    commands = [c.replace("{bucket}", setup.extra_env.get("TEST_BUCKET", "")) for c in commands]
    options = {"elicitation_callback": person} if person else {}

    async def scenario():
        async with setup.mcp(client_options=options, MCP_AWS_SSO_CONFIRM=confirm) as session:
            return [await session.call_tool(TOOL, args(command)) for command in commands]

    return anyio.run(scenario)


def keys_in_bucket(setup: HostSetup) -> set[str]:
    """What S3 holds, read with the real AWS CLI as the same role (a read: never asked)."""
    [result] = run(setup, "aws s3api list-objects-v2 --bucket {bucket} --output json", confirm="never")
    assert not result.is_error, text_of(result)
    output = result.structured_content["stdout"] if result.structured_content else text_of(result)
    listing = json.loads(output) if output.strip() else {}
    return {item["Key"] for item in listing.get("Contents", [])}


@pytest.fixture
def bucket_host(aws_host):
    """A signed-in user whose bucket (its own, `{bucket}` in commands) holds `keep.txt`."""
    aws_host.extra_env["TEST_BUCKET"] = next(_BUCKETS)
    results = run(aws_host, f"aws s3api create-bucket --bucket {BUCKET}",
                  f"aws s3api put-object --bucket {BUCKET} --key keep.txt", confirm="never")
    for result in results:
        assert not result.is_error, text_of(result)
    assert keys_in_bucket(aws_host) == {"keep.txt"}
    return aws_host


def test_accept_runs_the_command_and_the_question_names_command_account_role_region(bucket_host):
    person = Person("accept")
    [result] = run(bucket_host, f"aws s3api put-object --bucket {BUCKET} --key accepted.txt", person=person)
    assert not result.is_error, text_of(result)
    assert keys_in_bucket(bucket_host) == {"keep.txt", "accepted.txt"}
    [message] = person.messages
    assert f"aws s3api put-object --bucket {bucket_host.extra_env['TEST_BUCKET']} --key accepted.txt" in message
    assert f"Account: {ACCOUNT}" in message and f"Role: {ROLE}" in message and "Region: us-east-1" in message


def test_accepted_delete_deletes(bucket_host):
    [result] = run(bucket_host, f"aws s3api delete-object --bucket {BUCKET} --key keep.txt", person=Person("accept"))
    assert not result.is_error, text_of(result)
    assert keys_in_bucket(bucket_host) == set()


@pytest.mark.parametrize("action", ["decline", "cancel"])
def test_decline_or_cancel_changes_nothing(bucket_host, action):
    person = Person(action)
    results = run(bucket_host,
                  f"aws s3api delete-object --bucket {BUCKET} --key keep.txt",
                  f"aws s3api put-object --bucket {BUCKET} --key declined.txt", person=person)
    assert len(person.messages) == 2
    for result in results:
        assert result.is_error
        assert "Not run" in text_of(result) and "Nothing was changed" in text_of(result)
    assert keys_in_bucket(bucket_host) == {"keep.txt"}


@pytest.mark.parametrize("command", [
    f"aws s3api delete-object --bucket {BUCKET} --key keep.txt",
    f"aws --region us-east-1 s3api delete-object --bucket {BUCKET} --key keep.txt",
    f"aws --output json --no-paginate s3api delete-object --key keep.txt --bucket {BUCKET}",
    f"aws s3 rm s3://{BUCKET}/keep.txt",
    f"aws s3 rm s3://{BUCKET} --recursive",
    f"aws   s3api   delete-objects --bucket {BUCKET} --delete Objects=[{{Key=keep.txt}}]",
    f"aws s3api delete-object --bucket={BUCKET} --key=keep.txt --debug",
    f"aws s3 mv s3://{BUCKET}/keep.txt s3://{BUCKET}/moved.txt",
    f"aws s3api put-object --bucket {BUCKET} --key list-objects-v2",
])
def test_mutations_spelled_every_way_are_asked_and_a_decline_holds(bucket_host, command):
    person = Person("decline")
    [result] = run(bucket_host, command, person=person)
    assert result.is_error, text_of(result)
    assert len(person.messages) == 1, f"not asked before: {command}"
    assert keys_in_bucket(bucket_host) == {"keep.txt"}


def test_read_only_command_asks_nothing(bucket_host):
    person = Person("decline")
    [result] = run(bucket_host, f"aws s3api list-objects-v2 --bucket {BUCKET}", person=person)
    assert not result.is_error, text_of(result)
    assert person.messages == []


def test_confirm_all_asks_before_reads_too(bucket_host):
    person = Person("decline")
    [result] = run(bucket_host, f"aws s3api list-objects-v2 --bucket {BUCKET}", person=person, confirm="all")
    assert result.is_error
    assert len(person.messages) == 1 and "It only reads." in person.messages[0]


def test_confirm_never_is_the_default_and_asks_nothing(bucket_host):
    person = Person("decline")

    async def scenario():
        async with bucket_host.mcp(client_options={"elicitation_callback": person}) as session:
            bucket = bucket_host.extra_env["TEST_BUCKET"]
            return await session.call_tool(TOOL, args(f"aws s3api put-object --bucket {bucket} --key free.txt"))

    result = anyio.run(scenario)
    assert not result.is_error, text_of(result)
    assert person.messages == []
    assert keys_in_bucket(bucket_host) == {"keep.txt", "free.txt"}


def test_a_client_without_elicitation_gets_a_refusal_that_says_how_to_allow_it(bucket_host):
    results = run(bucket_host,
                  f"aws s3api put-object --bucket {BUCKET} --key unasked.txt",
                  f"aws s3 rm s3://{BUCKET}/keep.txt")
    for result in results:
        text = text_of(result)
        assert result.is_error
        assert "not_confirmed" in text
        assert "does not support elicitation" in text
        assert "MCP_AWS_SSO_CONFIRM=never" in text
    assert keys_in_bucket(bucket_host) == {"keep.txt"}


def test_ec2_exec_asks_before_sending_and_a_decline_sends_nothing(aws_host):
    person = Person("decline")

    async def scenario():
        async with aws_host.mcp(client_options={"elicitation_callback": person}, MCP_AWS_SSO_CONFIRM="mutations") as session:
            return await session.call_tool("aws_sso_ec2_exec_command", {
                "instanceId": "i-0123456789abcdef0", "accountId": ACCOUNT, "roleName": ROLE, "command": "rm -rf /data",
            })

    result = anyio.run(scenario)
    assert result.is_error
    [message] = person.messages
    assert "i-0123456789abcdef0" in message and "rm -rf /data" in message and f"Account: {ACCOUNT}" in message
    # Declined before credentials or any AWS call: the text is the refusal, not an AWS error.
    assert "Not run" in text_of(result), text_of(result)
