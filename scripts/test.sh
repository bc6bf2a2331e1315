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
# The ABI compatibility fixtures (tests/compat): a plugin built against the frozen plugin-api
# 1.0.0, and libraries named like plugin-api at a newer minor, the next ABI, another layout.
for manifest in tests/compat/Cargo.toml tests/compat/{next-minor,abi-2,abi-mismatch}/Cargo.toml; do
  cargo build --locked --manifest-path "$manifest" --target-dir target/compat
done
cargo test --workspace --locked
.venv/bin/python -m pytest tests/e2e -q -p no:cacheprovider
