#!/usr/bin/env bash
# A guided trial with no AWS account: builds mcp-aws-sso, starts the test sandbox on 127.0.0.1
# (the IAM Identity Center emulator and moto with a real SSM executor), then walks
# login -> status -> ls-accounts -> exec-command -> ec2-exec-command with the real binary,
# printing each result. Everything it starts is stopped when it ends (also on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# Bold step titles on a terminal only (and not with NO_COLOR): piped output has no escapes.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
  step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }
else
  step() { printf '\n== %s\n$ %s\n' "$1" "$2"; }
fi

echo "Preparing the sandbox's Python environment (.venv)…"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
if [ ! -x target/debug/mcp-aws-sso ]; then
  echo "Building mcp-aws-sso (debug). The first build compiles the AWS SDK: about 7 minutes on a"
  echo "2-core machine (see Prerequisites in README.md); later builds take seconds. Cargo's progress follows."
else
  echo "Building mcp-aws-sso (debug; only what changed)…"
fi
cargo build --locked

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Starts a sandbox process and waits for the one JSON line it prints when ready.
start_sandbox() {
  local name=$1; shift
  .venv/bin/python "$@" >"$work/$name.json" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 1 200); do
    [ -s "$work/$name.json" ] && return 0
    sleep 0.1
  done
  echo "$name did not start; its log:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

account=111111111111
start_sandbox moto tests/sandbox/moto_harness.py --port 0 --seed-instances "$account:us-east-1"
moto_url=$(.venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["url"])' <"$work/moto.json")
instance=$(.venv/bin/python -c "import json,sys; print(json.load(sys.stdin)['instances']['$account']['us-east-1']['linux'])" <"$work/moto.json")
start_sandbox sso tests/sandbox/sso_emulator.py --port 0 --accounts 3 --roles 2 --moto-url "$moto_url"
sso_url=$(.venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["url"])' <"$work/sso.json")

# A throw-away user: its own HOME with the TypeScript server's config file, the sandbox endpoints,
# and the venv's `aws` CLI on PATH.
export HOME="$work/home"
mkdir -p "$HOME/.mcp"
cat >"$HOME/.mcp/configs.json" <<JSON
{"aws-sso": {"environments": {
  "AWS_SSO_START_URL": "https://demo.awsapps.com/start",
  "AWS_SSO_REGION": "us-east-1",
  "AWS_REGION": "us-east-1"}}}
JSON
export PATH="$repo/.venv/bin:$PATH"
export AWS_ENDPOINT_URL_SSO="$sso_url" AWS_ENDPOINT_URL_SSO_OIDC="$sso_url"
export AWS_ENDPOINT_URL_STS="$moto_url" AWS_ENDPOINT_URL_EC2="$moto_url" AWS_ENDPOINT_URL_SSM="$moto_url"
export AWS_EC2_METADATA_DISABLED=true
# Only the bundled plugins: target/debug also holds the test suite's deliberately broken ones.
export MCP_AWS_SSO_PLUGIN_DIRS="$work/plugins"
mkdir -m 0755 "$MCP_AWS_SSO_PLUGIN_DIRS"
for p in exec_command ec2_exec template console; do
  ln -s "$repo/target/debug/libmcp_aws_sso_plugin_$p.so" "$MCP_AWS_SSO_PLUGIN_DIRS/"
done
bin="$repo/target/debug/mcp-aws-sso"

step "Log in (the sandbox approves the device code by itself)" "mcp-aws-sso login --no-launch-browser"
"$bin" login --no-launch-browser
step "Session status" "mcp-aws-sso status"
"$bin" status
step "Accounts and roles" "mcp-aws-sso ls-accounts"
"$bin" ls-accounts
step "An AWS CLI command with role credentials (no shell involved)" \
  "mcp-aws-sso exec-command --account-id $account --role-name ReadOnly --command 'aws sts get-caller-identity'"
"$bin" exec-command --account-id "$account" --role-name ReadOnly --command "aws sts get-caller-identity"
step "A shell command on an EC2 instance through SSM" \
  "mcp-aws-sso ec2-exec-command --instance-id $instance --account-id $account --role-name ReadOnly --command 'echo hello from \$(hostname); uname -s'"
"$bin" ec2-exec-command --instance-id "$instance" --account-id "$account" --role-name ReadOnly \
  --command 'echo hello from $(hostname); uname -s'
step "Shell injection is refused, not run" "mcp-aws-sso exec-command ... --command 'aws s3 ls; rm -rf ~'"
"$bin" exec-command --account-id "$account" --role-name ReadOnly --command 'aws s3 ls; rm -rf ~' || true
step "Log out" "mcp-aws-sso logout"
"$bin" logout

printf '\nDone. To use it from an MCP client, see "Use it from your MCP client" in README.md.\n'
