#!/usr/bin/env bash
# Reads every file of a GLUE directory with the library's reader (column counts, labels, ids, UTF-8, empty
# files) and prints the row counts; fails on the first bad file. A manual check that the reader's checks pass
# on real GLUE data: the mvn tests build their own small files and never read ../shared.
# Usage: bench/glue-check.sh [glue-dir]      (default ../shared/glue-lite)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
glue=${1:-$root/../shared/glue-lite}
jar=$root/bam-examples/target/bam.jar
[[ -f $jar ]] || (cd "$root" && mvn -B -q -DskipTests package)
java -cp "$jar:$root/bam-examples/target/lib/*" "$root/bench/GlueCheck.java" "$glue"
