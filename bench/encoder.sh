#!/usr/bin/env bash
# Side-by-side encoder benchmark: the plain-PyTorch peer (../shared/peer/run.sh) and our Java encoder, in the
# same run on the same machine, at the same shapes. Prints both RESULT lines and the Java/peer ratio.
# Usage: bench/encoder.sh [--config minilm|base] [--batch 32] [--seq 128] [--mode train|infer] [--steps 10]
#        [--memory-steps 1000]   (also trains that many steps in Java and prints resident memory growth)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peer=${PEER:-$root/../shared/peer/run.sh}
config=minilm batch=32 seq=128 mode=train steps=10 memory=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --config) config=$2 ;; --batch) batch=$2 ;; --seq) seq=$2 ;; --mode) mode=$2 ;; --steps) steps=$2 ;;
    --memory-steps) memory=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
jar=$root/bam-examples/target/bam.jar
if [[ ! -f $jar ]]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
echo "== $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
peer_out=$("$peer" --config "$config" --batch "$batch" --infer-batch "$batch" --seq "$seq" --mode "$mode" \
  --steps "$steps" | tee /dev/stderr | grep '^RESULT')
java_out=$(java -Xmx8g -cp "$jar:$root/bam-examples/target/lib/*" \
  io.github.bamjava.examples.bench.EncoderBenchmark --config "$config" --batch "$batch" --seq "$seq" \
  --mode "$mode" --steps "$steps" --memory-steps "$memory" 2> >(grep -v 'WARN\|LegacyTypeDispatch' >&2) \
  | tee /dev/stderr | grep -E '^(RESULT|MEMORY)')
rate() { grep "^RESULT" <<<"$1" | sed -E 's/.* ([0-9.]+) seq\/s.*/\1/'; }
p=$(rate "$peer_out"); j=$(rate "$java_out")
echo "SUMMARY $config $mode B=$batch S=$seq java $j seq/s  peer $p seq/s  ratio $(python3 -c "print(f'{$j/$p:.2f}')")x"
grep '^MEMORY' <<<"$java_out" || true
