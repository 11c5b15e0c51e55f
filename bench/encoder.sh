#!/usr/bin/env bash
# Side-by-side encoder benchmark: the plain-PyTorch peer (../shared/peer/run.sh) and our Java encoder, in the
# same run on the same machine, at the same shapes, alternating for --rounds rounds. Prints every RESULT line
# and a SUMMARY per mode with the Java/peer ratio of each round.
#   Java runs twice per round: with the process's defaults, and with the settings the `bam` launcher uses
#   (launcher-env.sh: malloc, MKL; see docs/benchmarks.md). The peer runs as shipped.
# Usage: bench/encoder.sh [--config minilm|base|roberta-base|electra-base|distilbert-base|electra-small]
#        [--batch 32] [--seq 128] [--mode train|infer|both] [--steps 10] [--rounds 1] [--memory-steps 0]
#   The peer has BERT's structure only: electra-base is BERT-Base exactly and runs against the peer's base;
#   roberta-base runs against it too, its only difference being the vocabulary (50265 rows, the peer's 30522);
#   distilbert-base and electra-small have no peer and run Java alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peer=${PEER:-$root/../shared/peer/run.sh}
config=minilm batch=32 seq=128 mode=train steps=10 rounds=1 memory=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --config) config=$2 ;; --batch) batch=$2 ;; --seq) seq=$2 ;; --mode) mode=$2 ;; --steps) steps=$2 ;;
    --rounds) rounds=$2 ;; --memory-steps) memory=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
case $config in
  minilm|base) peer_config=$config ;;
  electra-base|roberta-base) peer_config=base ;;
  *) peer_config= ;;
esac
jar=$root/bam-examples/target/bam.jar
[[ -f $jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
tmp=$(mktemp -d)
java_run() {
  java -Xmx8g -XX:MaxDirectMemorySize=256m -cp "$jar:$root/bam-examples/target/lib/*" io.github.bamjava.examples.bench.EncoderBenchmark \
    --config "$config" --batch "$batch" --seq "$seq" --mode "$mode" --steps "$steps" --memory-steps "$memory" \
    2>/dev/null | grep -E '^(RESULT|SPLIT|MEMORY)'
}
rate() { grep "^RESULT $config $1 " "$2" | sed -E 's/.* ([0-9.]+) seq\/s.*/\1/'; }
echo "== $(date -u '+%F %H:%M') UTC, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
for r in $(seq 1 "$rounds"); do
  if [[ -n $peer_config ]]; then
    "$peer" --config "$peer_config" --batch "$batch" --infer-batch "$batch" --seq "$seq" --mode "$mode" \
      --steps "$steps" 2>&1 | sed -E "s/^RESULT $peer_config /RESULT $config /" > "$tmp/peer" \
      || { cat "$tmp/peer"; exit 1; }
  else
    : > "$tmp/peer"
  fi
  java_run > "$tmp/java"
  (source "$root/launcher-env.sh" && bam_launcher_env "$root" && java_run) > "$tmp/tuned"
  echo "-- round $r"
  sed 's/^/peer        /' < <(grep '^RESULT' "$tmp/peer")
  sed 's/^/java        /' "$tmp/java"
  sed 's/^/java-launcher /' "$tmp/tuned"
  for m in train infer; do
    # A mode that was not run has no RESULT line: rate fails, and the mode is skipped.
    p=$(rate $m "$tmp/peer") || true; j=$(rate $m "$tmp/java") || true; t=$(rate $m "$tmp/tuned") || true
    [[ -n $p && -n $j ]] || continue
    python3 - "$config" "$m" "$batch" "$seq" "$p" "$j" "$t" <<'PY'
import sys
c, m, b, s, p, j, t = sys.argv[1:]
p, j, t = float(p), float(j), float(t)
print(f"SUMMARY {c} {m} B={b} S={s}: peer {p:.2f} seq/s, java {j:.2f} ({j/p:.2f}x), "
      f"java with bam's launcher settings {t:.2f} ({t/p:.2f}x)")
PY
  done
done
rm -rf "$tmp"
