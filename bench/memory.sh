#!/usr/bin/env bash
# Peak memory of a whole run against the number of items: the same MCQ task with 1,000 and
# 100,000 items (SIZES overrides), generated, answered by the fake server on loopback with the
# cache off and 32 requests in flight. Prints items, seconds and peak RSS (getrusage of the
# runner) per size, then the ratio of the largest to the smallest. Goal: within 1.2x.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${SIZES:-1000 100000}"
scripts/setup.sh release >/dev/null
swift build -c release --static-swift-stdlib --product runner | tail -n 1
swift build -c release --static-swift-stdlib --product fake-llm-server | tail -n 1
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
.build/release/fake-llm-server --idle-timeout 600 > "$work/server.out" &
server_pid=$!
for _ in $(seq 50); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port="$(grep -o '[0-9]*$' "$work/server.out")"

printf '%-8s %-9s %-12s\n' items seconds peak_rss_mb
for n in $sizes; do
    python3 - "$n" "$work/data-$n.jsonl" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        letter = "ABCD"[i % 4]
        f.write(json.dumps({"id": f"q{i}", "question": f"[answer:{letter}] Question {i}: which option is right?",
                            "choices": [f"option {k} of question {i}" for k in range(4)], "answer": letter}) + "\n")
PY
    OPENAI_API_KEY=not-needed python3 - "$n" "$work" "$port" <<'PY'
import json, resource, subprocess, sys, time
n, work, port = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.monotonic()
subprocess.run([".build/release/runner", "--quiet", "+model=openai_chat", "+task=mcq",
                f"model.params.base_url=http://127.0.0.1:{port}/v1", "response.max_concurrency=32",
                f"task.dataset.path={work}/data-{n}.jsonl", "response.cache.mode=off",
                f"hydra.run.dir={work}/run-{n}"], check=True, stdout=subprocess.DEVNULL)
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
scored = json.load(open(f"{work}/run-{n}/results.json"))["counts"]["scored"]
assert scored == int(n), f"{scored} of {n} items scored"
print(f"{n:<8} {seconds:<9.2f} {peak:<12.1f}")
PY
done | tee "$work/table"
python3 - "$work/table" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line[0].isdigit()]
print(f"peak ratio {rows[-1][0]} / {rows[0][0]} items: {float(rows[-1][2]) / float(rows[0][2]):.2f}x (goal <= 1.20x)")
PY
