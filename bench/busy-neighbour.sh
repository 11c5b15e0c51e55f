#!/usr/bin/env bash
# A training step beside a busy neighbour: MiniLM training steps (EncoderBenchmark, plain java -cp) alone, then
# beside one CPU-bound process that this script starts (a shell busy loop at the same priority) and stops, with
# libtorch's OpenMP threads spinning while they wait (libgomp's own default: -Dbam.omp.passive=false), told to
# sleep instead (OMP_WAIT_POLICY=passive, read by libtorch's GNU OpenMP; the library's default, set here in the
# environment so the row says so), and cut to one intra-op thread (-Dbam.threads=1). Each line: seq/s, the ratio to alone, and from
# /usr/bin/time -v the involuntary context switches and minor page faults of the whole JVM.
# Otherwise the launcher's settings (launcher-env.sh), malloc's for training included; the two "application" rows
# run without any of them (no launcher variables, no preloaded library: what the library sets for itself), alone and
# beside the neighbour.
# Usage: bench/busy-neighbour.sh [--config minilm] [--batch 8] [--seq 64] [--steps 10]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
config=minilm batch=8 seq=64 steps=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --config) config=$2 ;; --batch) batch=$2 ;; --seq) seq=$2 ;; --steps) steps=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
jar=$root/bam-examples/target/bam.jar
[[ -f $jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
source "$root/launcher-env.sh"
bam_launcher_env "$root" train
unset OMP_WAIT_POLICY # the launcher's and the library's default is passive; the rows below say which they use
work=$(mktemp -d)
neighbour=
stop_neighbour() {
  if [[ -n $neighbour ]]; then kill "$neighbour" 2>/dev/null || true; wait "$neighbour" 2>/dev/null || true; fi
  neighbour=
}
trap 'stop_neighbour; rm -rf "$work"' EXIT
alone=
run() { # label, then env assignments and JVM options before -cp
  local label=$1; shift
  /usr/bin/time -v -o "$work/time" env "$@" -Xmx8g -XX:MaxDirectMemorySize=256m \
    -cp "$jar:$root/bam-examples/target/lib/*" io.github.bamjava.examples.bench.EncoderBenchmark --config "$config" \
    --batch "$batch" --seq "$seq" --mode train --steps "$steps" > "$work/out" 2> /dev/null
  local rate ratio
  rate=$(sed -nE 's/^RESULT .* ([0-9.]+) seq\/s.*/\1/p' "$work/out")
  [[ -n $alone ]] || alone=$rate
  ratio=$(awk -v a="$alone" -v r="$rate" 'BEGIN { printf "%.2f", a / r }')
  printf '%-40s %8s seq/s  %6sx the time alone  %9s involuntary switches  %9s minor faults\n' "$label" "$rate" \
    "$ratio" \
    "$(awk -F': ' '/Involuntary context switches/ {print $2}' "$work/time")" \
    "$(awk -F': ' '/Minor \(reclaiming a frame\) page faults/ {print $2}' "$work/time")"
}
echo "== $(date -u '+%F %H:%M') UTC, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); $config train B $batch x S $seq, $steps steps"
run "alone, spinning" java -Dbam.omp.passive=false
run "alone, OMP_WAIT_POLICY=passive" OMP_WAIT_POLICY=passive java
application=(-u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_ -u MKL_DYNAMIC -u LD_PRELOAD java)
run "application, alone" "${application[@]}"
bash -c 'while :; do :; done' &
neighbour=$!
run "neighbour, spinning" java -Dbam.omp.passive=false
run "neighbour, OMP_WAIT_POLICY=passive" OMP_WAIT_POLICY=passive java
run "neighbour, passive, one intra-op thread" OMP_WAIT_POLICY=passive java -Dbam.threads=1
run "neighbour, application" "${application[@]}"
stop_neighbour
