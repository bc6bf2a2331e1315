#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 60) and prints, per target, the
# executions, executions per second, coverage and findings (crash/leak/timeout inputs saved under
# fuzz/artifacts/TARGET/). Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); on the stable
# toolchain RUSTC_BOOTSTRAP=1 lets it pass its nightly-only flags, as cargo-fuzz documents.
# Builds without a sanitizer (`-s none`): the targets are safe Rust, so the properties (assertions
# in each crate's `fuzzing` module) and panics are what is looked for, and builds are much faster.
#
#   benches/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build -s none >&2
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
printf '%-14s %12s %10s %8s %9s\n' target executions exec/s cov findings
total=0
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    before=$(find "artifacts/$target" -type f | wc -l)
    status=0
    cargo fuzz run -s none "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="artifacts/$target/" >"$logs/$target" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$target" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$logs/$target" | tail -1 | cut -d' ' -f2)
    found=$(( $(find "artifacts/$target" -type f | wc -l) - before ))
    if [ "$status" -ne 0 ] && [ "$found" -eq 0 ]; then found="exit $status"; fi
    printf '%-14s %12s %10s %8s %9s\n' "$target" "${runs:-?}" "${speed:-?}" "${cov:-?}" "$found"
    if [ "$found" != 0 ]; then
        total=$((total + 1))
        grep -m1 -A3 -E "panicked|ERROR: libFuzzer" "$logs/$target" | sed 's/^/    /' || true
    fi
done
echo "targets with findings: $total (inputs in fuzz/artifacts/; replay: cargo fuzz run -s none TARGET FILE)"
