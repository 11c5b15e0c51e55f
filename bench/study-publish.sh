#!/usr/bin/env bash
# Copies what a study has finished into a folder under version control: study.json, and for each finished job
# its done.json, dev predictions and (teachers) predictions on their training sets, plus report/ when the
# report was written. Checkpoints, models and logs stay behind: the copy is what the report needs, and what a
# checkout needs to continue the study (cp -r DEST/. STUDY_DIR/, then the same bench/study.sh command).
# Usage: bench/study-publish.sh [STUDY_DIR] [DEST]    (default runs/study-learning docs/study/learning)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "${1:-$root/runs/study-learning}" && pwd)
[[ -f $src/study.json ]] || { echo "study-publish: $src has no study.json: not a study directory" >&2; exit 1; }
dst=$(mkdir -p "${2:-$root/docs/study/learning}" && cd "${2:-$root/docs/study/learning}" && pwd)
cp "$src/study.json" "$dst/"
cd "$src"
jobs=0
while IFS= read -r done; do
  job=$(dirname "$done")
  mkdir -p "$dst/$job"
  cp "$done" "$dst/$job/"
  for sub in dev train-predictions; do
    if [[ -d $job/$sub ]]; then rm -rf "${dst:?}/$job/$sub"; cp -r "$job/$sub" "$dst/$job/"; fi
  done
  jobs=$((jobs + 1))
done < <(find . -name done.json -not -path './report/*' | sort)
# The commit the study's jars were built from: a checkout that continues the study can build the same code.
if [[ -f jars/commit ]]; then mkdir -p "$dst/jars" && cp jars/commit "$dst/jars/"; fi
if [[ -d report ]]; then rm -rf "${dst:?}/report"; cp -r report "$dst/"; fi
echo "study-publish: $jobs finished job(s) of $src -> $dst"
