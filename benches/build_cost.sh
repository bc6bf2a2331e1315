#!/usr/bin/env bash
# What a clean release build costs on this machine: wall time, the peak memory of the whole build
# and of each rustc (the five largest), the slowest crates, and the installed size (host binary
# plus the bundled plugins, as scripts/install.sh copies them).
#
#   benches/build_cost.sh [TARGET_DIR]     (default: target-build-cost, removed first)
#
# Each rustc is measured through RUSTC_WRAPPER (this script again, with BUILD_COST_LOG set), so
# the figures are per crate; build scripts run outside rustc and are not in the per-crate list.
set -euo pipefail

if [ -n "${BUILD_COST_LOG:-}" ]; then
    # Called by cargo as `build_cost.sh rustc ARGS...`.
    crate=build-script
    args=("$@")
    for ((i = 0; i < ${#args[@]}; i++)); do
        if [ "${args[i]}" = --crate-name ]; then crate="${args[i + 1]}"; fi
    done
    stats="$(mktemp)"
    status=0
    /usr/bin/time -f '%M %e' -o "$stats" "$@" || status=$?
    echo "$crate $(cat "$stats")" >>"$BUILD_COST_LOG"
    rm -f "$stats"
    exit "$status"
fi

cd "$(dirname "$0")/.."
target="${1:-target-build-cost}"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }
rm -rf "$target"
mkdir -p "$target"
log="$(realpath "$target")/rustc-cost.log"
summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
BUILD_COST_LOG="$log" RUSTC_WRAPPER="$(realpath "$0")" \
    /usr/bin/time -f '%e %M' -o "$summary" cargo build --release --locked --target-dir "$target" >&2
read -r wall peak <"$summary"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'wall time: %d min %02d s\n' "$((${wall%.*} / 60))" "$((${wall%.*} % 60))"
echo "peak, largest single process: $(awk -v k="$peak" 'BEGIN { printf "%.2f GB", k * 1024 / 1e9 }')"
echo "largest rustc processes (peak RSS, seconds):"
sort -k2 -n -r "$log" | head -5 | awk '{ printf "  %-34s %6.2f GB %7.1f s\n", $1, $2 * 1024 / 1e9, $3 }'
echo "slowest crates:"
sort -k3 -n -r "$log" | head -5 | awk '{ printf "  %-34s %7.1f s\n", $1, $3 }'
echo "installed size:"
release="$target/release"
total=0
for file in "$release/mcp-aws-sso" "$release"/libmcp_aws_sso_plugin_*.so; do
    size=$(stat -c %s "$file")
    total=$((total + size))
    awk -v n="$(basename "$file")" -v s="$size" 'BEGIN { printf "  %-44s %6.2f MB\n", n, s / 1e6 }'
done
awk -v s="$total" 'BEGIN { printf "  %-44s %6.1f MiB\n", "total", s / 1048576 }'
