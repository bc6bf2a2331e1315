#!/usr/bin/env bash
# Installs mcp-aws-sso and its bundled plugins for the current user, or removes them.
#
#   scripts/install.sh              build (release) and install into ~/.local
#   scripts/install.sh --prefix DIR install into DIR/bin and DIR/lib/mcp-aws-sso/plugins
#   scripts/install.sh --uninstall  remove what an install put there
#
# The binary finds the plugins by itself: it looks in ../lib/mcp-aws-sso/plugins from its own
# location. Plugin files are installed 0755 in a 0755 directory: the host refuses world-writable
# plugins, because a plugin runs with your AWS credentials.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${HOME}/.local"
action=install
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

bin_dir="${prefix}/bin"
plugin_dir="${prefix}/lib/mcp-aws-sso/plugins"
plugins=(exec_command ec2_exec template console)

if [ "$action" = uninstall ]; then
  rm -f "${bin_dir}/mcp-aws-sso"
  for p in "${plugins[@]}"; do rm -f "${plugin_dir}/libmcp_aws_sso_plugin_${p}.so"; done
  rmdir "${plugin_dir}" "${prefix}/lib/mcp-aws-sso" 2>/dev/null || true
  echo "Removed mcp-aws-sso from ${prefix}. Your SSO token cache (~/.aws/sso/cache) was left alone."
  exit 0
fi

cargo build --release --locked
install -d -m 0755 "${bin_dir}" "${plugin_dir}"
install -m 0755 target/release/mcp-aws-sso "${bin_dir}/mcp-aws-sso"
for p in "${plugins[@]}"; do
  install -m 0755 "target/release/libmcp_aws_sso_plugin_${p}.so" "${plugin_dir}/"
done
echo "Installed ${bin_dir}/mcp-aws-sso and its plugins in ${plugin_dir}."
case ":${PATH}:" in
  *":${bin_dir}:"*) ;;
  *) echo "Add ${bin_dir} to your PATH to run mcp-aws-sso by name." ;;
esac
"${bin_dir}/mcp-aws-sso" plugins || true
