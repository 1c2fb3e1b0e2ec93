#!/usr/bin/env bash
# Creates the class-data-sharing archive (AppCDS, JDK 13+ dynamic archive) of an emgmm jar, which the launcher maps
# at every start when it lies beside the jar: the classes emgmm loads (picocli excepted: its classes are Java 5
# bytecode, which CDS does not take) — the Vector API's, with the lambda classes and method-handle forms its kernels
# spin, Jackson's, emgmm's — are then neither loaded, verified and linked nor generated again. `mvn package` runs
# this script (pom.xml, execution cds-archive); run it by hand for a jar built or installed otherwise.
#
#   bench/cds-archive.sh target/emgmm.jar [target/emgmm.jsa]
#
# The archive belongs to that jar (path, size and modification time) and to that JVM: rebuild it after either
# changes (a stale one is ignored; the launcher's -Xlog options keep the JVM quiet about it). The training run is
# org.emgmm.cli.CdsTraining: fits (npy and CSV, diag and full, double and float, a warm start), predict and score
# on small data, in one JVM started as the launcher starts it (the Java it finds, libjsig preloaded). A few seconds.
set -euo pipefail
JAR="${1:?usage: cds-archive.sh JAR [ARCHIVE]}"
JSA="${2:-${JAR%.jar}.jsa}"
# the archive records the class path as given, and the JVM checks it from the working directory it runs in: the
# jar's absolute path (the launcher's -jar path) lets the archive serve from any directory, not only the one the
# build ran in (with mvn's relative target/emgmm.jar, a fit started elsewhere ran without it: "Required classpath
# entry does not exist" under -Xlog:cds)
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"
HERE="$(cd "$(dirname "$0")" && pwd)"
LAUNCHER="$HERE/../src/main/dist/emgmm"
rm -f "$JSA" "$JSA.tmp"
# the launcher's `java` mode: same Java, same module options, libjsig; the archive is written at exit
EMGMM_JAR="$JAR" "$LAUNCHER" java -XX:ArchiveClassesAtExit="$JSA.tmp" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -cp "$JAR" org.emgmm.cli.CdsTraining
test -s "$JSA.tmp"
mv -f "$JSA.tmp" "$JSA"
echo "$JSA"
