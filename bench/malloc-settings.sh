#!/usr/bin/env bash
# The library's malloc settings for training (MallocSettings: mallopt when a training run starts) against the same
# settings as environment variables (what ./bam exported before) and against glibc's defaults, side by side:
# MiniLM training steps (EncoderBenchmark, plain `java -cp` on the Maven artifacts: an application embedding the
# library, no launcher), alternating the three for --rounds rounds. Each line: seq/s, minor page faults over the
# steps, resident memory at the end and its peak.
# Usage: bench/malloc-settings.sh [--batch 8] [--seq 64] [--steps 10] [--rounds 2]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
batch=8 seq=64 steps=10 rounds=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --batch) batch=$2 ;; --seq) seq=$2 ;; --steps) steps=$2 ;; --rounds) rounds=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
jar=$root/bam-examples/target/bam.jar
[[ -f $jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
run() { # label, then env assignments and JVM options
  local label=$1; shift
  local out
  out=$(env -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_ -u MALLOC_ARENA_MAX MKL_DYNAMIC=FALSE \
    "$@" -cp "$jar:$root/bam-examples/target/lib/*" io.github.bamjava.examples.bench.EncoderBenchmark \
    --config minilm --batch "$batch" --seq "$seq" --mode train --steps "$steps" 2>/dev/null)
  printf '%-28s %s | %s | %s\n' "$label" "$(grep -m1 '^MALLOC' <<< "$out")" \
    "$(grep '^RESULT' <<< "$out" | sed -E 's/.* ([0-9.]+) seq\/s.*/\1 seq\/s/')" "$(grep '^FAULTS' <<< "$out" | cut -d' ' -f2-)"
}
echo "== $(date -u '+%F %H:%M') UTC, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); MiniLM train B $batch x S $seq, $steps steps"
for r in $(seq 1 "$rounds"); do
  run "environment variables" MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184 \
    MALLOC_TOP_PAD_=268435456 java -Xmx8g -XX:MaxDirectMemorySize=256m
  run "library (mallopt)" java -Xmx8g -XX:MaxDirectMemorySize=256m
  run "glibc defaults" java -Dbam.malloc.tuning=false -Xmx8g -XX:MaxDirectMemorySize=256m
done
