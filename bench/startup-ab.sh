#!/usr/bin/env bash
# A/B of the whole `emgmm fit` process between two builds, each run through its own launcher (its JIT options and
# CDS archive), one after the other, REPS times: wall seconds, user+sys CPU seconds, the first iteration and the
# median of iterations 2-20 in ms (from the progress on stderr), for the time-to-result cases
#   fit --input x.npy --init-model start.json --max-iter 20 --tol 0            (summary on stdout included)
# CPU time moves less than wall time on a shared machine; the load average before each run is printed beside it.
#
#   BASE=target-old bench/startup-ab.sh          # BASE: a build directory with emgmm + emgmm.jar (+ emgmm.jsa),
#                                                # e.g. mvn -B -q -DbuildDir=target-old package -Dmaven.test.skip
#   NEW=target CASES="full" REPS=5 bench/startup-ab.sh
# The data: bench/sklearn/time-to-result.sh makes it (DATA, default target-bench/ttr-data, {diag,full}.{npy,json}).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BASE:?set BASE to the build directory to compare with}"
NEW="${NEW:-target}"
REPS="${REPS:-3}"
CASES="${CASES:-full diag}"
D="${DATA:-target-bench/ttr-data}"
ITER="${ITER:-20}"
T="$(mktemp)"; E="$(mktemp)"
trap 'rm -f "$T" "$E"' EXIT
for i in $(seq 1 "$REPS"); do
  for c in $CASES; do
    for b in "$BASE" "$NEW"; do
      l0=$(cut -d' ' -f1 /proc/loadavg)
      EMGMM_JAVA_OPTS="${EMGMM_JAVA_OPTS:-} -Demgmm.progress.everyIteration=true" /usr/bin/time -f "%U %S %e" -o "$T" \
        "$b/emgmm" fit --input "$D/$c.npy" --init-model "$D/$c.json" --max-iter "$ITER" --tol 0 > /dev/null 2> "$E"
      its=$(python3 - "$E" <<'PYEOF'
import re, statistics, sys
run = [(int(a), float(b)) for a, b in re.findall(r"iter\s+(\d+)\s.*?([0-9.]+) ms/iter", open(sys.argv[1]).read())]
t, prev = [], (0, 0.0)
for b, mb in run:  # the progress prints the mean so far: iteration b alone took m_b b - m_a a
    if b == prev[0] + 1:
        t.append(mb * b - prev[1] * prev[0])
    prev = (b, mb)
print("first %.0f ms, steady %.0f ms" % (t[0], statistics.median(t[1:])) if len(t) > 2 else "-")
PYEOF
)
      read -r u s w < "$T"
      echo "$i $c $b: wall $w s, cpu $(awk "BEGIN{print $u + $s}") s, $its, load $l0"
    done
  done
done
