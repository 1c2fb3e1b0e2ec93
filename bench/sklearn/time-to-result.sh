#!/usr/bin/env bash
# Time to result: the whole `emgmm fit` process against scikit-learn's np.load + GaussianMixture.fit, from the same
# start model, 20 EM iterations with tol 0, float64, measured alternately in the same run (issue 9, part 2).
#
#   bench/sklearn/time-to-result.sh            # 3 repetitions of each case (about 10 minutes on 2 idle cores)
#   REPS=1 bench/sklearn/time-to-result.sh     # quicker
#   BASELINE_JAR=old/emgmm.jar bench/sklearn/time-to-result.sh   # also times another build (plain flags), alternately
#
# Cases: diag N=1,000,000 D=16 K=16 and full N=200,000 D=16 K=16; data and start from bench/sklearn/ttr_data.py
# (the synthetic mixture of sklearn_bench.py, saved as .npy; the start: K rows as means, the data's variances).
# emgmm: the process as a user runs it, timed from outside (wall clock from fork to exit):
#     LD_PRELOAD=libjsig.so java --add-modules jdk.incubator.vector <bench/jvm-flags.txt> -jar emgmm.jar \
#         fit --input x.npy --init-model start.json --max-iter 20 --tol 0
#   (the summary on stdout included); the flags' class-data-sharing archive is made first, untimed
#   (bench/cds-archive.sh, an install step). Also timed, for the record only: the same with --quiet --output m.json
#   (no summary), and `--max-iter 0` (start-up, reading, summary: everything but the iterations).
# scikit-learn: bench/sklearn/sklearn_fit.py: np.load + GaussianMixture(weights_init, means_init, precisions_init,
#   max_iter=20, tol=0).fit, timed inside the process (so Python's start-up and imports, about 1-2 s, are NOT
#   charged to scikit-learn; the whole process time is recorded beside it). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
#   are unset for scikit-learn's command alone (this machine's environment sets them to an older kernel); the BLAS
#   kernel threadpoolctl reports is recorded.
# Ratio per repetition: scikit-learn's load+fit seconds / emgmm's whole process seconds; the median is reported.
# Writes bench/results/time-to-result.json and bench/results/time-to-result.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${EMGMM_BENCH_BUILD_DIR:-target-bench}"
REPS="${REPS:-3}"
PY=/usr/bin/python3
SKL=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY")
OUT=bench/results
mkdir -p "$OUT"
RAW="$(mktemp)"
trap 'rm -f "$RAW"' EXIT

mvn -B -q -DbuildDir="$BUILD" package -Dmaven.test.skip=true
JAR="$BUILD/emgmm.jar"
JAVA_HOME_17="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JSIG="$JAVA_HOME_17/lib/libjsig.so"
JAR_DIR="$(cd "$(dirname "$JAR")" && pwd)"
FLAGS=()
while IFS= read -r line; do
  line="${line%%#*}"
  line="$(echo "$line" | xargs)"
  [ -n "$line" ] && FLAGS+=("${line//@JAR_DIR@/$JAR_DIR}")
done < bench/jvm-flags.txt
if printf '%s\n' "${FLAGS[@]}" | grep -q SharedArchiveFile; then
  LD_PRELOAD="$JSIG" bench/cds-archive.sh "$JAR" "$JAR_DIR/emgmm.jsa" >/dev/null
fi
EMGMM=(java --add-modules jdk.incubator.vector "${FLAGS[@]}" -jar "$JAR")

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
  LD_PRELOAD="$JSIG" /usr/bin/time -f "CPU %U %S" -o "$log.time" "${cmd[@]}" "$@" >"$log" 2>"$log.err"
  t1=$(now)
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
      b=$(EMGMM_CMD="java --add-modules jdk.incubator.vector -jar $BASELINE_JAR" \
          run_emgmm fit --input "$x" --init-model "$st" --max-iter 20 --tol 0)
    fi
    echo "{\"rep\": $rep, \"case\": \"$case\", \"emgmm\": $e, \"emgmm_quiet\": $q, \"emgmm_iter0\": $z," \
         "\"emgmm_baseline\": $b," \
         "\"sklearn\": $s, \"sklearn_process_s\": $(awk "BEGIN{print $t1 - $t0}")}" >> "$RAW"
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$RAW" "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" "$REPS" "${FLAGS[*]}" <<'PYEOF'
import json, os, platform, statistics, subprocess, sys, datetime
raw, out, load_before, load_after, reps, flags = sys.argv[1:7]
rows = [json.loads(l) for l in open(raw)]
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""
cases = []
for cov, n in (("diag", 1000000), ("full", 200000)):
    rs = [r for r in rows if r["case"] == cov]
    em = [r["emgmm"]["s"] for r in rs]
    sk = [r["sklearn"]["load_fit_s"] for r in rs]
    ratios = [s / e for s, e in zip(sk, em)]
    cases.append({
        "covariance": cov, "n": n, "d": 16, "k": 16, "precision": "double", "iterations": 20,
        "target_ratio": 8,
        "emgmm_process_s": em,
        "emgmm_cpu_s": [r["emgmm"]["cpu_s"] for r in rs],
        "emgmm_iteration_ms": [r["emgmm"]["iteration_ms"] for r in rs],
        "baseline_iteration_ms": [r["emgmm_baseline"]["iteration_ms"] for r in rs if r.get("emgmm_baseline")],
        "emgmm_quiet_output_process_s": [r["emgmm_quiet"]["s"] for r in rs],
        "emgmm_max_iter_0_process_s": [r["emgmm_iter0"]["s"] for r in rs],
        "sklearn_load_fit_s": sk,
        "sklearn_load_s": [r["sklearn"]["load_s"] for r in rs],
        "sklearn_process_s": [r["sklearn_process_s"] for r in rs],
        "ratios": ratios, "median_ratio": statistics.median(ratios),
        "quiet_ratios": [s / r["emgmm_quiet"]["s"] for s, r in zip(sk, rs)],
        "baseline_process_s": [r["emgmm_baseline"]["s"] for r in rs if r.get("emgmm_baseline")],
        "baseline_ratios": [s / r["emgmm_baseline"]["s"] for s, r in zip(sk, rs) if r.get("emgmm_baseline")],
        "lower_bound_emgmm": rs[0]["emgmm"]["lower_bound"],
        "lower_bound_sklearn": rs[0]["sklearn"]["lower_bound"],
    })
result = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "command": "bench/sklearn/time-to-result.sh (REPS=%s)" % reps,
    "git_commit": sh("git rev-parse --short HEAD"),
    "jvm_flags": "--add-modules jdk.incubator.vector " + flags,
    "machine": {
        "cpu": sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
        "cores": os.cpu_count(),
        "memory": sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"),
        "load_average_before": load_before, "load_average_after": load_after,
    },
    "java": sh("java -version 2>&1 | head -1"),
    "sklearn": rows[0]["sklearn"]["sklearn"], "numpy": rows[0]["sklearn"]["numpy"],
    "sklearn_blas": rows[0]["sklearn"]["blas"],
    "python": platform.python_version(),
    "cases": cases,
    "runs": rows,
}
json.dump(result, open(os.path.join(out, "time-to-result.json"), "w"), indent=2)
f2 = lambda v: ", ".join("%.2f" % x for x in v)
md = ["# Time to result: the whole emgmm fit process vs scikit-learn load + fit (float64, 20 iterations)", "",
      "Measured %s on %s (%d cores), %s, scikit-learn %s (numpy %s, BLAS %s). Command: `%s`; commit %s." % (
          result["date"], result["machine"]["cpu"], result["machine"]["cores"], result["java"], result["sklearn"],
          result["numpy"], json.dumps(result["sklearn_blas"]), result["command"], result["git_commit"]),
      "emgmm JVM flags: `%s`." % result["jvm_flags"],
      "Load average (1, 5, 15 min) before/after: %s / %s (the benchmark itself adds about 2)." % (
          load_before, load_after),
      "", "| case | emgmm process s | scikit-learn load+fit s | ratio (median) | target | emgmm, no summary s "
      "| emgmm --max-iter 0 s | scikit-learn process s |", "|---|---|---|---|---|---|---|---|"]
for c in cases:
    md.append("| %s N=%d D=16 K=16 | %s | %s | **%.1f×** | %d× | %s | %s | %s |" % (
        c["covariance"], c["n"], f2(c["emgmm_process_s"]), f2(c["sklearn_load_fit_s"]), c["median_ratio"],
        c["target_ratio"], f2(c["emgmm_quiet_output_process_s"]), f2(c["emgmm_max_iter_0_process_s"]),
        f2(c["sklearn_process_s"])))
if any(c["baseline_process_s"] for c in cases):
    md += ["", "Baseline build (`BASELINE_JAR`, run with --add-modules jdk.incubator.vector only), in the same "
           "loop: " + "; ".join("%s %s s, ratio %.1f×" % (c["covariance"], f2(c["baseline_process_s"]),
                                                         statistics.median(c["baseline_ratios"]))
                              for c in cases) + "."]
def its(v):
    return "; ".join(", ".join("%d: %.0f" % (i, ms) for i, ms in run) for run in v)
md += ["", "Milliseconds of the iterations emgmm reported on stderr (the first, then at most one a second; "
       "iteration: ms), per repetition: " + " | ".join("%s: %s" % (c["covariance"], its(c["emgmm_iteration_ms"]))
                                                      for c in cases) + "."]
if any(c["baseline_iteration_ms"] for c in cases):
    md += ["Baseline build, the same: " + " | ".join("%s: %s" % (c["covariance"], its(c["baseline_iteration_ms"]))
                                                    for c in cases) + "."]
md += ["", "Lower bounds after 20 iterations (emgmm / scikit-learn): " + "; ".join(
    "%s %.10f / %.10f" % (c["covariance"], c["lower_bound_emgmm"], c["lower_bound_sklearn"]) for c in cases) + ".",
    "", "emgmm: the whole `emgmm fit --input x.npy --init-model start.json --max-iter 20 --tol 0` process, wall "
    "clock from outside, summary on stdout included (its BIC/AIC pass too); 'no summary' adds `--quiet --output "
    "m.json`; `--max-iter 0` is everything but the iterations. scikit-learn: `np.load` + `GaussianMixture.fit` from "
    "the same start (weights_init, means_init, precisions_init; init_params='random_from_data', whose result the "
    "start replaces), timed inside the process; its whole process (Python start-up and imports too) beside it. "
    "Runs alternate emgmm and scikit-learn, case by case."]
open(os.path.join(out, "time-to-result.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
PYEOF
