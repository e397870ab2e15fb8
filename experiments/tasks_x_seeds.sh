#!/usr/bin/env bash
# Tasks x seeds for one model: three tasks, each on three seeded shuffles of 20 items (nine jobs).
#
# The seed drives the dataset shuffle and the bootstrap, so the spread of the main metric
# across seeds shows how much a 20-item sample moves the score. Each job's results.json has
# its 95% interval; summary.csv has them side by side.
#
# Usage:
#   experiments/tasks_x_seeds.sh                                      # fake test server
#   BASE_URL=http://127.0.0.1:8080/v1 experiments/tasks_x_seeds.sh model.params.model=my-model
#
# Extra arguments are passed to runner as overrides.
source "$(dirname "$0")/lib/common.sh"

default_dir='multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}_tasks_x_seeds'
sweep_dir=${SWEEP_DIR:-$default_dir}

"$RUNNER" --multirun \
    +model=local_chat \
    +task=mcq,qa,yes_no_maybe \
    seed=1,2,3 \
    task.dataset.shuffle=true \
    task.dataset.limit=20 \
    model.params.base_url="$BASE_URL" \
    "hydra.sweep.dir=$sweep_dir" \
    "$@"
