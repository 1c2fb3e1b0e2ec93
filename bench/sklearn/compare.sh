#!/usr/bin/env bash
# Compares emgmm's CPU backend with scikit-learn per EM iteration, float64, in the same run on this machine.
#
#   bench/sklearn/compare.sh            # 3 interleaved repetitions of each case (about 3 minutes on 2 cores)
#   REPS=1 bench/sklearn/compare.sh     # quicker
#
# Cases (issue 2, "Speed"): diag N=1,000,000 D=16 K=16 and full N=200,000 D=16 K=16.
# emgmm: `emgmm bench` (fused pass + host M step per iteration), 12 timed iterations after 3 untimed ones: the
# ratio is taken on iterations 11-15 ("steady": the JIT has compiled the kernels; the first seconds of a process
# run partly interpreted), and also reported for iterations 4-8 ("early", the measure used before 2026-11-29).
# scikit-learn: bench/sklearn/sklearn_bench.py (_e_step + _m_step per iteration, median of 3 after 1 warm-up).
# Each repetition runs emgmm then scikit-learn back to back; the reported ratio is the median over repetitions of
# (scikit-learn ms / emgmm ms). Writes bench/results/cpu-vs-sklearn.json and bench/results/cpu-vs-sklearn.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${EMGMM_BENCH_BUILD_DIR:-target-bench}"
REPS="${REPS:-3}"
PY=/usr/bin/python3
# scikit-learn at its best: this machine's environment sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE to an older
# kernel; they are unset for scikit-learn's command alone (threadpoolctl in its JSON says which kernel ran).
SKL=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY")
OUT=bench/results
mkdir -p "$OUT"
RAW="$(mktemp)"
trap 'rm -f "$RAW"' EXIT

mvn -B -q -DbuildDir="$BUILD" package -Dmaven.test.skip=true
JAR="$BUILD/emgmm.jar"
JAVA=(java --add-modules jdk.incubator.vector -jar "$JAR")

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq 1 "$REPS"); do
  for case in "diag 1000000" "full 200000"; do
    set -- $case
    cov=$1; n=$2
    echo "rep $rep: $cov N=$n emgmm ..." >&2
    e=$("${JAVA[@]}" bench --backend cpu --n "$n" --d 16 --k 16 --covariance "$cov" --precision double \
         --iters 12 --warmup 3 --seed "$rep" --json 2>/dev/null | tail -1)
    echo "rep $rep: $cov N=$n scikit-learn ..." >&2
    s=$("${SKL[@]}" bench/sklearn/sklearn_bench.py --n "$n" --d 16 --k 16 --covariance "$cov" --iters 3 --warmup 1 \
         --seed "$rep" | tail -1)
    echo "{\"rep\": $rep, \"emgmm\": $e, \"sklearn\": $s}" >> "$RAW"
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$RAW" "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" "$REPS" <<'PYEOF'
import json, os, platform, statistics, subprocess, sys, datetime
raw, out, load_before, load_after, reps = sys.argv[1:6]
rows = [json.loads(l) for l in open(raw)]
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""
cases = []
for cov, n in (("diag", 1000000), ("full", 200000)):
    rs = [r for r in rows if r["emgmm"]["covariance"] == cov]
    steady = [statistics.median(r["emgmm"]["ms"][7:12]) for r in rs]
    early = [statistics.median(r["emgmm"]["ms"][0:5]) for r in rs]
    skl = [r["sklearn"]["ms_per_iter"] for r in rs]
    ratios = [s / e for s, e in zip(skl, steady)]
    early_ratios = [s / e for s, e in zip(skl, early)]
    cases.append({
        "covariance": cov, "n": n, "d": 16, "k": 16, "precision": "double",
        "target_ratio": 10 if cov == "diag" else 20,
        "emgmm_ms_per_iter": steady,
        "emgmm_ms_per_iter_early": early,
        "sklearn_ms_per_iter": skl,
        "ratios": ratios,
        "median_ratio": statistics.median(ratios),
        "early_ratios": early_ratios,
        "median_early_ratio": statistics.median(early_ratios),
        "emgmm_device": rs[0]["emgmm"]["device"],
    })
result = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "command": "bench/sklearn/compare.sh (REPS=%s)" % reps,
    "git_commit": sh("git rev-parse --short HEAD"),
    "machine": {
        "cpu": sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
        "cores": os.cpu_count(),
        "memory": sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"),
        "load_average_before": load_before, "load_average_after": load_after,
        "shared": "the benchmark itself adds about 2 to the load average; a load above 0.5 before the run means "
                  "other work was running on the machine",
    },
    "java": rows[0]["emgmm"]["java"],
    "sklearn": rows[0]["sklearn"]["version"], "numpy": rows[0]["sklearn"]["numpy"],
    "sklearn_blas": rows[0]["sklearn"].get("blas"),
    "python": platform.python_version(),
    "timed": {"emgmm": "emgmm bench: backend fused pass + host M step; steady: median of iterations 11-15 "
                       "of a run, early: median of iterations 4-8",
              "sklearn": "GaussianMixture._e_step + _m_step, median of 3 after 1 warm-up, from a 1-iteration "
                         "fit initialised with init_params='random_from_data'"},
    "cases": cases,
    "runs": rows,
}
json.dump(result, open(os.path.join(out, "cpu-vs-sklearn.json"), "w"), indent=2)
md = ["# emgmm CPU backend vs scikit-learn, per EM iteration (float64)", "",
      "Measured %s on %s (%d cores), Java %s, scikit-learn %s (numpy %s). Command: `%s`; commit %s." % (
          result["date"], result["machine"]["cpu"], result["machine"]["cores"], result["java"], result["sklearn"],
          result["numpy"], result["command"], result["git_commit"]),
      "Load average (1, 5, 15 min) before/after: %s / %s; the benchmark itself adds about 2 (both cores)%s." % (
          load_before, load_after,
          "; other work was running on the machine around the run, so it may have been shared"
          if max(float(v) for v in load_before.split()) > 0.5 else ""),
      "", "| case | emgmm ms/iter, steady | scikit-learn ms/iter | ratio (median) | target "
      "| emgmm ms/iter, early | early ratio |", "|---|---|---|---|---|---|---|"]
for c in cases:
    md.append("| %s N=%d D=16 K=16 | %s | %s | **%.1f×** | %d× | %s | %.1f× |" % (
        c["covariance"], c["n"], ", ".join("%.0f" % v for v in c["emgmm_ms_per_iter"]),
        ", ".join("%.0f" % v for v in c["sklearn_ms_per_iter"]), c["median_ratio"], c["target_ratio"],
        ", ".join("%.0f" % v for v in c["emgmm_ms_per_iter_early"]), c["median_early_ratio"]))
md += ["", "emgmm device: %s. What is timed: %s; scikit-learn: %s." % (
    cases[0]["emgmm_device"], result["timed"]["emgmm"], result["timed"]["sklearn"])]
open(os.path.join(out, "cpu-vs-sklearn.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
PYEOF
