#!/usr/bin/env bash
# Installs mcp-aws-sso and its bundled plugins for the current user, or removes them.
#
#   scripts/install.sh              build (release) and install into ~/.local
#   scripts/install.sh --prefix DIR install into DIR/bin and DIR/lib/mcp-aws-sso/plugins
#   scripts/install.sh --from DIR   install the binaries already built in DIR (no build)
#   scripts/install.sh --uninstall  remove what an install put there, and the directories it
#                                   created when they are empty again
#
# The binary finds the plugins by itself: it looks in ../lib/mcp-aws-sso/plugins from its own
# location. Plugin files are installed 0755 in a 0755 directory: the host refuses world-writable
# plugins, because a plugin runs with your AWS credentials.
set -euo pipefail
caller_dir=$(pwd)
cd "$(dirname "$0")/.."

# Paths given on the command line are relative to where the user ran the script.
absolute() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "${caller_dir}/$1" ;; esac; }

prefix="${HOME}/.local"
from=""
action=install
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$(absolute "$2"); shift 2 ;;
    --from) from=$(absolute "$2"); shift 2 ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

bin_dir="${prefix}/bin"
lib_dir="${prefix}/lib/mcp-aws-sso"
plugin_dir="${lib_dir}/plugins"
plugins=(exec_command ec2_exec template console)
# The directories an install created (deepest first), so that uninstall removes only those.
created_record="${lib_dir}/created-directories"

if [ "$action" = uninstall ]; then
  rm -f "${bin_dir}/mcp-aws-sso"
  for p in "${plugins[@]}"; do rm -f "${plugin_dir}/libmcp_aws_sso_plugin_${p}.so"; done
  created=()
  if [ -f "$created_record" ]; then
    mapfile -t created <"$created_record"
    rm -f "$created_record"
  fi
  rmdir "${plugin_dir}" "${lib_dir}" 2>/dev/null || true
  # Only when empty: something else may have been put there since.
  for dir in "${created[@]}"; do rmdir "$dir" 2>/dev/null || true; done
  echo "Removed mcp-aws-sso from ${prefix}. Your SSO token cache (~/.aws/sso/cache) was left alone."
  exit 0
fi

if [ -z "$from" ]; then
  echo "Building the release binary; the first build compiles the AWS SDK and takes a while (figures: Prerequisites in README.md)."
  cargo build --release --locked
  from=target/release
fi

created=()
for dir in "$bin_dir" "${prefix}/lib" "$prefix"; do
  [ -d "$dir" ] || created+=("$dir")
done
# A record from an earlier install keeps what that install created.
if [ -f "$created_record" ]; then mapfile -t -O "${#created[@]}" created <"$created_record"; fi

install -d -m 0755 "${bin_dir}" "${plugin_dir}"
install -m 0755 "${from}/mcp-aws-sso" "${bin_dir}/mcp-aws-sso"
for p in "${plugins[@]}"; do
  install -m 0755 "${from}/libmcp_aws_sso_plugin_${p}.so" "${plugin_dir}/"
done
if [ "${#created[@]}" -gt 0 ]; then printf '%s\n' "${created[@]}" >"$created_record"; else rm -f "$created_record"; fi
echo "Installed ${bin_dir}/mcp-aws-sso and its plugins in ${plugin_dir}."
case ":${PATH}:" in
  *":${bin_dir}:"*) ;;
  *) echo "Add ${bin_dir} to your PATH to run mcp-aws-sso by name." ;;
esac
"${bin_dir}/mcp-aws-sso" plugins || true
