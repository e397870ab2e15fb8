#!/usr/bin/env bash
# Installs the runner into PREFIX, to run from any folder:
#   PREFIX/bin/runner and the Torch engine beside it (libRunnerTorch.so, opened on demand),
#   PREFIX/share/runner/{conf,data,models}: the configs, the bundled datasets and SmolLM2.
# The runner finds its own conf/ there when the current folder has none, and relative paths in
# a config beside that conf/ (so +model=smollm2 finds its weights). Usage: scripts/install.sh PREFIX
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:?usage: scripts/install.sh PREFIX}"
scripts/setup.sh release
bin="$(swift build -c release --show-bin-path)"
mkdir -p "$prefix/bin" "$prefix/share/runner/models"
install -m 755 "$bin/runner" "$prefix/bin/runner"
install -m 644 "$bin/libRunnerTorch.so" "$prefix/bin/libRunnerTorch.so"
rm -rf "$prefix/share/runner/conf" "$prefix/share/runner/data" "$prefix/share/runner/models/smollm2"
cp -R conf data "$prefix/share/runner/"
cp -R models/smollm2 "$prefix/share/runner/models/"
echo "install: $prefix/bin/runner (configs, data and models in $prefix/share/runner)"
