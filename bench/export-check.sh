#!/usr/bin/env bash
# Checks `bam export` against HuggingFace transformers: exports a saved model's tasks, then compares, example by
# example, the Java logits (`bam predict --logits`) with transformers' AutoModelForSequenceClassification on the
# same inputs; fails when any logit differs by more than 1e-4. Python lives only here: the mvn tests never run it.
# The first run makes a virtual environment (CPU torch, transformers, safetensors) with pip as configured on the
# machine (an offline mirror works); later runs reuse it.
#
# Usage: bench/export-check.sh MODEL_DIR [--glue-dir DIR] [--inputs TASK=FILE ...] [--work DIR]
#   e.g. after `./bam quickstart`:
#        bench/export-check.sh runs/quickstart/student/model --glue-dir runs/quickstart/data
# Environment: BAM_EXPORT_VENV (default ~/.cache/bam/export-check-venv), BAM_EXPORT_PIP (the packages to install).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[[ $# -ge 1 ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
model=$1
shift
venv=${BAM_EXPORT_VENV:-$HOME/.cache/bam/export-check-venv}
# The versions the check was run with (docs/api.md). torch==2.13.0 also matches the CPU build 2.13.0+cpu.
packages=${BAM_EXPORT_PIP:-torch==2.13.0 transformers==5.18.0 safetensors}
if ! "$venv/bin/python" -c 'import torch, transformers, safetensors' 2>/dev/null; then
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q $packages
fi
[[ -f $root/bam-examples/target/bam.jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
exec "$venv/bin/python" "$root/bench/export-check.py" --bam "$root/bam" --model "$model" "$@"
