#!/usr/bin/env bash
# Models x temperatures on the multiple-choice task: a 2 x 3 sweep, six jobs.
#
# Compares a chat endpoint and a completions endpoint of the same OpenAI-compatible server
# at three sampling temperatures, with the answer read from generated text (mcq, generate).
# Results land in multirun/<date>/<time>/<job>/ and the table across jobs in summary.csv there.
#
# Usage:
#   experiments/compare_models_temperatures.sh                       # against the fake test server
#   BASE_URL=http://127.0.0.1:8000/v1 experiments/compare_models_temperatures.sh task.dataset.limit=100
#
# Extra arguments are passed to runner as overrides. Answers are cached, so re-running the
# script (or resuming after Ctrl-C) only asks for what is missing.
source "$(dirname "$0")/lib/common.sh"

default_dir='multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}_models_x_temperatures'
sweep_dir=${SWEEP_DIR:-$default_dir}

"$RUNNER" --multirun \
    +model=local_chat,local_completions \
    +task=mcq \
    model.params.base_url="$BASE_URL" \
    model.params.temperature=0.0,0.5,1.0 \
    "hydra.sweep.dir=$sweep_dir" \
    "$@"
