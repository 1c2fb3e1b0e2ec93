#!/usr/bin/env bash
# A/B of the whole `emgmm fit` process between two builds, without the summary: user+sys CPU seconds and wall
# seconds of `fit --input x.npy --init-model start.json --max-iter 20 --tol 0 --quiet --output m.json`, for
# BASE_JAR (plain flags), this build (plain flags) and this build with bench/jvm-flags.txt's CDS archive, run
# one after the other, REPS times. CPU time moves less than wall time on a shared machine.
#
#   BASE_JAR=/path/to/old/emgmm.jar bench/startup-ab.sh        # after bench/sklearn/time-to-result.sh has made
#                                                             # target-bench/emgmm.jar, its archive and the data
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASE_JAR:?set BASE_JAR to the build to compare with}"
REPS="${REPS:-3}"
JSIG="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libjsig.so"
D=target-bench/ttr-data
NEW=target-bench/emgmm.jar
CDS="-XX:SharedArchiveFile=$PWD/target-bench/emgmm.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
T="$(mktemp)"; O="$(mktemp)"
trap 'rm -f "$T" "$O"' EXIT
for i in $(seq 1 "$REPS"); do
  for c in full diag; do
    for v in "base|$BASE_JAR|" "new|$NEW|" "new+cds|$NEW|$CDS"; do
      IFS='|' read -r name jar flags <<< "$v"
      l0=$(cut -d' ' -f1 /proc/loadavg)
      # shellcheck disable=SC2086
      LD_PRELOAD="$JSIG" /usr/bin/time -f "%U %S %e" -o "$T" java --add-modules jdk.incubator.vector $flags \
        -jar "$jar" fit --input "$D/$c.npy" --init-model "$D/$c.json" --max-iter 20 --tol 0 --quiet \
        --output "$O" > /dev/null 2>&1
      echo "$i $c $name user/sys/wall: $(cat "$T") load $l0"
    done
  done
done
