#!/usr/bin/env bash
# The training step against the plain-PyTorch peer, in one run, with the machine's own FP32 GEMM peak as the
# yardstick: the table of docs/benchmarks.md ("The training step, side by side").
#   1. GEMM peak: a large FP32 matrix product in libtorch through DJL (GemmPeak) and in the peer's PyTorch
#      (OpenBLAS as shipped, and with its AVX-512 kernels where the CPU has them); the best is the peak.
#   2. MiniLM training, fixed B 32 x S 128, ROUNDS rounds, each: the peer, Java as an application embedding the
#      library runs it (plain `java -cp`), Java with the `bam` launcher's settings; median of the rounds.
#   3. Real glue-lite batches (MultiTaskBenchmark: every task, B 32, multi-task defaults), plain `java -cp` and with
#      the launcher's settings, against the peer padding every example to 128 (peer before and after; the ratio
#      is to their mean).
#   4. BERT-Base training, fixed B 32 x S 128, one round.
# Usage: bench/step.sh [glue-dir]
#   ROUNDS=n (default 3); SKIP_GLUE=1, SKIP_BASE=1 leave parts out;
#   BEFORE=path/to/bam-core.jar also times Java (launcher's settings) with that bam-core jar ahead of the
#   current one on the class path, in the same rounds: before/after figures for a change of bam-core.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
glue=${1:-$root/../shared/glue-lite}
peer=${PEER:-$root/../shared/peer/run.sh}
rounds=${ROUNDS:-3}
cd "$root"
[[ -f bam-examples/target/bam.jar ]] || mvn -B -q -DskipTests package
cp="bam-examples/target/bam.jar:bam-examples/target/lib/*"
jvm=(java -Xmx8g -XX:MaxDirectMemorySize=256m)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The peer always runs as shipped, without the launcher's settings.
peer_run() { env -u LD_PRELOAD -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_ "$peer" "$@"; }
launcher() { (source launcher-env.sh && bam_launcher_env "$root" && "$@"); }
field() { sed -nE "s#.* ([0-9.]+) $1.*#\1#p" | head -1; }   # the number before a unit: field seq/s, field GFLOP/s
encoder() { # config, class path -> the RESULT line of a training run
  "${jvm[@]}" -cp "$2" io.github.bamjava.examples.bench.EncoderBenchmark --config "$1" --batch 32 --seq 128 \
    --mode train --steps "${STEPS:-5}" 2>/dev/null | grep '^RESULT'
}
echo "== $(date -u '+%F %H:%M') UTC, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== FP32 GEMM peak (2048 x 2048 products)"
launcher "${jvm[@]}" -cp "$cp" io.github.bamjava.examples.bench.GemmPeak 2048 10 2>/dev/null | tee "$out/gemm"
gemm_py='import sys, time, torch
torch.set_num_threads(int(sys.argv[1])); n = 2048
a, b = torch.rand(n, n), torch.rand(n, n); torch.mm(a, b); torch.mm(a, b); t = []
for _ in range(10):
    s = time.perf_counter(); torch.mm(a, b); t.append(time.perf_counter() - s)
t.sort(); print(f"GEMM peer PyTorch {n}x{n} FP32: best {2*n**3/t[0]/1e9:.1f} GFLOP/s, median {2*n**3/t[5]/1e9:.1f} GFLOP/s")'
py_gemm() { # the peer's Python, BLAS and threads (see ../shared/peer/run.sh)
  env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp "$@" /usr/bin/python3 -c "$gemm_py" "$(nproc)"
}
py_gemm | sed 's/$/ (OpenBLAS as the peer runs it)/' | tee -a "$out/gemm"
if grep -qw avx512f /proc/cpuinfo; then
  py_gemm OPENBLAS_CORETYPE=SkylakeX | sed 's/$/ (OpenBLAS, AVX-512 kernels)/' | tee -a "$out/gemm"
fi
peak=$(sed -nE 's/.*best ([0-9.]+) GFLOP.*/\1/p' "$out/gemm" | sort -g | tail -1)
echo "PEAK $peak GFLOP/s (the best of the above)"

echo "== MiniLM training, fixed B 32 x S 128, $rounds rounds"
for r in $(seq 1 "$rounds"); do
  p=$(peer_run --config minilm --batch 32 --seq 128 --mode train --steps "${STEPS:-5}" 2>&1 | grep '^RESULT')
  j=$(encoder minilm "$cp")
  l=$(launcher encoder minilm "$cp")
  b=; [[ -n ${BEFORE:-} ]] && b=$(launcher encoder minilm "$BEFORE:$cp")
  echo "$r $(field seq/s <<<"$p") $(field seq/s <<<"$j") $(field GFLOP/s <<<"$j") $(field seq/s <<<"$l")" \
    "$(field GFLOP/s <<<"$l") $(field seq/s <<<"$b") $(field GFLOP/s <<<"$b")" >> "$out/minilm"
  tail -1 "$out/minilm" | sed 's/^/ROUND /'
done
python3 - "$peak" "$out/minilm" <<'PY'
import statistics, sys
peak = float(sys.argv[1])
rows = [line.split() for line in open(sys.argv[2])]
cols = {"plain java -cp (embedding application)": (2, 3), "java, launcher's settings": (4, 5),
        "java, launcher's settings, BEFORE jar": (6, 7)}
print("| round | peer seq/s | " + " | ".join(f"{c}: seq/s (ratio, % of peak)" for c in cols) + " |")
def cell(row, s, g):
    if len(row) <= g: return "–"
    return f"{float(row[s]):.2f} ({float(row[s]) / float(row[1]):.2f}×, {100 * float(row[g]) / peak:.0f}%)"
for row in rows:
    print(f"| {row[0]} | {float(row[1]):.2f} | " + " | ".join(cell(row, s, g) for s, g in cols.values()) + " |")
med = lambda i: statistics.median(float(r[i]) for r in rows if len(r) > i)
ratio = lambda i: statistics.median(float(r[i]) / float(r[1]) for r in rows if len(r) > i)
print("| median | %.2f | " % med(1) + " | ".join(
    "–" if len(rows[0]) <= g else f"{med(s):.2f} ({ratio(s):.2f}×, {100 * med(g) / peak:.0f}%)"
    for s, g in cols.values()) + " |")
PY

if [[ ${SKIP_GLUE:-} != 1 ]]; then
  echo "== real glue-lite batches, B 32, multi-task defaults (150 steps, the first 100 not timed); peer pads to 128"
  p1=$(peer_run --config minilm --batch 32 --seq 128 --mode train --steps "${STEPS:-5}" 2>&1 | grep '^RESULT')
  mt() { "${jvm[@]}" -cp "$1" io.github.bamjava.examples.bench.MultiTaskBenchmark "$glue" 150 32 2>/dev/null \
    | grep '^RESULT'; }
  e=$(mt "$cp"); j=$(launcher mt "$cp"); b=; [[ -n ${BEFORE:-} ]] && b=$(launcher mt "$BEFORE:$cp")
  p2=$(peer_run --config minilm --batch 32 --seq 128 --mode train --steps "${STEPS:-5}" 2>&1 | grep '^RESULT')
  python3 - "$(field seq/s <<<"$p1")" "$(field seq/s <<<"$p2")" "$(field examples/s <<<"$e")" \
    "$(field examples/s <<<"$j")" "$(field examples/s <<<"$b")" <<'PY'
import sys
p1, p2, e, j = map(float, sys.argv[1:5]); p = (p1 + p2) / 2
print(f"GLUE peer at 128: {p1:.2f} / {p2:.2f} ex/s; plain java -cp {e:.1f} ex/s ({e / p:.2f}×);"
      f" java (launcher's settings) {j:.1f} ex/s ({j / p:.2f}×)"
      + (f"; BEFORE jar {float(sys.argv[5]):.1f} ex/s ({float(sys.argv[5]) / p:.2f}×)" if sys.argv[5] else ""))
PY
fi

if [[ ${SKIP_BASE:-} != 1 ]]; then
  echo "== BERT-Base training, fixed B 32 x S 128"
  p=$(peer_run --config base --batch 32 --seq 128 --mode train --steps 3 2>&1 | grep '^RESULT')
  j=$(STEPS=3 encoder base "$cp"); l=$(STEPS=3 launcher encoder base "$cp")
  python3 - "$peak" "$(field seq/s <<<"$p")" "$(field seq/s <<<"$j")" "$(field GFLOP/s <<<"$j")" \
    "$(field seq/s <<<"$l")" "$(field GFLOP/s <<<"$l")" <<'PY'
import sys
peak, p, j, jg, l, lg = map(float, sys.argv[1:])
print(f"BASE peer {p:.2f} seq/s; plain java -cp {j:.2f} ({j / p:.2f}×, {100 * jg / peak:.0f}% of peak);"
      f" launcher's settings {l:.2f} ({l / p:.2f}×, {100 * lg / peak:.0f}% of peak)")
PY
fi
