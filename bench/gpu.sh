#!/usr/bin/env bash
# The GPU run: the mixed-precision correctness checks, then the training step of the Java encoder
# (EncoderBenchmark) and of the plain-PyTorch peer (peer_gpu.py) at the same shapes, one after the other in one
# run on one GPU, and a table of the rates and their ratios against issue 12's targets.
#
# On the GPU machine, from the project root, with the kit beside it (../shared/gpu/make-kit.sh .gpu, see
# docs/gpu.md):
#   bash bench/gpu.sh [OUT_DIR]          # default OUT_DIR: gpu-results; STEPS=20 timed steps after 3
# Without the kit (your own CUDA libtorch, docs/gpu.md): JAVA_RUN is the command that runs a main class of the
# project on the GPU, PEER the path of peer_gpu.py (the PyTorch rows are left empty without it), e.g.
#   JAVA_RUN="java -Xmx16g -cp $CP" PEER=/path/to/peer_gpu.py bash bench/gpu.sh
# Writes OUT_DIR/check.log, one log per benchmark run, OUT_DIR/table.md, and prints the table.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kit=${KIT:-$root/.gpu}
out=${1:-gpu-results}
steps=${STEPS:-20}
warmup=3
peer=${PEER:-$kit/peer_gpu.py}
mkdir -p "$out"
if [[ -z ${JAVA_RUN:-} ]]; then
  if [[ ! -x $kit/jre/bin/java ]]; then
    echo "no kit in $kit: run ../shared/gpu/make-kit.sh .gpu on the build machine, or set JAVA_RUN" >&2
    exit 2
  fi
  JAVA_RUN="bash $kit/run-java.sh -Xmx16g"
fi
# shellcheck disable=SC2086 # JAVA_RUN is a command line
java_run() { timeout "${JAVA_TIMEOUT:-120}" $JAVA_RUN "$@"; }

{
  echo "date: $(date -u '+%F %H:%M') UTC"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
  python3 -c 'import torch; print("torch:", torch.__version__, "cuda", torch.version.cuda)' 2>&1
} | tee "$out/machine.txt"

# 1. Correctness: FP16 training of the tiny model against FP32, and exact resume, on the GPU.
echo "== mixed-precision checks"
JAVA_TIMEOUT=${CHECK_TIMEOUT:-180} java_run io.github.bamjava.train.MixedPrecisionCheck \
  > "$out/check.log" 2>&1
echo "exit code $?" >> "$out/check.log"
grep -E '^CHECK|^exit code|Exception' "$out/check.log"

# 2. Speed: config batch seq java-precision peer-precision.
rows=("minilm 32 128 fp32 fp32" "base 128 128 fp32 fp32" "base 128 128 fp16 bf16")
for row in "${rows[@]}"; do
  read -r config batch seq jp pp <<< "$row"
  name="$config-b$batch-s$seq"
  echo "== $name: java $jp, peer $pp"
  java_run io.github.bamjava.examples.bench.EncoderBenchmark --config "$config" --batch "$batch" --seq "$seq" \
    --mode train --steps "$steps" --warmup "$warmup" --precision "$jp" > "$out/java-$name-$jp.log" 2>&1
  grep -E '^(RESULT|SPLIT|LOSSSCALE)|Exception' "$out/java-$name-$jp.log"
  if [[ -f $peer ]]; then
    timeout "${PEER_TIMEOUT:-120}" python3 "$peer" "$config" "$batch" "$seq" "$pp" > "$out/peer-$name-$pp.log" 2>&1
    grep -E '^PEERGPU|Error' "$out/peer-$name-$pp.log"
  fi
done

# 3. The table.
python3 - "$out" "${rows[@]}" <<'PY' | tee "$out/table.md"
import os, re, sys
out, rows = sys.argv[1], [r.split() for r in sys.argv[2:]]
names = {"minilm": "MiniLM-L6-H384", "base": "BERT-Base"}
# Issue 12's targets: Java / peer at these shapes.
targets = {("minilm", "32", "fp32"): 0.6, ("base", "128", "fp32"): 0.95, ("base", "128", "fp16"): 0.8}
def rate(path, pattern):
    try:
        for line in open(path):
            if re.match(pattern, line):
                return float(re.search(r"([0-9.]+) seq/s", line).group(1))
    except OSError:
        pass
    return None
print("| model | B × S | Java | Java seq/s | PyTorch | PyTorch seq/s | Java / PyTorch | target |")
print("|---|---|---|---:|---|---:|---:|---:|")
for config, batch, seq, jp, pp in rows:
    name = f"{config}-b{batch}-s{seq}"
    mode = "train" + ("-fp16" if jp == "fp16" else "")
    j = rate(f"{out}/java-{name}-{jp}.log", rf"RESULT {config} {mode} ")
    p = rate(f"{out}/peer-{name}-{pp}.log", rf"PEERGPU {config} train {pp} ")  # None without the peer
    ratio = f"{j / p:.2f}" if j and p else "–"
    t = targets.get((config, batch, jp))
    peer = "bf16 autocast" if pp == "bf16" else pp
    java = "fp16 mixed" if jp == "fp16" else jp
    missing = "failed" if os.path.exists(f"{out}/peer-{name}-{pp}.log") else "not run"
    print(f"| {names[config]} | {batch} × {seq} | {java} | {j if j else 'failed'} | {peer} | "
          f"{p if p else missing} | {ratio} | {'≥ ' + str(t) if t else ''} |")
PY
