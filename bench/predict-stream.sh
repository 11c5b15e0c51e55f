#!/usr/bin/env bash
# Streaming prediction on generated sentence pairs: peak resident memory (/usr/bin/time -v) and lines/s of
#   - bam predict (reads, predicts and writes a window of 1,024 lines at a time),
#   - BamModel.predict called in a loop on windows of 1,024 lines (PredictBenchmark loop: the library without the
#     CLI's reading, checking and writing),
#   - the PyTorch peer's inference (../shared/peer/run.sh --mode infer) at batch 128 and the inputs' mean length
#     in tokens (the peer pads every sequence to it; the Java sides sort by length and pad each batch to its
#     longest rounded up to a multiple of 8).
# Both Java sides run with the launcher's environment for predict (launcher-env.sh: MKL; no training malloc
# settings), as `./bam predict` does, and both set the prediction malloc settings (MallocSettings.forPrediction).
# The model is the embedded MiniLM (6 layers, hidden 384) with an untrained two-label head: the weights do not
# change the time. Lines/s count from the model loaded on (bam predict's own "done" line); RSS is the whole
# process's peak, JVM and libtorch together.
# Usage: bench/predict-stream.sh [lines ...]          (default: 10000 100000 1000000)
#   JAVA_OPTS  JVM options of both Java sides (default: the launcher's for predict, -Xmx8g -XX:MaxDirectMemorySize=256m
#              -XX:MaxNewSize=32m)
#   PEER=0     skips the peer
#   LOOP=0     skips the BamModel loop (a 10^6-line row then takes 45 minutes on a quiet 2-core machine, not 90)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10000 100000 1000000)
jar=$root/bam-examples/target/bam.jar
[[ -f $jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
cp="$jar:$root/bam-examples/target/lib/*"
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx8g -XX:MaxDirectMemorySize=256m -XX:MaxNewSize=32m}"
source "$root/launcher-env.sh"
bam_launcher_env "$root" predict
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

java "${java_opts[@]}" -cp "$cp" io.github.bamjava.examples.bench.PredictBenchmark save-model "$work/model"

# n pairs 'first<TAB>second' of 6 to 20 common words each (about the length of MRPC's and RTE's sentences).
generate() {
  awk -v n="$1" 'BEGIN {
    srand(42)
    nw = split("the a of and to in is was for on that with as by at from his her it an be this are were which " \
      "film movie story company market year people government city new first said would could after over " \
      "good bad great small large old young long short high low early late home world team game plan report", w, " ")
    for (i = 0; i < n; i++) {
      line = ""
      for (side = 0; side < 2; side++) {
        k = 6 + int(rand() * 15)
        for (j = 0; j < k; j++) line = line (j ? " " : "") w[1 + int(rand() * nw)]
        line = line (side ? "" : "\t")
      }
      print line
    }
  }' > "$2"
}

# Runs a command under /usr/bin/time -v; sets rss_mib (peak resident set) and leaves its stdout and stderr in
# $work/out and $work/err.
measure() {
  /usr/bin/time -v -o "$work/time" "$@" > "$work/out" 2> "$work/err" || { tail -20 "$work/err"; exit 1; }
  rss_mib=$(awk -F: '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$work/time")
}

echo "| lines | bam predict peak RSS | bam predict lines/s | loop peak RSS | loop lines/s | mean tokens | peer seq/s |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  generate "$n" "$work/pairs.tsv"

  measure java "${java_opts[@]}" -jar "$jar" predict --model "$work/model" --task pairs --input "$work/pairs.tsv" \
    --progress-seconds 1
  [[ $(wc -l < "$work/out") -eq $n ]] || { echo "bam predict wrote $(wc -l < "$work/out") lines for $n" >&2; exit 1; }
  stream_rss=$rss_mib
  stream_rate=$(sed -nE 's/^predict: done, .* \(([0-9.]+) lines\/s\)$/\1/p' "$work/err")

  loop_rss=skipped loop_rate=skipped
  if [[ ${LOOP:-1} != 0 ]]; then
    measure java "${java_opts[@]}" -cp "$cp" io.github.bamjava.examples.bench.PredictBenchmark loop "$work/model" \
      "$work/pairs.tsv"
    loop_rss="$rss_mib MiB"
    loop_rate=$(sed -nE 's/^RESULT loop .* lines\/s ([0-9.]+) .*/\1/p' "$work/out")
    tokens=$(sed -nE 's/^RESULT loop .* mean_tokens ([0-9.]+) .*/\1/p' "$work/out")
  else # the peer's length: the mean in tokens of the first 10,000 lines (every line is drawn alike)
    head -n 10000 "$work/pairs.tsv" > "$work/sample.tsv"
    java "${java_opts[@]}" -cp "$cp" io.github.bamjava.examples.bench.PredictBenchmark loop "$work/model" \
      "$work/sample.tsv" > "$work/out"
    tokens=$(sed -nE 's/^RESULT loop .* mean_tokens ([0-9.]+) .*/\1/p' "$work/out")
  fi

  peer_rate=skipped
  if [[ ${PEER:-1} != 0 ]]; then
    seq=$(printf '%.0f' "$tokens")
    peer_rate=$("$root/../shared/peer/run.sh" --config minilm --mode infer --infer-batch 128 --seq "$seq" \
      --dropout 0 | sed -nE 's/^RESULT .* ([0-9.]+) seq\/s.*/\1/p')
  fi
  echo "| $n | $stream_rss MiB | $stream_rate | $loop_rss | $loop_rate | $tokens | $peer_rate |"
done
