#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, server mode) against
# the real `mcp-aws-sso` serving streamable HTTP on loopback, once for each protocol revision's
# frozen requirement set (2025-11-25: the stateful initialize handshake; 2026-07-28: stateless,
# per-request _meta, multi-round-trip input), and holds the result to the checked-in baseline
# tests/conformance/expected-failures.yml. The suite's own fixtures (tools, resources, prompts,
# completions) come from the test-only plugin tests/plugins/conformance, through the plugin ABI.
#
# With --requirements only the scenarios a revision requires are scored; the rest (the tasks
# extension, scenarios still pending in the suite) run and are reported but cannot fail the run.
#
# The suite's own baseline check fails the run on a scenario that fails but is not in the baseline,
# AND on a baseline entry that now passes (so the baseline stays honest); this script also fails
# on a baseline entry that names no scenario of the pinned suite (a renamed or mistyped entry
# would otherwise be ignored silently).
#
# Needs: `cargo build --workspace` done (this script builds nothing), npm on PATH. It installs the
# pinned suite and Node 22 (the npm package `node`; the suite needs Node >= 22) into
# .tools/conformance with `npm ci`, once: later runs reuse them while the lock file is unchanged.
#
# Usage: tests/conformance/run.sh   (MCP_AWS_SSO_PROFILE=release tests the release build; the
# binary and the plugins are taken from target/<profile>, or $CARGO_TARGET_DIR/<profile>)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$REPO/tests/conformance"
TOOLS="$REPO/.tools/conformance"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}/${MCP_AWS_SSO_PROFILE:-debug}"
BINARY="$TARGET/mcp-aws-sso"
BASELINE="$HERE/expected-failures.yml"

say() { printf 'conformance: %s\n' "$*" >&2; }

install_tools() {
  local stamp="$TOOLS/.installed" want
  want="$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && [ -x "$TOOLS/node_modules/.bin/node" ] && [ -x "$TOOLS/node_modules/.bin/conformance" ]; then
    return
  fi
  say "installing the pinned conformance suite and Node 22 into $TOOLS (npm ci)"
  mkdir -p "$TOOLS"
  rm -f "$stamp"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$TOOLS/"
  # The machine's npm may run on an older Node, which only warns about the suite's engines field.
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

if [ ! -x "$BINARY" ]; then
  say "$BINARY is missing: run \`cargo build --workspace\` first"
  exit 1
fi
install_tools
export PATH="$TOOLS/node_modules/.bin:$PATH"
node_version="$(node --version)"
case "$node_version" in
  v22.*) ;;
  *) say "expected Node 22 from $TOOLS, got $node_version"; exit 1 ;;
esac

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A fresh user: empty HOME, and a plugin directory with the testkit and every bundled plugin that
# is built (links: the libraries are large). Nothing of the developer's own AWS setup leaks in.
mkdir -p "$WORK/home" "$WORK/plugins"
chmod 755 "$WORK/plugins"
for name in conformance testkit template exec_command ec2_exec; do
  library="$TARGET/libmcp_aws_sso_plugin_$name.so"
  if [ -f "$library" ]; then
    ln -s "$library" "$WORK/plugins/"
  elif [ "$name" = conformance ] || [ "$name" = testkit ] || [ "$name" = template ]; then
    say "$library is missing: run \`cargo build --workspace\` first"
    exit 1
  fi
done

env -i HOME="$WORK/home" PATH="/usr/bin:/bin" LANG=C.UTF-8 \
  MCP_AWS_SSO_PLUGIN_DIRS="$WORK/plugins" AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE="$WORK/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$WORK/home/.aws/credentials" \
  "$BINARY" serve --transport http --host 127.0.0.1 --port 0 \
  </dev/null >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!

URL=""
for _ in $(seq 1 300); do
  URL="$(grep -o 'serving MCP (streamable HTTP) at http://[^ ]*/mcp' "$WORK/server.err" | grep -o 'http://.*' || true)"
  [ -n "$URL" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    say "the server exited before serving:"
    cat "$WORK/server.err" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$URL" ]; then
  say "the server did not report its address within 30 s:"
  cat "$WORK/server.err" >&2
  exit 1
fi
say "server under test: $BINARY at $URL"

# Every baseline entry must name a scenario of the pinned suite.
known="$(conformance list --server | sed -n 's/^  - \([^ ]*\).*/\1/p')"
stale_names=0
while read -r entry; do
  if ! grep -qxF "$entry" <<<"$known"; then
    say "baseline entry \`$entry\` is not a server scenario of the pinned suite: remove or rename it"
    stale_names=1
  fi
done < <(sed -n 's/^  - \([^ #]*\).*/\1/p' "$BASELINE")

status=0
for revision in 2025-11-25 2026-07-28; do
  say "requirement set $revision"
  echo "=== requirements $revision ==="
  revision_status=0
  conformance server --url "$URL" --requirements "$revision" --expected-failures "$BASELINE" \
    -o "$WORK/results-$revision" || revision_status=$?
  if [ "$revision_status" -ne 0 ]; then
    status=1
    say "$revision: failed and warning checks (details in each scenario's checks.json):"
    node -e '
      const fs = require("fs"), path = require("path");
      const root = process.argv[1];
      for (const dir of fs.readdirSync(root).sort()) {
        const checks = JSON.parse(fs.readFileSync(path.join(root, dir, "checks.json"), "utf8"));
        for (const c of checks.filter(c => c.status === "FAILURE" || c.status === "WARNING"))
          console.error(`  ${dir}: ${c.status} ${c.id}: ${c.errorMessage ?? c.description}`);
      }' "$WORK/results-$revision"
  fi
done
if [ "$status" -ne 0 ]; then
  say "server log:"
  tail -n 40 "$WORK/server.err" >&2
fi

# The server must still be up after the whole suite, and stop cleanly on SIGTERM.
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  say "the server died during the suite:"
  tail -n 40 "$WORK/server.err" >&2
  exit 1
fi
kill -TERM "$SERVER_PID"
server_exit=0
wait "$SERVER_PID" || server_exit=$?
SERVER_PID=""
if [ "$server_exit" -ne 0 ]; then
  say "the server exited with $server_exit on SIGTERM (expected 0)"
  status=1
fi

if [ "$status" -ne 0 ] || [ "$stale_names" -ne 0 ]; then
  exit 1
fi
say "passed: every scored scenario of 2025-11-25 and 2026-07-28 passes or is in the baseline"
