#!/usr/bin/env bash
# The whole test suite, from scratch: the Python test environment (moto, the AWS CLI v1, boto3,
# the MCP Python SDK), a debug build of the host and every plugin, the Rust tests, and the
# end-to-end tests that drive the real binary, a real MCP client and the real `aws` CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt

# The real AWS CLI v2 (Debian's 2.9.19): tests/e2e/test_exec_sandbox.py runs its attacks with it too.
if [ ! -x /usr/bin/aws ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y awscli
fi

cargo build --workspace --locked
# A plugin built against a frozen older plugin-api, for the ABI compatibility test.
cargo build --locked --manifest-path tests/compat/Cargo.toml --target-dir target/compat
cargo test --workspace --locked
.venv/bin/python -m pytest tests/e2e -q -p no:cacheprovider
