#!/usr/bin/env python3
"""Runs a command and prints, as one JSON line, its wall time and the time until a line of its
output (stdout or stderr) first matches a regular expression: for an evaluation, the moment
its first request is sent (lm-eval logs "Running loglikelihood requests", the runner with
--verbose "job 0 starting" once every task's requests are built).

usage: first_line_timer.py NAME PATTERN LOG -- COMMAND...
"""
import json, re, subprocess, sys, time

name, pattern, log = sys.argv[1], re.compile(sys.argv[2]), sys.argv[3]
command = sys.argv[sys.argv.index("--") + 1:]
start = time.monotonic()
first = None
with open(log, "w") as out:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    for line in process.stdout:
        out.write(line)
        if first is None and pattern.search(line):
            first = time.monotonic() - start
    code = process.wait()
wall = time.monotonic() - start
print(json.dumps({"name": name, "exit": code, "wall_s": round(wall, 2),
                  "first_request_s": None if first is None else round(first, 2)}))
sys.exit(code)
