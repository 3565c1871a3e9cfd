#!/usr/bin/env bash
# The GPU check on a bare CUDA machine that has torch but not this project's other packages: wheels
# carried in .whl/ (see docs/benchmarks.md) are installed into a scratch folder first.
# Usage: benchmarks/gpu_check.sh [gpu_check.py options], from anywhere.
set -euo pipefail; cd "$(dirname "$0")/.."; if compgen -G ".whl/*.whl" >/dev/null; then python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/gpu-check-site .whl/*.whl; export PYTHONPATH="/tmp/gpu-check-site${PYTHONPATH:+:$PYTHONPATH}"; fi; PYTHONPATH="$PWD:${PYTHONPATH:-}" PYTHONUNBUFFERED=1 exec python3 benchmarks/gpu_check.py "$@"
