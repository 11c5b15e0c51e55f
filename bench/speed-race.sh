#!/usr/bin/env bash
# The speed race of docs/benchmarks.md in one go, on a quiet machine: the fixed-shape training step against the
# peer (bench/encoder.sh), real glue-lite multi-task throughput against the peer padding every example to 128,
# the profile of a real step, and the quickstart's wall time. Prints everything; takes about 20 minutes.
# Usage: bench/speed-race.sh [glue-dir]   (SKIP_QUICKSTART=1 / SKIP_THREADS=1 leave those parts out;
#        ROUNDS=n repeats the fixed-shape comparison, default 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
glue=${1:-$root/../shared/glue-lite}
peer=${PEER:-$root/../shared/peer/run.sh}
cd "$root"
[[ -f bam-examples/target/bam.jar ]] || mvn -B -q -DskipTests package
echo "== fixed shapes (B 32, S 128)"
bench/encoder.sh --config minilm --batch 32 --seq 128 --mode train --steps 5 --rounds "${ROUNDS:-1}" \
  | grep -E 'SUMMARY|SPLIT'
# The peer always runs as shipped; every Java run below runs with the launcher's settings.
peer_run() { env -u LD_PRELOAD -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_ "$peer" "$@"; }
source launcher-env.sh
bam_launcher_env "$root"
cp="bam-examples/target/bam.jar:bam-examples/target/lib/*"
echo "== real glue-lite batches, B 32, max length 128, padded per batch (150 steps, the first 100 not timed)"
peer_run --config minilm --batch 32 --seq 128 --mode train --steps 5 2>&1 | grep '^RESULT' | sed 's/^/peer at 128: /'
java -Xmx8g -XX:MaxDirectMemorySize=256m -cp "$cp" io.github.bamjava.examples.bench.MultiTaskBenchmark "$glue" 150 32 2>/dev/null | grep '^RESULT'
java -Xmx8g -XX:MaxDirectMemorySize=256m -cp "$cp" io.github.bamjava.examples.bench.MultiTaskBenchmark "$glue" 150 32 true 2>/dev/null | grep '^RESULT'
peer_run --config minilm --batch 32 --seq 128 --mode train --steps 5 2>&1 | grep '^RESULT' | sed 's/^/peer at 128: /'
if [[ ${SKIP_THREADS:-} != 1 ]]; then
  echo "== threads or processes: one 2-thread run against two 1-thread runs at once (B 16, 150 steps each)"
  mt() { java -Xmx4g -XX:MaxDirectMemorySize=256m -cp "$cp" io.github.bamjava.examples.bench.MultiTaskBenchmark "$glue" 150 16 2>/dev/null | grep '^RESULT'; }
  OMP_NUM_THREADS=2 mt | sed 's/^/one process, 2 threads: /'
  OMP_NUM_THREADS=1 mt > /tmp/speed-race-a.txt & OMP_NUM_THREADS=1 mt > /tmp/speed-race-b.txt; wait
  sed 's/^/two processes, 1 thread each, A: /' /tmp/speed-race-a.txt; sed 's/^/two processes, 1 thread each, B: /' /tmp/speed-race-b.txt
fi
echo "== profile of a real step (B 32)"
java -Xmx8g -XX:MaxDirectMemorySize=256m -cp "$cp" io.github.bamjava.examples.bench.StepProfile "$glue" 32 10 10 2>/dev/null | grep '^PROFILE'
[[ ${SKIP_QUICKSTART:-} == 1 ]] && exit 0
echo "== quickstart"
out=$(mktemp -d)
/usr/bin/time -f 'QUICKSTART wall %e s, CPU %U s user + %S s system' ./bam quickstart --output "$out/qs" > "$out/log" 2>&1 \
  || { tail -20 "$out/log"; exit 1; }
grep -E 'QUICKSTART|GLUE score|Single|BAM' "$out/log" | tail -6
rm -rf "$out"
