#!/usr/bin/env bash
# A whole `bam glue` run, measured: wall time and peak resident memory (`/usr/bin/time -v`), resident memory and
# the Java heap sampled over the run, and the run's own phase table (timings.json: each teacher, teacher
# predictions, student, fine-tunings, evaluation, with tokens and GFLOP/s). Each way of running it gets a fresh
# output directory:
#   launcher  ./bam glue: the launcher's malloc variables, MKL shim, OMP_WAIT_POLICY and heap options
#   embedded  plain `java -cp` on the Maven artifacts without the launcher's malloc variables, MKL shim or heap
#             options (an application embedding the library: the JVM's default heap, the library's own malloc
#             settings); other variables pass through, e.g. OMP_WAIT_POLICY=passive, which an application sets
#             itself (on a busy machine, spinning OpenMP threads make it many times slower)
# Usage: bench/whole-run.sh [--modes launcher,embedded] [--every 30] [--out DIR] [-- more bam glue options]
#   e.g. bench/whole-run.sh --modes launcher -- --glue-dir ../shared/glue-lite         (the learning preset)
#        bench/whole-run.sh --every 5 -- --glue-dir ../shared/glue-lite --train-cap 64  (a tiny budget)
# BAM_JAVA_OPTS changes the launcher's JVM options; JAVA_OPTS adds JVM options to the embedded run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
modes=launcher,embedded every=30 out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --modes) modes=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option $1 (bam glue's options go after --)" >&2; exit 2 ;;
  esac
done
[[ $# -gt 0 ]] || set -- --glue-dir "$root/../shared/glue-lite"
jar=$root/bam-examples/target/bam.jar
[[ -f $jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
out=${out:-$(mktemp -d /tmp/whole-run.XXXXXX)}
mkdir -p "$out"

# The resident memory and Java heap of PID every $every s, until it ends: "SAMPLE elapsed-s rss-MiB heap-MiB".
sample() {
  local pid=$1 start=$SECONDS rss heap
  while kill -0 "$pid" 2> /dev/null; do
    rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status" 2> /dev/null || true)
    # G1's "garbage-first heap total N, used M" line: what the heap has committed (the rest of RSS is native).
    heap=$(jcmd "$pid" GC.heap_info 2> /dev/null | sed -nE 's/.*heap +total ([0-9]+)K, used.*/\1/p' | head -1)
    [[ -n $rss ]] && echo "SAMPLE $((SECONDS - start)) s rss $rss MiB heap-committed $((${heap:-0} / 1024)) MiB"
    sleep "$every"
  done
}

run() { # mode, then bam glue's options
  local mode=$1 dir=$out/$1 log=$out/$1.log tpid pid spid=
  shift
  rm -rf "$dir"
  case $mode in
    launcher) /usr/bin/time -v -o "$out/$mode.time" "$root/bam" glue -o "$dir" "$@" > "$log" 2>&1 & ;;
    embedded) env -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_ -u MALLOC_ARENA_MAX \
      -u LD_PRELOAD /usr/bin/time -v -o "$out/$mode.time" \
      java ${JAVA_OPTS:-} -cp "$jar:$root/bam-examples/target/lib/*" io.github.bamjava.examples.BamCli \
      glue -o "$dir" "$@" > "$log" 2>&1 & ;;
    *) echo "unknown mode $mode (launcher, embedded)" >&2; exit 2 ;;
  esac
  tpid=$!
  pid=
  while [[ -z $pid ]] && kill -0 "$tpid" 2> /dev/null; do
    sleep 0.2
    pid=$(pgrep -P "$tpid" -n java || true)
  done
  if [[ -n $pid ]]; then
    sample "$pid" > "$out/$mode.samples" &
    spid=$!
  fi
  wait "$tpid" || { echo "$mode: bam glue failed, see $log" >&2; tail -20 "$log" >&2; }
  [[ -z $spid ]] || wait "$spid" || true
  echo "== $mode: $(sed -nE 's/^\s*Elapsed \(wall clock\) time.*: //p' "$out/$mode.time") wall," \
    "peak RSS $(($(sed -nE 's/^\s*Maximum resident set size \(kbytes\): //p' "$out/$mode.time") / 1024)) MiB," \
    "$(sed -nE 's/^\s*Minor \(reclaiming a frame\) page faults: //p' "$out/$mode.time") minor page faults"
  # The run's own phase table (the pipeline prints it at the end).
  sed -n '/^phase /,/^total /p' "$log"
  echo "-- resident memory, seconds:MiB: $(awk '{printf "%s:%s ", $2, $5}' "$out/$mode.samples" 2> /dev/null)"
  echo "-- Java heap committed, seconds:MiB: $(awk '{printf "%s:%s ", $2, $8}' "$out/$mode.samples" 2> /dev/null)"
}

echo "== $(date -u '+%F %H:%M') UTC, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); bam glue $*; outputs in $out"
for mode in ${modes//,/ }; do
  run "$mode" "$@"
done
