#!/usr/bin/env bash
# Device work per row of one EM iteration of the OpenCL backend (float), counted by Oclgrind (a simulated OpenCL
# device that executes the kernels' LLVM IR): the IR instructions of all kernels, summed.
#
#   bench/oclgrind-counts.sh                 the three shapes of issue 10 (diag 16x16, full 16x16, full 32x32)
#   SHAPES="diag:16:16 tied:8:4" bench/oclgrind-counts.sh
#
# Each shape runs at two sizes, N1 and N2 rows (default 8192 and 16384, so that both use the same number of work-groups; org.emgmm.backend.opencl.OclgrindCounts,
# one pass after a CPU iteration gave it real parameters), and prints
#   per row   (count(N2) - count(N1)) / (N2 - N1): what each further row costs, setup and per-group work removed;
#   total/N2  everything counted at N2 divided by N2 (includes the dry launch at open and the per-work-group tails).
# Needs Oclgrind (/usr/lib/oclgrind/liboclgrind-rt-icd.so) and a build (mvn -q test-compile). About a minute.
# BUILD=target-mine reads the classes of a build made with mvn -DbuildDir=target-mine (default: target).
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${N1:-8192}
N2=${N2:-16384}
SHAPES=${SHAPES:-"diag:16:16 full:16:16 full:32:32"}
ICD=/usr/lib/oclgrind/liboclgrind-rt-icd.so
[ -f "$ICD" ] || { echo "Oclgrind not found ($ICD): apt-get install oclgrind" >&2; exit 2; }
VENDORS=$(mktemp -d)
trap 'rm -rf "$VENDORS"' EXIT
echo "$ICD" > "$VENDORS/oclgrind.icd"
BUILD=${BUILD:-target}
[ -f "$BUILD/test-classes/org/emgmm/backend/opencl/OclgrindCounts.class" ] || mvn -B -q -DbuildDir="$BUILD" test-compile
CPFILE=$BUILD/oclgrind-classpath.txt
[ -s "$CPFILE" ] || mvn -B -q -DbuildDir="$BUILD" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null
CP="$BUILD/classes:$BUILD/test-classes:$(cat "$CPFILE")"
JSIG=/usr/lib/jvm/java-17-openjdk-amd64/lib/libjsig.so
[ -f "$JSIG" ] && export LD_PRELOAD="$JSIG"

count() { # type d k n -> total IR instructions of every kernel launched
  OCL_ICD_VENDORS="$VENDORS" OCL_ICD_FILENAMES= OCLGRIND_INST_COUNTS=1 \
    java -cp "$CP" org.emgmm.backend.opencl.OclgrindCounts "$@" > "$VENDORS/out.txt" 2>&1 \
    || { cat "$VENDORS/out.txt" >&2; exit 1; }
  grep -q "^plan " "$VENDORS/out.txt" && grep "^plan " "$VENDORS/out.txt" >&2
  awk '/^ *[0-9]+ - /{s += $1} END {print s}' "$VENDORS/out.txt"
}

printf "%-16s %12s %12s %10s\n" shape per-row total/N2 "(N1,N2)"
for s in $SHAPES; do
  IFS=: read -r type d k <<< "$s"
  c1=$(count "$type" "$d" "$k" "$N1")
  c2=$(count "$type" "$d" "$k" "$N2")
  printf "%-16s %12.0f %12.0f %10s\n" "$type D=$d K=$k" "$(echo "($c2 - $c1) / ($N2 - $N1)" | bc -l)" \
    "$(echo "$c2 / $N2" | bc -l)" "($N1,$N2)"
done
