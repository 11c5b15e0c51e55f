#!/usr/bin/env bash
# Resident memory of a long multi-task MiniLM run (MultiTaskBenchmark), split into what the JVM itself holds
# (Native Memory Tracking: heap, code cache, metaspace, threads, GC, ...) and the rest (libtorch's tensors and
# the C allocator's heap). Every 30 s it prints the benchmark's last MEMORY line beside the JVM's committed
# total, so that growth can be pinned on the JVM's warm-up, on libtorch, or on neither.
# Usage: bench/memory.sh [glue-dir] [steps 2000] [batch 8]
#   Environment passes through (e.g. MALLOC_*); JAVA_OPTS adds JVM options (e.g. -XX:MaxDirectMemorySize=256m).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
glue=${1:-$root/../shared/glue-lite} steps=${2:-2000} batch=${3:-8}
jar=$root/bam-examples/target/bam.jar
[[ -f $jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
log=$(mktemp)
# The heap is fixed and touched up front, so heap sizing cannot pass for growth.
java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary ${JAVA_OPTS:-} \
  -cp "$jar:$root/bam-examples/target/lib/*" io.github.bamjava.examples.bench.MultiTaskBenchmark \
  "$glue" "$steps" "$batch" > "$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  sleep 30
  last=$(grep '^MEMORY step' "$log" | tail -1 || true)
  jvm=$(jcmd "$pid" VM.native_memory summary 2>/dev/null | sed -nE 's/^Total: reserved=[0-9]+KB, committed=([0-9]+)KB.*/\1/p')
  # "Other" is memory behind direct ByteBuffers, which the JVM frees only when a GC finds the buffer dead.
  direct=$(jcmd "$pid" VM.native_memory summary 2>/dev/null | sed -nE 's/^-\s+Other \(reserved=[0-9]+KB, committed=([0-9]+)KB.*/\1/p')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [[ -n $last && -n $jvm ]] && echo "SAMPLE $(date -u +%T) rss now $((rss / 1024)) MiB, JVM committed $((jvm / 1024)) MiB" \
    "of which direct buffers $((${direct:-0} / 1024)) MiB | last ${last#MEMORY }"
done
wait "$pid" || { tail -20 "$log"; exit 1; }
grep -E '^(RESULT|MEMORY)' "$log"
rm -f "$log"
