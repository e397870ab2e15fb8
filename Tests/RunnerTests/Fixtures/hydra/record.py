#!/usr/bin/env python3
"""(Re)records the expected outputs of the Hydra conformance fixtures.

For every case directory under FIXTURES that has an `args` file, runs the tiny
Hydra app with `--config-path=<case>/conf` followed by the case's arguments
(one per line), with the case's `env` lines added to the environment, and
writes:
  expected.yaml / expected.help / expected.info   stdout of a successful run
  expected.error + exit_code                      for a failing run
  traceback                                       exception class, when Hydra
                                                  printed a Python traceback
Multirun cases (`-m` in args) are really run; the extra arguments
hydra.sweep.dir=<tmp> hydra/hydra_logging=none hydra/job_logging=none are
appended so that only the jobs' own output reaches stdout.
The absolute path of the case's conf/ directory is replaced by $CONF.

usage: record.py [case ...]
"""
import TestSupport
import os, re, shutil, subprocess, sys, tempfile

# Fixture root: $HYDRA_FIXTURES, else the directory holding this script if it has case
# directories, else the repo location.
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.environ.get("HYDRA_FIXTURES") or (
    HERE if os.path.isdir(os.path.join(HERE, "defaults_group_option"))
    else HERE)
# Python of a venv with hydra-core 1.3 installed (pip install 'hydra-core==1.3.*').
PY = os.environ.get("HYDRA_PY", "/work/scratch/hydra-venv/bin/python")
APP_CODE = """\
import hydra, os, sys
from omegaconf import OmegaConf

@hydra.main(version_base=None, config_path=None, config_name="config")
def main(cfg):
    # for multirun cases: print each job's composed config (hydra node excluded), '---' before each
    print("---")
    print(OmegaConf.to_yaml(cfg), end="")
    sys.stdout.flush()

if __name__ == "__main__":
    main()
"""
# The app is run under the name `runner` so --help shows the same app name as the Swift CLI.
APP_DIR = tempfile.mkdtemp(prefix="hydra-fixture-app-")
APP = os.path.join(APP_DIR, "runner.py")
HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace."
OUTS = ["expected.yaml", "expected.help", "expected.info", "expected.error", "exit_code", "traceback"]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def clean_error(stderr):
    """Returns (message, exception class or None)."""
    if "Traceback (most recent call last):" in stderr:
        block = stderr[stderr.rindex("Traceback (most recent call last):"):]
        lines = block.split("\n")[1:]
        i = 0
        while i < len(lines) and (lines[i].startswith(" ") or lines[i] == ""):
            i += 1
        rest = [l for l in lines[i:] if l.strip() != HINT]
        first = rest[0]
        m = re.match(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$", first)
        cls, msg0 = m.group(1), (m.group(2) or "")
        msg = "\n".join([msg0] + rest[1:]).rstrip() + "\n"
        return msg, cls
    lines = [l for l in stderr.split("\n") if l.strip() != HINT]
    return "\n".join(lines).rstrip() + "\n", None


def record(case_dir):
    name = os.path.basename(case_dir)
    conf = os.path.join(case_dir, "conf")
    args = read_lines(os.path.join(case_dir, "args"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HYDRA_") and not k.startswith("FIXTURE_")}
    env["PYTHONHASHSEED"] = "0"
    env_file = os.path.join(case_dir, "env")
    if os.path.exists(env_file):
        for line in read_lines(env_file):
            if line:
                k, v = line.split("=", 1)
                env[k] = v
    for o in OUTS:
        p = os.path.join(case_dir, o)
        if os.path.exists(p):
            os.remove(p)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [PY, APP, f"--config-path={conf}"] + args
        multirun = "-m" in args or "--multirun" in args
        if multirun:
            cmd += [f"hydra.sweep.dir={tmp}/multirun", "hydra/hydra_logging=none", "hydra/job_logging=none"]
        p = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
    out = p.stdout.replace(conf, "$CONF")
    err = p.stderr.replace(conf, "$CONF")
    if "--help" in args:
        out_name = "expected.help"
    elif "--info" in args:
        out_name = "expected.info"
    else:
        out_name = "expected.yaml"
    def write(fn, text):
        with open(os.path.join(case_dir, fn), "w", encoding="utf-8") as f:
            f.write(text)
    if p.returncode == 0:
        write(out_name, out)
        status = "ok"
    else:
        msg, cls = clean_error(err)
        write("expected.error", msg)
        write("exit_code", f"{p.returncode}\n")
        if cls:
            write("traceback", cls + "\n")
        if out:
            write(out_name, out)
        status = f"exit {p.returncode}" + (f" ({cls})" if cls else "")
    if p.returncode == 0 and err.strip():
        status += "  [stderr: " + err.strip().splitlines()[-1][:100] + "]"
    print(f"{name:55s} {status}")


def main():
    with open(APP, "w") as f:
        f.write(APP_CODE)
    wanted = set(sys.argv[1:])
    for name in sorted(os.listdir(FIXTURES)):
        d = os.path.join(FIXTURES, name)
        if not os.path.isfile(os.path.join(d, "args")):
            continue
        if wanted and name not in wanted:
            continue
        record(d)
    shutil.rmtree(APP_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
