"""Records what Hydra 1.3 with hydra-submitit-launcher prints for `--cfg hydra
hydra/launcher=submitit_slurm` (the launcher's settings and defaults), for
SlurmLauncherTests. In a scratch venv: pip install hydra-core hydra-submitit-launcher;
python record.py writes expected_launcher.yaml here.
"""
import TestSupport
import os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
APP = "import hydra\n@hydra.main(version_base='1.3', config_path=None, config_name=None)\ndef main(cfg):\n    pass\nmain()\n"
with tempfile.TemporaryDirectory() as scratch:
    app = os.path.join(scratch, "app.py")
    open(app, "w").write(APP)
    out = subprocess.run([sys.executable, app, "--cfg", "hydra", "-p", "hydra.launcher", "hydra/launcher=submitit_slurm"],
                         cwd=scratch, capture_output=True, text=True, check=True).stdout
open(os.path.join(HERE, "expected_launcher.yaml"), "w").write(out)
