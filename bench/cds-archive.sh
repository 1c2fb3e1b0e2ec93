#!/usr/bin/env bash
# Creates a class-data-sharing archive (AppCDS, JDK 13+ dynamic archive) for an emgmm jar, so that later runs map
# the classes emgmm loads (picocli excepted: its classes are Java 5 bytecode, which CDS does not take), the Vector
# API's and Jackson's among them, instead of loading, verifying and linking them again: about 0.4 s of CPU less at
# start-up on the 2-core development machine (bench/jvm-flags.txt).
#
#   bench/cds-archive.sh target/emgmm.jar [target/emgmm.jsa]
#
# The archive belongs to that jar (path and modification time) and to that JVM: rebuild it after either changes (a
# stale one is ignored by the JVM, with a warning unless -Xlog:cds=off). The training run (the one archived) is a
# warm start as a user runs it: a CSV file and a model file in (Jackson), a fit on the CPU backend, the model out.
set -euo pipefail
JAR="${1:?usage: cds-archive.sh JAR [ARCHIVE]}"
JSA="${2:-${JAR%.jar}.jsa}"
JAVA="${JAVA:-java}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
rm -f "$JSA"
# the same module options as the runs that will use it; every fit here is tiny (well under a second of work)
EMGMM=("$JAVA" --add-modules jdk.incubator.vector -jar "$JAR")
"${EMGMM[@]}" fit --k 2 --max-iter 5 --quiet --output "$TMP/start.json" 2>/dev/null
"${EMGMM[@]}" sample --model "$TMP/start.json" --n 2000 --seed 1 > "$TMP/x.csv" 2>/dev/null
"$JAVA" --add-modules jdk.incubator.vector -XX:ArchiveClassesAtExit="$JSA" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -jar "$JAR" fit --input "$TMP/x.csv" --init-model "$TMP/start.json" --max-iter 5 --tol 0 --quiet \
  --output "$TMP/m.json" 2>/dev/null
test -s "$JSA"
echo "$JSA"
