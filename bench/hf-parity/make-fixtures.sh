#!/usr/bin/env bash
# Builds the HuggingFace parity fixtures of bam-core's tests: tiny random-weight BERT, RoBERTa, DistilBERT and
# ELECTRA checkpoints saved by transformers, their tokenizers, and what transformers computes from them (token ids
# of hard strings, hidden states and pooled outputs of a padded batch). The Maven tests read the committed files
# and need no Python; run this only to regenerate them (the weights are seeded; the trained WordPiece vocabulary
# may order tokens of equal frequency differently from one run to the next, so regenerate all files together).
#   Usage: bench/hf-parity/make-fixtures.sh [OUT]   (default: bam-core/src/test/resources/hf-parity)
# Needs python3 with venv and a package index that serves torch (CPU), transformers, tokenizers and safetensors.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/bam-core/src/test/resources/hf-parity}
venv=${VENV:-$root/target/hf-parity-venv}
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "torch==${TORCH_VERSION:-2.13.0+cpu}" "transformers==${TRANSFORMERS_VERSION:-5.17.0}" \
    tokenizers safetensors numpy
fi
rm -rf "$out"/bert "$out"/roberta "$out"/distilbert "$out"/electra "$out"/tokenizer-cases.json
mkdir -p "$out"
"$venv/bin/python" "$here/make_fixtures.py" "$out"
du -sh "$out"/*
