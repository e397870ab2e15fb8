#!/usr/bin/env bash
# ResponseComponent throughput against the fake server on loopback: requests/s and client CPU
# at 0 ms and 200 ms server latency, concurrency 1, 16, 64, 256; then a fully cached re-run.
# ITEMS (default 10000) requests per cell; at 200 ms and concurrency 1 only 100 are sent
# (10,000 would take 33 minutes) and the ideal time is scaled to match.
set -euo pipefail
cd "$(dirname "$0")/.."
items="${ITEMS:-10000}"
scripts/setup.sh release >/dev/null
swift build -c release --static-swift-stdlib --product fake-llm-server | tail -n 1
swift build -c release --static-swift-stdlib --product response-driver | tail -n 1
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

start_server() {
    .build/release/fake-llm-server --latency-ms "$1" --idle-timeout 600 > "$work/server.out" &
    server_pid=$!
    for _ in $(seq 50); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
    port="$(grep -o '[0-9]*$' "$work/server.out")"
}

printf '%-10s %-12s %-8s %-10s %-10s %-12s %-10s\n' latency_ms concurrency items seconds req_per_s client_cpu_s ideal_s
for latency in 0 200; do
    start_server "$latency"
    for concurrency in 1 16 64 256; do
        n="$items"
        [ "$latency" -gt 0 ] && [ "$concurrency" -eq 1 ] && n=100
        out="$(.build/release/response-driver --base-url "http://127.0.0.1:$port/v1" --cache off --items "$n" \
               --concurrency "$concurrency" --prefix "l$latency-c$concurrency" --quiet | tail -n 1)"
        seconds="$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$out")"
        cpu="$(sed -E 's/.*cpu=([0-9.]+).*/\1/' <<<"$out")"
        ideal="$(python3 -c "print(f'{$n * $latency / 1000 / $concurrency:.2f}')")"
        rate="$(python3 -c "print(f'{$n / $seconds:.0f}')")"
        printf '%-10s %-12s %-8s %-10s %-10s %-12s %-10s\n' "$latency" "$concurrency" "$n" "$seconds" "$rate" "$cpu" "$ideal"
    done
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
done

start_server 0
cache="$work/cache.sqlite"
first="$(.build/release/response-driver --base-url "http://127.0.0.1:$port/v1" --cache "$cache" --items "$items" --concurrency 64 --quiet | tail -n 1)"
again="$(.build/release/response-driver --base-url "http://127.0.0.1:$port/v1" --cache "$cache" --items "$items" --concurrency 64 --quiet | tail -n 1)"
echo "first run with cache:  $first"
echo "fully cached re-run:   $again"
