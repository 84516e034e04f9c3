#!/usr/bin/env bash
# Fuzzes textsim's core for a bounded time: each target (tokenizer, similarity) runs for
# SECONDS seconds (default 60) under libFuzzer with AddressSanitizer.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      e.g. fuzz/run.sh 300 tokenizer
#
# Needs a nightly Rust toolchain (`rustup toolchain install nightly`) and a C++ compiler
# (libfuzzer-sys builds libFuzzer). Uses `cargo fuzz` when it is installed, else builds the
# targets with the flags cargo-fuzz would use. Corpora grow in fuzz/corpus/TARGET; a crash is
# saved in fuzz/artifacts/TARGET and makes this script fail. Reproduce one with
#   fuzz/run.sh 0 TARGET fuzz/artifacts/TARGET/crash-...
# The same properties are checked on stable Rust by `cargo test` (src/invariants.rs), over
# pseudo-random inputs.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-60}
shift || true
targets=()
inputs=()
for argument in "$@"; do
    if [[ -f $argument ]]; then inputs+=("$argument"); else targets+=("$argument"); fi
done
[[ ${#targets[@]} -gt 0 ]] || targets=(tokenizer similarity)

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz/run.sh: no nightly Rust toolchain; skipping (rustup toolchain install nightly)" >&2
    exit 0
fi

host=$(rustc +nightly -vV | sed -n 's/^host: //p')
if cargo +nightly fuzz --version >/dev/null 2>&1; then
    build() { cargo +nightly fuzz build --release "$1"; }
    binary() { echo "target/$host/release/$1"; }
else
    export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Zsanitizer=address \
-Cdebug-assertions -Coverflow-checks"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    build() { cargo +nightly build --release --target "$host" --bin "$1"; }
    binary() { echo "target/$host/release/$1"; }
fi

for target in "${targets[@]}"; do
    build "$target"
    if [[ ${#inputs[@]} -gt 0 ]]; then
        "$(binary "$target")" "${inputs[@]}"
        continue
    fi
    mkdir -p "corpus/$target" "artifacts/$target"
    echo "== fuzzing $target for ${seconds}s"
    "$(binary "$target")" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="artifacts/$target/" "corpus/$target"
done
