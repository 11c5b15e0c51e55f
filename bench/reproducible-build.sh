#!/usr/bin/env bash
# Reproducible-build check: builds the release artifacts twice, from two copies of this work tree in two different
# folders, and compares the SHA-256 of every jar the build makes (main, tests, sources and javadoc jars of every
# module). Equal hashes mean project.build.outputTimestamp (root pom.xml) did its job: no build time, folder or
# file order leaks into a jar. Prints one line per jar and exits non-zero on the first difference it lists.
#   The copies hold what git tracks plus untracked files it does not ignore (so uncommitted edits count) and no
#   target/ folder, so each build starts clean. Tests are skipped (they do not change a jar).
# Usage: bench/reproducible-build.sh [extra mvn arguments, e.g. -o]
# Environment: KEEP=1 keeps the two build folders (their paths are printed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/bam-repro.XXXXXX)
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT

echo "== $(date -u '+%F %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo ' + uncommitted edits'), $(java -version 2>&1 | head -1), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
# One snapshot of the tree, unpacked twice: edits made while the script runs cannot make the copies differ.
(cd "$root" && git ls-files -z --cached --others --exclude-standard \
  | xargs -0 -I{} sh -c 'test -e "$1" && printf "%s\0" "$1"' _ {} \
  | tar --null -T - -cf -) > "$work/tree.tar"
for build in a b; do
  dir=$work/$build/bam
  mkdir -p "$dir"
  tar -xf "$work/tree.tar" -C "$dir"
  start=$SECONDS
  (cd "$dir" && mvn -B -q -Prelease -DskipTests "$@" package) > "$work/$build.log" 2>&1 \
    || { cat "$work/$build.log"; echo "build $build failed" >&2; exit 1; }
  echo "build $build: $dir, $((SECONDS - start)) s"
done

list() { (cd "$1" && find . -path '*/target/*' -name '*.jar' -not -path '*/target/lib/*' | sort); }
if [[ $(list "$work/a/bam") != $(list "$work/b/bam") ]]; then
  diff <(list "$work/a/bam") <(list "$work/b/bam") || true
  echo "the two builds made different sets of jars" >&2
  exit 1
fi
differ=0 count=0
while read -r jar; do
  a=$(sha256sum < "$work/a/bam/$jar" | cut -c1-64)
  b=$(sha256sum < "$work/b/bam/$jar" | cut -c1-64)
  count=$((count + 1))
  if [[ $a == "$b" ]]; then
    echo "same    $a  ${jar#./}"
  else
    echo "DIFFER  $a $b  ${jar#./}"
    differ=$((differ + 1))
  fi
done < <(list "$work/a/bam")
if ((count == 0)); then
  echo "no jars were built" >&2
  exit 1
fi
if ((differ > 0)); then
  echo "$differ of $count jars differ between two builds of the same tree" >&2
  echo "(KEEP=1 keeps both folders; diffoscope or unzip -l on the pair shows what changed)" >&2
  exit 1
fi
echo "all $count jars byte-identical across two clean builds in different folders"
