#!/usr/bin/env bash
# Trains the tiny InterAnimate checkpoint shipped in interanimate/checkpoints/tiny-synthetic with the
# project's own commands, on a 2-core CPU: render the synthetic training set, train (autoencoder phase
# for the tiny VAE, then InterAnimate; resumable: rerun after an interruption), export in float16.
# Usage: scripts/train_tiny_checkpoint.sh [WORK_DIR]   (default ./tiny-work)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-tiny-work}"
# Training subjects come from seed 1; the embedded test set is seed 0, so no test video is trained on.
interhf-bench data synth "$WORK/train-mini" --protocol interhf-mini-v1 --seed 1 --train-per-class 6 \
  --num-subjects 60 --workers 2 --no-progress
interanimate train --config tiny.yaml --set "data=$WORK/train-mini" "output_dir=$WORK/run" --no-progress
interanimate export "$WORK/run/final" interanimate/checkpoints/tiny-synthetic --dtype float16 \
  --inference num_inference_steps=10 guidance_scale=1.5
