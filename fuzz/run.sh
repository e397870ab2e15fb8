#!/usr/bin/env bash
# Builds the libFuzzer executable (address sanitizer on, coverage on every module) and runs
# targets against their committed corpus, each for SECONDS; new inputs go to a scratch corpus,
# crashes to fuzz/crashes/<target>/ (git-ignored). Prints the executions each target ran.
# A fixed crash is kept as a regression input in fuzz/regressions/<target>/, which
# Tests/FuzzRegressionTests runs on every `swift test`, as it does the corpus. Leak checks are
# off: Swift's lazily built globals and caches look like leaks to LeakSanitizer.
#   fuzz/run.sh [SECONDS] [TARGET ...]      default: 120 seconds, every target
#   fuzz/run.sh merge TARGET                 shrinks the corpus of TARGET into fuzz/corpus/TARGET
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
shift || true
export RUNNER_FUZZ=1 SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0
# SwiftPM passes `-sanitize=fuzzer -sanitize=address` as two flags and the last one wins, which
# leaves the Swift code without coverage counters: ask for the coverage libFuzzer reads explicitly.
swift build -c release --scratch-path .build-fuzz --sanitize fuzzer --sanitize address -Xswiftc -enable-testing \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    --product fuzz-runner 2>&1 | tail -n 1
binary=.build-fuzz/release/fuzz-runner
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(overrides yaml compose interpolation responses gguf safetensors tokenizer datasets templates lmeval_task lmeval_index python worker_reply report hf_readme parquet codecs arrow)
fi
if [ "$seconds" = merge ]; then
    for target in "${targets[@]}"; do
        work="$(mktemp -d)"
        FUZZ_TARGET="$target" "$binary" -merge=1 "$work" "fuzz/corpus/$target" ".fuzz-work/$target" 2>/dev/null || true
        rm -rf "fuzz/corpus/$target" && mv "$work" "fuzz/corpus/$target"
        echo "$target: $(ls "fuzz/corpus/$target" | wc -l) inputs in the merged corpus"
    done
    exit 0
fi
for target in "${targets[@]}"; do
    mkdir -p ".fuzz-work/$target" "fuzz/crashes/$target"
    log=".fuzz-work/$target.log"
    FUZZ_TARGET="$target" "$binary" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
        -artifact_prefix="fuzz/crashes/$target/" ".fuzz-work/$target" "fuzz/corpus/$target" >"$log" 2>&1 || true
    runs=$(grep -oE '#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    counters=$(sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -n 1)
    crashes=$(ls "fuzz/crashes/$target" | wc -l)
    echo "$target: ${runs:-0} executions in ${seconds}s, ${counters:-0} coverage counters, $crashes crash files, corpus $(ls ".fuzz-work/$target" | wc -l) new + $(ls "fuzz/corpus/$target" | wc -l) committed"
done
