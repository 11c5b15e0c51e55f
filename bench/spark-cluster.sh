#!/usr/bin/env bash
# BAM on a real Spark standalone cluster on this machine: a master and two workers as separate processes on
# 127.0.0.1, started from the Maven jars (no Spark download; SPARK_HOME is a folder of links to them).
#
# Default (the fault test): a small `bam train` run (two generated tasks, the embedded MiniLM, 1,280 examples each,
# teachers of two epochs of 80 steps) goes through the cluster three times: once straight; once with `kill -9` of
# the executor that trains a teacher, after the teacher's first checkpoint (Spark retries the task on a new
# executor and the teacher resumes from its checkpoint); once stopped by `kill` (SIGTERM, as Ctrl-C) of the driver
# a few steps into the teachers (the running teachers stop after their current step with a checkpoint of it), then
# run again to its end. Every model, predictions file and the results must equal the straight run's.
#
#   bench/spark-cluster.sh                       # the fault test, ~10-15 minutes on 2 busy cores
#   bench/spark-cluster.sh --speedup GLUE_DIR [--train-cap N] [--tasks A,B]
#   bench/spark-cluster.sh --study GLUE_DIR     # a small study on the cluster, ~5-10 minutes
#
# --study runs `bam study run` on GLUE_DIR's WNLI (the smallest task) for Single and BAM on two seeds through a
# cluster of two single-core workers, then the same command without Spark, which must find every job done and
# start none: the cluster and the single-machine worker share the job list and what "done" means.
#
# --speedup measures `bam glue --preset learning` on GLUE_DIR (every task there, or --tasks) up to the
# end of the teachers' predictions (the student is not trained: each run is stopped when it starts) three times:
#   plain     the run without Spark, one compute thread, pinned to one core (what one single-core worker does,
#             without Spark);
#   1 worker  on a standalone cluster of one single-core worker (pinned to a core, see start_cluster);
#   2 workers on a cluster of two single-core workers, each pinned to a core of its own;
# and prints a table: the whole time from the command's start to the end of the predictions and, on Spark, the
# units' part of it (from the driver's first Spark task to its last prediction), the speed-up of 2 workers over 1
# (target >= 1.8x) and the overhead of Spark on one worker over the plain run (target <= 5 %). It checks too that the
# three runs made the same teachers and predictions, bit for bit. --train-cap N keeps N training examples a task
# (a dry run of the script in minutes); without it the learning preset's budgets: an hour on a quiet 2-core
# machine, which a later call with the same arguments continues where a cut-off one stopped (see below). Run it on
# a quiet machine: other work on the cores falsifies both ratios.
# Needs: a build (mvn -B -q -DskipTests package). Work files: $BAM_SPARK_WORK (default runs/spark-cluster/MODE,
# MODE fault, speedup or study).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=fault glue= glue_args=() arguments="$*" # as given, before the loop below shifts them away
usage() { echo "usage: $0 [--speedup GLUE_DIR [--train-cap N] [--tasks A,B] | --study GLUE_DIR]" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --speedup) mode=speedup; glue=$(cd "${2:?--speedup needs a GLUE directory}" && pwd); shift 2 ;;
    --study) mode=study; glue=$(cd "${2:?--study needs a GLUE directory}" && pwd); shift 2 ;;
    --train-cap|--tasks) [[ $mode == speedup && $# -ge 2 ]] || usage; glue_args+=("$1" "$2"); shift 2 ;;
    *) usage ;;
  esac
done
work=${BAM_SPARK_WORK:-$root/runs/spark-cluster/$mode}
built=$root/bam-examples/target
# Spark's jars, which bam-spark has in provided scope (a cluster brings them): the build lists them.
spark_jars=$root/bam-spark/target/spark-classpath.txt
for f in "$built/bam.jar" "$spark_jars"; do
  [[ -f $f ]] || { echo "spark-cluster.sh: $f not found; build first: mvn -B -q -DskipTests package" >&2; exit 1; }
done
# The speed-up's three runs take over an hour: a measurement that was cut off keeps the runs it
# finished and measures the rest when the script runs again with the same arguments (a finished run's time is
# kept, never a part of one). It runs the build it started with, copied into $work/build, so that building the
# project meanwhile changes nothing in it. Anything else starts afresh from the current build.
if [[ $mode == speedup && -f $work/arguments && $(cat "$work/arguments") == "$arguments" && -f $work/build/bam.jar ]]; then
  echo "continuing the measurement in $work (runs done: $(cd "$work" && ls ./*.seconds 2>/dev/null \
    | sed 's:^./::; s:.seconds$::' | tr '\n' ' ')) with its build of $(date -r "$work/build/bam.jar" '+%F %T')" >&2
else
  rm -rf "$work"; mkdir -p "$work/build"
  cp -r "$built/bam.jar" "$built/lib" "$spark_jars" "$work/build/"
  echo "$arguments" > "$work/arguments"
fi
jar=$work/build/bam.jar lib=$work/build/lib

# The class path: bam.jar, its libraries (lib/, beside it since the build) and Spark's jars from the local
# repository, as the build listed them (BAM's own jars come from lib/ only).
spark_cp=$(cat "$work/build/spark-classpath.txt")
cp="$jar:$lib/*:$spark_cp"
# A SPARK_HOME for the workers: they start executors with the jars in $SPARK_HOME/jars (RELEASE marks a
# distribution's layout). Links to the Maven jars, bam's included, so executors load the job's classes too.
spark_home=$work/spark-home
mkdir -p "$spark_home/jars"; touch "$spark_home/RELEASE"
IFS=: read -r -a entries <<< "$spark_cp"
for f in "${entries[@]}" "$jar" "$lib"/*.jar; do # lib/ last: its versions win
  [[ $f == *.jar && -f $f ]] && ln -sf "$f" "$spark_home/jars/$(basename "$f")"
done
export SPARK_HOME=$spark_home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
opens=$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' "$root/pom.xml")
java_cp=(java $opens -cp "$cp")

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# start_cluster WORKERS: a master on a free port and WORKERS single-core workers; sets $master. Each worker is
# pinned to a core of its own (taskset; its executors inherit the mask), as a one-core machine of a cluster would
# be: `--cores 1` only tells Spark how many tasks to give the worker, while the JVM under it would size its GC and
# compiler threads for the whole machine and spread them over the other worker's core. A JVM sees the mask as its
# processor count, so the executor's Java pools are sized for one core too.
ncpu=$(nproc)
start_cluster() {
  cleanup; pids=()
  local port=$((20000 + RANDOM % 20000))
  master=spark://127.0.0.1:$port
  "${java_cp[@]}" -Xmx512m org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
    --webui-port 0 > "$work/master.log" 2>&1 &
  pids+=($!)
  for ((w = 1; w <= $1; w++)); do
    mkdir -p "$work/worker-$w"
    taskset -c $(((w - 1) % ncpu)) "${java_cp[@]}" -Xmx512m org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
      --cores 1 --memory 6g --work-dir "$work/worker-$w" --webui-port 0 "$master" > "$work/worker-$w.log" 2>&1 &
    pids+=($!)
  done
  for ((i = 0; i < 120; i++)); do
    [[ $(grep -c "Registering worker" "$work/master.log" 2>/dev/null) -ge $1 ]] && return 0
    sleep 1
  done
  echo "spark-cluster.sh: the workers did not register with $master; see $work/*.log" >&2; exit 1
}

# The driver: the bam command line with --spark; each executor gets one core (one training per JVM). It replaces
# the shell it runs in, so that a driver started with & has the PID in $! (a kill then reaches the JVM, not a
# subshell that leaves it running): call it with & or in ( ).
bam_on_cluster() {
  exec "${java_cp[@]}" -Xmx2g -Dai.djl.offline=true io.github.bamjava.examples.BamCli "$@" --spark "$master" \
    --spark-conf spark.executor.cores=1 --spark-conf spark.task.cpus=1 --spark-conf spark.executor.memory=3g \
    --spark-conf spark.ui.enabled=false --spark-conf spark.driver.host=127.0.0.1 \
    --spark-conf spark.driver.bindAddress=127.0.0.1 --spark-conf spark.task.maxFailures=4 \
    --spark-conf "spark.executor.extraJavaOptions=-Dai.djl.offline=true -XX:MaxDirectMemorySize=256m" \
    --spark-conf spark.executorEnv.OMP_NUM_THREADS=1 --spark-conf spark.executorEnv.MKL_DYNAMIC=FALSE
}

if [[ $mode == speedup ]]; then
  # What every run does: the same tasks, preset and cap, teachers and their predictions on one thread each.
  glue_run=(glue --glue-dir "$glue" --preset learning "${glue_args[@]}")
  now() { date +%s.%N; }
  # measure NAME WORKERS: runs NAME (WORKERS 0: without Spark) until its student starts; writes NAME.seconds
  # (start to the end of the predictions) and, on Spark, NAME.units (from the first Spark task to the last
  # prediction, as the driver counts).
  measure() {
    local name=$1 workers=$2 log=$work/$1.log out=$work/$1 started driver
    [[ -f $work/$name.seconds ]] && return 0 # finished before the cut
    rm -rf "$out" "$log" # a run cut off part-way would resume from its checkpoints: it starts again
    if [[ $workers == 0 ]]; then
      started=$(now)
      OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MKL_DYNAMIC=FALSE taskset -c 0 "${java_cp[@]}" -Xmx3g -Dai.djl.offline=true \
        -XX:MaxDirectMemorySize=256m io.github.bamjava.examples.BamCli "${glue_run[@]}" -o "$out" > "$log" 2>&1 &
      driver=$!
      until grep -q "^student: " "$log" 2>/dev/null; do
        kill -0 "$driver" 2>/dev/null || { echo "the plain run ended before its student; see $log" >&2; exit 1; }
        sleep 1
      done
    else
      start_cluster "$workers"
      started=$(now)
      bam_on_cluster "${glue_run[@]}" -o "$out" > "$log" 2>&1 &
      driver=$!
      until grep -q "^  start: student " "$log" 2>/dev/null; do
        kill -0 "$driver" 2>/dev/null || { echo "the run on $workers worker(s) ended before its student; see $log" >&2
          exit 1; }
        sleep 1
      done
      grep "^  done: predictions " "$log" | sed 's/.* (\([0-9]*\) s into the run)$/\1/' | sort -n | tail -1 \
        > "$work/$name.units"
    fi
    awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.0f\n", b - a }' > "$work/$name.seconds.tmp"
    mv "$work/$name.seconds.tmp" "$work/$name.seconds"
    # Measured: stop it at once (a graceful stop would finish the student's step first, on the next run's time).
    kill -9 "$driver"; wait "$driver" 2>/dev/null || true
  }
  measure plain 0
  measure one-worker 1
  measure two-workers 2
  cleanup
  same=0 differ=0
  for f in $(cd "$work/plain" && find teachers -name model.safetensors -o -name '*.predictions.safetensors' | sort); do
    for other in one-worker two-workers; do
      if cmp -s "$work/plain/$f" "$work/$other/$f"; then same=$((same + 1)); else differ=$((differ + 1))
        [[ -f $work/$other/$f ]] && echo "  DIFFERENT: $other/$f" || echo "  MISSING: $other/$f"; fi
    done
  done
  p=$(cat "$work/plain.seconds") o=$(cat "$work/one-worker.seconds") t=$(cat "$work/two-workers.seconds")
  ow=$(cat "$work/one-worker.units") tw=$(cat "$work/two-workers.units")
  tasks=$(grep -m1 "^BAM on Spark" "$work/one-worker.log" | sed 's/.*task(s): \(.*\); preset.*/\1/')
  echo
  echo "learning-preset teachers and their predictions of $tasks${glue_args[*]:+ (${glue_args[*]})}"
  echo
  echo "| Run | Spark tasks to predictions done (s) | Start to predictions done (s) |"
  echo "|---|---:|---:|"
  echo "| plain, 1 thread, no Spark | – | $p |"
  echo "| Spark, 1 single-core worker | $ow | $o |"
  echo "| Spark, 2 single-core workers | $tw | $t |"
  echo
  awk -v ow="$ow" -v tw="$tw" -v o="$o" -v t="$t" -v p="$p" 'BEGIN {
    printf "speed-up of 2 workers over 1: %.2fx start to end (target >= 1.8x), %.2fx on the Spark tasks\n",
      o / t, ow / tw
    printf "overhead of Spark on 1 worker over the plain run: %+.1f %% (target <= 5 %%)\n", (o - p) / p * 100 }'
  echo "teachers and predictions equal to the plain run's: $same file(s) the same, $differ different"
  [[ $differ == 0 ]]
  exit
fi

if [[ $mode == study ]]; then
  study=(study run --glue-dir "$glue" --tasks WNLI --seeds 1,2 --methods single,bam -o "$work/study")
  start_cluster 2
  echo "a study of Single and BAM on WNLI, seeds 1 and 2, on $master ..."
  t0=$(date +%s)
  (bam_on_cluster "${study[@]}") > "$work/study.log" 2>&1 || { echo "the study failed on Spark; see $work/study.log" >&2
    exit 1; }
  echo "  done in $(( $(date +%s) - t0 )) s: $(grep -c '  done: ' "$work/study.log") job(s) ran as Spark tasks"
  cleanup
  before=$(find "$work/study" -name done.json -exec stat -c '%n %Y' {} + | sort)
  echo "the same study without Spark ..."
  "${java_cp[@]}" -Xmx2g -Dai.djl.offline=true io.github.bamjava.examples.BamCli "${study[@]}" > "$work/again.log" 2>&1 \
    || { echo "the study without Spark failed; see $work/again.log" >&2; exit 1; }
  after=$(find "$work/study" -name done.json -exec stat -c '%n %Y' {} + | sort)
  if grep -q "study: all [0-9]* jobs are done" "$work/again.log" && ! grep -q " -> " "$work/again.log" \
    && [[ $before == "$after" ]]; then
    echo "PASS: the single-machine worker found the cluster's jobs done ($(grep -o 'all [0-9]* jobs' \
      "$work/again.log")) and started none"
  else
    echo "FAIL: the single-machine worker did not find the cluster's jobs done; see $work/again.log"; exit 1
  fi
  exit 0
fi

# The fault test's data: two generated tasks of 1,280 training and 16 dev examples: teachers of 80 steps an epoch,
# a few seconds each on one core of a quiet machine, long enough to kill or stop one in its second epoch.
data=$work/data
mkdir -p "$data"
gen() { # gen FILE N SEED: "text,label" rows; the label says whether a positive word occurs
  awk -v n="$2" -v seed="$3" 'BEGIN {
    srand(seed); split("good great fine nice", pos, " "); split("bad awful poor sad", neg, " ");
    split("the a film was story it quite very and plot", fill, " ");
    print "text,label";
    for (i = 0; i < n; i++) {
      p = rand() < 0.5; w = p ? pos[int(rand() * 4) + 1] : neg[int(rand() * 4) + 1];
      s = fill[int(rand() * 10) + 1] " " fill[int(rand() * 10) + 1] " " w " " fill[int(rand() * 10) + 1];
      print s "," (p ? "yes" : "no") } }' > "$1"
}
gen "$data/a-train.csv" 1280 1; gen "$data/a-dev.csv" 16 2; gen "$data/b-train.csv" 1280 3; gen "$data/b-dev.csv" 16 4
cat > "$data/tasks.json" <<'EOF'
{"tasks": [
  {"name": "alpha", "kind": "classification", "labels": ["no", "yes"], "train": "a-train.csv", "dev": "a-dev.csv",
   "text": "text", "label": "label"},
  {"name": "beta", "kind": "classification", "labels": ["no", "yes"], "train": "b-train.csv", "dev": "b-dev.csv",
   "text": "text", "label": "label"}],
 "settings": {"max_length": 32, "teacher": {"epochs": 2, "batch_size": 16}, "student": {"epochs": 1, "batch_size": 16},
              "seed": 5}}
EOF

start_cluster 2
echo "straight run on $master ..."
t0=$(date +%s)
(bam_on_cluster train --tasks "$data/tasks.json" -o "$work/straight") > "$work/straight.log" 2>&1 \
  || { echo "the straight run failed; see $work/straight.log" >&2; exit 1; }
echo "  done in $(( $(date +%s) - t0 )) s"

start_cluster 2
echo "run with an executor killed mid-teacher on $master ..."
bam_on_cluster train --tasks "$data/tasks.json" -o "$work/killed" > "$work/killed.log" 2>&1 &
driver=$!
killed= killed_teacher=
while [[ -z $killed ]]; do
  kill -0 "$driver" 2>/dev/null || { echo "the run ended before a teacher checkpointed; see $work/killed.log" >&2; exit 1; }
  for teacher in alpha beta; do
    dir=$work/killed/teachers/$teacher
    # A teacher past its first whole checkpoint (LATEST names it once written) and not finished: kill the
    # executor that trains it.
    if [[ -f $dir/checkpoints/LATEST && ! -f $dir/model/tasks.json ]]; then
      # The worker folders hold the straight run's executors too: the one to kill is the one still alive.
      pid=
      mapfile -t logs < <(grep -l "teacher $teacher on" "$work"/worker-*/app-*/*/stdout 2>/dev/null || true)
      for out in "${logs[@]}"; do
        exec_id=$(basename "$(dirname "$out")")
        app=$(basename "$(dirname "$(dirname "$out")")")
        pid=$(pgrep -f "CoarseGrainedExecutorBackend.*--executor-id $exec_id .*--app-id $app" | head -n 1) || true
        [[ -n $pid ]] && break
      done
      [[ -n $pid ]] || continue
      kill -9 "$pid"; killed="teacher $teacher (executor $exec_id, pid $pid)" killed_teacher=$teacher
      echo "  kill -9 of the executor training $killed"
      break
    fi
  done
  sleep 0.5
done
wait "$driver" || { echo "the run with a killed executor failed; see $work/killed.log" >&2; exit 1; }

status=0
for f in teachers/alpha/model/model.safetensors teachers/beta/model/model.safetensors \
  teachers/alpha.predictions.safetensors teachers/beta.predictions.safetensors student/model/model.safetensors \
  results.md; do
  if cmp -s "$work/straight/$f" "$work/killed/$f"; then echo "  same: $f"; else echo "  DIFFERENT: $f"; status=1; fi
done
# The retry must have resumed, not started again: its metrics log then has a second start record, from a step > 0.
resumed=$(grep '"type":"start"' "$work/killed/teachers/$killed_teacher/metrics.jsonl" \
  | sed -n 's/.*"start_step":\([0-9]*\).*/\1/p' | tail -n +2 | head -n 1)
if [[ -n $resumed && $resumed -gt 0 ]]; then
  echo "  the retried teacher $killed_teacher resumed from its checkpoint of step $resumed"
else
  echo "  NOT RESUMED: the retried teacher $killed_teacher started again from step 0"; status=1
fi

start_cluster 2
echo "run stopped by kill of its driver on $master, then run again ..."
bam_on_cluster train --tasks "$data/tasks.json" -o "$work/stopped" > "$work/stopped.log" 2>&1 &
driver=$!
# The stop, once the teachers are 5 steps in (the metrics logs have a line a step, flushed as it goes): the
# epochs' checkpoints are at steps 80 and 160, so a checkpoint of any other step is the stop's.
until [[ $(cat "$work"/stopped/teachers/*/metrics.jsonl 2>/dev/null | grep -c '"type":"step"') -ge 5 ]]; do
  kill -0 "$driver" 2>/dev/null || { echo "the run ended before its teachers trained; see $work/stopped.log" >&2
    exit 1; }
  sleep 0.2
done
kill "$driver"
code=0; wait "$driver" || code=$?
echo "  the driver exited with $code after: $(grep -m1 'stopped on request' "$work/stopped.log" || echo '(no stop line)')"
[[ $code == 143 ]] || { echo "  EXPECTED exit code 143 (SIGTERM); see $work/stopped.log"; status=1; }
stopped_at=()
for teacher in alpha beta; do
  latest=$work/stopped/teachers/$teacher/checkpoints/LATEST
  if [[ -f $latest && ! -f $work/stopped/teachers/$teacher/model/tasks.json ]]; then
    step=$(sed 's/[^0-9]//g; s/^0*//' "$latest")
    echo "  teacher $teacher stopped with a checkpoint of step $step"
    (( step % 80 != 0 )) && stopped_at+=("$teacher")
  fi
done
[[ ${#stopped_at[@]} -gt 0 ]] || { echo "  NO TEACHER saved a checkpoint of the step it stopped at"; status=1; }
(bam_on_cluster train --tasks "$data/tasks.json" -o "$work/stopped") > "$work/stopped-rerun.log" 2>&1 \
  || { echo "the rerun after the stop failed; see $work/stopped-rerun.log" >&2; exit 1; }
for f in teachers/alpha/model/model.safetensors teachers/beta/model/model.safetensors \
  teachers/alpha.predictions.safetensors teachers/beta.predictions.safetensors student/model/model.safetensors \
  results.md; do
  if cmp -s "$work/straight/$f" "$work/stopped/$f"; then echo "  same: $f"; else echo "  DIFFERENT: $f"; status=1; fi
done
[[ $status == 0 ]] && echo "PASS: the run survived the killed executor and the stopped driver with the straight" \
  "run's results" || echo "FAIL: see the lines above"
exit $status
