#!/usr/bin/env bash
# Runs (or continues) the BAM study in the background: WORKERS worker processes (default: one per core), each
# with one compute thread, share one study directory; finished jobs are skipped, stopped ones resume.
# This is the way to run several workers on ONE machine; beyond it, run the same study with
# `bam study run --spark MASTER` (docs/scale-out.md): both ask the study which jobs are done and what they need.
# The jars are copied into the study directory at its first launch and kept there: every job of a study runs on
# the code it started with, so a later change to training (a new dropout mask draw, say) cannot make methods of
# one study differ by code version as well as by method. UPDATE_JARS=1 replaces them (say so in the study's notes).
# Usage: bench/study.sh [--glue-dir ../shared/glue-lite] [--output runs/study] [more `bam study run` options]
# Logs: <output>/logs/worker-<k>.log. Wait with: wait, or watch the logs; then: ./bam study report -o <output>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
glue=$root/../shared/glue-lite output=runs/study
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --glue-dir) glue=$2; shift 2 ;; --output|-o) output=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
workers=${WORKERS:-$(nproc)}
mkdir -p "$output/logs" "$output/jars"
# A second launch on a running study would double the workers on the same cores and replace their jars.
study=$(cd "$output" && pwd -P)
for pid in $(pgrep -f "bam.jar study run" || true); do
  [[ -r /proc/$pid/cmdline ]] || continue
  out=$(tr '\0' '\n' < "/proc/$pid/cmdline" | grep -A1 -x -- --output | tail -n 1) || continue
  [[ $out == /* ]] || out=$(readlink "/proc/$pid/cwd")/$out
  if [[ $(realpath -m "$out") == "$study" ]]; then
    echo "study.sh: a worker of $study is already running (pid $pid; all: pgrep -af 'study run')." >&2
    echo "Stop the workers first (kill PID: each stops after its current step, with a checkpoint), then launch again." >&2
    exit 1
  fi
done
if [[ ! -f $output/jars/bam.jar || ${UPDATE_JARS:-0} == 1 ]]; then
  started=$(cat "$output/jars/commit" 2> /dev/null || true) head=$(git -C "$root" rev-parse HEAD 2> /dev/null || true)
  if [[ -n $started && $started != "$head" ]]; then
    echo "study.sh: this study started on commit $started; its remaining jobs now run on $head" >&2
  fi
  [[ -f $root/bam-examples/target/bam.jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
  cp "$root/bam-examples/target/bam.jar" "$output/jars/"
  rm -rf "$output/jars/lib" && cp -r "$root/bam-examples/target/lib" "$output/jars/lib"
  git -C "$root" rev-parse HEAD > "$output/jars/commit" 2> /dev/null || true
else
  echo "study.sh: the study's own jars ($output/jars, commit $(cat "$output/jars/commit" 2> /dev/null || echo unknown)); UPDATE_JARS=1 replaces them" >&2
fi
run_id=launch-$(date -u +%Y%m%dT%H%M%S)
# One thread per worker: on small batches, separate processes scale better than threads inside one GEMM.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MKL_DYNAMIC=FALSE
# The launcher's MKL setting (a preloaded library outlives a rebuild), but glibc's own malloc settings: with the
# launcher's keep-freed-memory ones a worker's resident memory reached 13.8 GB over a multi-task run and its
# predictions, and the kernel killed it (two workers on 24 GB, 2026-11-30); glibc's defaults hand memory back.
source "$root/launcher-env.sh"
bam_mkl_shim "$root"
for k in $(seq 1 "$workers"); do
  nohup java -Xmx5g -XX:MaxDirectMemorySize=256m -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
    -jar "$output/jars/bam.jar" study run --glue-dir "$glue" --output "$output" --run-id "$run_id" "${args[@]}" \
    >> "$output/logs/worker-$k.log" 2>&1 &
  echo "worker $k: pid $! log $output/logs/worker-$k.log"
  sleep 20  # the first worker writes study.json and reads the data before the next one starts
done
