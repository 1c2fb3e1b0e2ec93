#!/usr/bin/env bash
# Time to result: the whole `emgmm fit` process against scikit-learn's np.load + GaussianMixture.fit, from the same
# start model, 20 EM iterations with tol 0, float64, measured alternately in the same run (issue 9, part 2).
#
#   bench/sklearn/time-to-result.sh            # 3 repetitions of each case (about 10 minutes on 2 idle cores)
#   REPS=1 bench/sklearn/time-to-result.sh     # quicker
#   BASELINE_JAR=old/emgmm.jar bench/sklearn/time-to-result.sh   # also times another build (plain flags), alternately
#   SKIP_BUILD=1 EMGMM_BENCH_BUILD_DIR=.gpu PY=python3 RESULTS_DIR=out bench/sklearn/time-to-result.sh
#       # a build made elsewhere (its launcher, jar, JIT directives and CDS archive in that folder; no Maven, as on the
#       # GPU machine: bench/gpu-check.sh's "ttr" stage), another Python, the reports written elsewhere
#
# Cases: diag N=1,000,000 D=16 K=16 and full N=200,000 D=16 K=16; data and start from bench/sklearn/ttr_data.py
# (the synthetic mixture of sklearn_bench.py, saved as .npy; the start: K rows as means, the data's variances).
# emgmm: the process as a user runs it, timed from outside (wall clock from fork to exit), through the launcher
#     $BUILD/emgmm fit --input x.npy --init-model start.json --max-iter 20 --tol 0
#   (the summary on stdout included), with the launcher's JIT options and the class-data-sharing archive that
#   `mvn package` builds beside the jar; -Demgmm.progress.everyIteration=true makes the progress on stderr list every
#   iteration's time (first iteration against the later ones). Also timed, for the record only: the same with
#   --quiet --output m.json (no summary), and `--max-iter 0` (start-up, reading, warm-up, summary: all but the
#   iterations).
# scikit-learn: bench/sklearn/sklearn_fit.py: np.load + GaussianMixture(weights_init, means_init, precisions_init,
#   max_iter=20, tol=0).fit, timed inside the process (so Python's start-up and imports, about 1-2 s, are NOT
#   charged to scikit-learn; the whole process time is recorded beside it). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
#   are unset for scikit-learn's command alone (this machine's environment sets them to an older kernel); the BLAS
#   kernel threadpoolctl reports is recorded.
# Ratio per repetition: scikit-learn's load+fit seconds / emgmm's whole process seconds; the median is reported.
# Writes bench/results/time-to-result.json and bench/results/time-to-result.md (bench/sklearn/ttr_report.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${EMGMM_BENCH_BUILD_DIR:-target-bench}"
REPS="${REPS:-3}"
PY="${PY:-/usr/bin/python3}"
SKL=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY")
OUT="${RESULTS_DIR:-bench/results}"
mkdir -p "$OUT"
RAW="$(mktemp)"
trap 'rm -f "$RAW"' EXIT

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -DbuildDir="$BUILD" package -Dmaven.test.skip=true
fi
JAR="$BUILD/emgmm.jar"
test -s "$BUILD/emgmm.jsa" || echo "warning: no CDS archive $BUILD/emgmm.jsa (mvn package makes it)" >&2
# the launcher's java command line, for the record
JAVA_HOME_17="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JSIG="$JAVA_HOME_17/lib/libjsig.so"   # the launcher preloads it itself; for BASELINE_JAR's plain java
FLAGS=("$(EMGMM_JAVA=echo "$BUILD/emgmm" fit | sed 's/ -jar .*//')")
EMGMM=("$BUILD/emgmm")
export EMGMM_JAVA_OPTS="${EMGMM_JAVA_OPTS:-} -Demgmm.progress.everyIteration=true"

DATA="$BUILD/ttr-data"
mkdir -p "$DATA"
for case in "diag 1000000" "full 200000"; do
  set -- $case
  if [ ! -s "$DATA/$1.npy" ] || [ ! -s "$DATA/$1.json" ]; then
    (cd bench/sklearn && "$PY" ttr_data.py --n "$2" --d 16 --k 16 --covariance "$1" --seed 1 \
        --data "../../$DATA/$1.npy" --start "../../$DATA/$1.json")
  fi
done

now() { date +%s.%N; }
# runs emgmm, prints {"s": wall seconds, "cpu_s": user+sys seconds, "lower_bound": ...}
run_emgmm() {
  local log t0 t1
  log="$(mktemp)"
  t0=$(now)
  local cmd=("${EMGMM[@]}")
  if [ -n "${EMGMM_CMD:-}" ]; then read -r -a cmd <<< "$EMGMM_CMD"; fi
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "CPU %U %S" -o "$log.time" "${cmd[@]}" "$@" >"$log" 2>"$log.err"
    t1=$(now)
  else # bash's times: the second line is the children's user and system time, e.g. "0m2.512s 0m0.410s"
    ( "${cmd[@]}" "$@" >"$log" 2>"$log.err"; times >"$log.times" ) # (times in a pipeline would see no children)
    t1=$(now)
    sed -n 2p "$log.times" | sed 's/\([0-9]*\)m\([0-9.]*\)s/\1 \2/g' | awk '{print "CPU", $1 * 60 + $2, $3 * 60 + $4}' >"$log.time"
    rm -f "$log.times"
  fi
  "$PY" - "$t0" "$t1" "$log" "$log.time" <<'PYEOF'
import json, re, sys
t0, t1, log, tm = sys.argv[1:5]
out = open(log).read()
m = re.search(r"lower bound\s+(-?[0-9.eE+-]+)", out)
u, s = open(tm).read().split()[-2:]
# progress lines on stderr (not a terminal: the first iteration, then at most one a second): ms per iteration
its = [(int(a), float(b)) for a, b in re.findall(r"iter\s+(\d+)\s.*?([0-9.]+) ms/iter", open(log + ".err").read())]
print(json.dumps({"s": float(t1) - float(t0), "cpu_s": float(u) + float(s),
                  "lower_bound": float(m.group(1)) if m else None, "iteration_ms": its}))
PYEOF
  rm -f "$log" "$log.time" "$log.err"
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$REPS"); do
  for case in diag full; do
    x="$DATA/$case.npy"; st="$DATA/$case.json"
    echo "rep $rep: $case emgmm fit ..." >&2
    e=$(run_emgmm fit --input "$x" --init-model "$st" --max-iter 20 --tol 0)
    echo "rep $rep: $case scikit-learn ..." >&2
    t0=$(now)
    s=$("${SKL[@]}" bench/sklearn/sklearn_fit.py --data "$x" --start "$st" --max-iter 20 | tail -1)
    t1=$(now)
    echo "rep $rep: $case emgmm fit --quiet --output, and --max-iter 0 ..." >&2
    q=$(run_emgmm fit --input "$x" --init-model "$st" --max-iter 20 --tol 0 --quiet --output "$DATA/out.json")
    z=$(run_emgmm fit --input "$x" --init-model "$st" --max-iter 0)
    b=null
    if [ -n "${BASELINE_JAR:-}" ]; then
      echo "rep $rep: $case baseline $BASELINE_JAR ..." >&2
      b=$(EMGMM_CMD="env LD_PRELOAD=$JSIG java --add-modules jdk.incubator.vector -jar $BASELINE_JAR" \
          run_emgmm fit --input "$x" --init-model "$st" --max-iter 20 --tol 0)
    fi
    echo "{\"rep\": $rep, \"case\": \"$case\", \"emgmm\": $e, \"emgmm_quiet\": $q, \"emgmm_iter0\": $z," \
         "\"emgmm_baseline\": $b," \
         "\"sklearn\": $s, \"sklearn_process_s\": $(awk "BEGIN{print $t1 - $t0}")}" >> "$RAW"
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" bench/sklearn/ttr_report.py "$RAW" "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" "$REPS" "${FLAGS[*]}"
