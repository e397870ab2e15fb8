#!/usr/bin/env python3
"""Times `runner --cfg job +model=openai_chat +task=mcq` cold (a new process each run) and,
when hydra-core is importable (by this python, or by $HYDRA_PYTHON), the same tree composed
by Python Hydra 1.3 cold and in process. Prints medians and the ratios.

Usage: bench/config.sh (builds first), or: python3 bench/compare_hydra.py RUNNER [RUNS]
"""
import os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/runner")
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
ARGS = ["--cfg", "job", "+model=openai_chat", "+task=mcq"]
CONF = os.path.join(ROOT, "conf")

APP = """
import sys, hydra
from omegaconf import OmegaConf
@hydra.main(version_base=None, config_path=None, config_name="config")
def main(cfg):
    pass
if __name__ == "__main__":
    main()
"""

IN_PROCESS = """
import sys, time
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf
seconds = 2.0
with initialize_config_dir(version_base=None, config_dir=sys.argv[1]):
    start = time.perf_counter(); n = 0
    while time.perf_counter() - start < seconds:
        cfg = compose(config_name="config", overrides=["+model=openai_chat", "+task=mcq", "model.params.temperature=0.5"])
        OmegaConf.to_yaml(cfg); n += 1
    print(n / (time.perf_counter() - start))
"""


def cold(cmd, runs, cwd):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr.decode()}")
    return statistics.median(times) * 1000, min(times) * 1000


def hydra_python():
    candidates = [os.environ.get("HYDRA_PYTHON"), sys.executable]
    for python in filter(None, candidates):
        if subprocess.run([python, "-c", "import hydra"], capture_output=True).returncode == 0:
            return python
    return None


def main():
    ours_median, ours_min = cold([RUNNER] + ARGS, RUNS, ROOT)
    print(f"runner cold --cfg job: median {ours_median:.1f} ms, best {ours_min:.1f} ms over {RUNS} runs")
    python = hydra_python()
    if python is None:
        print("hydra-core not installed (pip install 'hydra-core==1.3.*' or set HYDRA_PYTHON): no ratio")
        return
    with tempfile.TemporaryDirectory() as scratch:
        app = os.path.join(scratch, "app.py")
        with open(app, "w") as f:
            f.write(APP)
        runs = max(5, RUNS // 3)
        hydra_median, hydra_min = cold([python, app, f"--config-path={CONF}"] + ARGS, runs, scratch)
        print(f"hydra  cold --cfg job: median {hydra_median:.1f} ms, best {hydra_min:.1f} ms over {runs} runs")
        print(f"cold ratio (hydra / runner, medians): {hydra_median / ours_median:.1f}x")
        probe = os.path.join(scratch, "probe.py")
        with open(probe, "w") as f:
            f.write(IN_PROCESS)
        rate = float(subprocess.run([python, probe, CONF], capture_output=True, text=True, check=True).stdout)
        print(f"hydra in-process compose: {rate:.0f} compositions/s")


if __name__ == "__main__":
    main()
