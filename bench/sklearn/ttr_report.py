#!/usr/bin/python3
"""Writes bench/results/time-to-result.{json,md} from the raw rows of bench/sklearn/time-to-result.sh.

Usage: ttr_report.py RAW OUT_DIR LOAD_BEFORE LOAD_AFTER REPS FLAGS
       ttr_report.py --from-json bench/results/time-to-result.json OUT_DIR   (rewrite the report of a past run)
RAW has one JSON object per line: rep, case, emgmm, emgmm_quiet, emgmm_iter0, emgmm_baseline (or null), sklearn,
sklearn_process_s.
"""
import json, os, platform, statistics, subprocess, sys, datetime
if sys.argv[1] == "--from-json":
    past = json.load(open(sys.argv[2]))
    out = sys.argv[3]
    rows = past["runs"]
    load_before = past["machine"]["load_average_before"]
    load_after = past["machine"]["load_average_after"]
    reps = past["command"].split("REPS=")[1].rstrip(")")
    flags = past["jvm_flags"]
    date, commit, java = past["date"], past["git_commit"], past["java"]
else:
    raw, out, load_before, load_after, reps, flags = sys.argv[1:7]
    rows = [json.loads(l) for l in open(raw)]
    date = commit = java = None
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""
def per_iteration(run):
    # progress reports the mean ms per iteration so far (every iteration with -Demgmm.progress.everyIteration):
    # iteration b alone took m_b b - m_a a after the report of iteration a
    out, prev = [], (0, 0.0)
    for b, mb in run:
        a, ma = prev
        if b == a + 1:
            out.append(mb * b - ma * a)
        prev = (b, mb)
    return out
def first_steady(run):
    t = per_iteration(run)
    if len(t) < 3:
        return None
    return t[0], statistics.median(t[1:])
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
        "first_and_steady_iteration_ms": [first_steady(r["emgmm"]["iteration_ms"]) for r in rs],
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
    "date": date or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "command": "bench/sklearn/time-to-result.sh (REPS=%s)" % reps,
    "git_commit": commit or os.environ.get("EMGMM_COMMIT") or sh("git rev-parse --short HEAD"),
    "jvm_flags": flags,
    "machine": {
        "cpu": sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
        "cores": os.cpu_count(),
        "memory": sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"),
        "load_average_before": load_before, "load_average_after": load_after,
    },
    "java": java or sh("'%s' -version 2>&1 | head -1" % os.environ.get("EMGMM_JAVA", "java")),
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
      "emgmm java command (the launcher's, `EMGMM_JAVA=echo emgmm fit`): `%s`." % result["jvm_flags"],
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
    parts = []
    for run in v:
        fs = first_steady(run)
        if fs:
            parts.append("%.0f / %.0f (%.1f×)" % (fs[0], fs[1], fs[0] / fs[1]))
    return "; ".join(parts)
md += ["", "First iteration / median of iterations 2-20, in ms, from the progress emgmm prints on stderr, per "
       "repetition (target: first ≤ 3× steady): " + " | ".join(
           "%s: %s" % (c["covariance"], its(c["emgmm_iteration_ms"])) for c in cases) + "."]
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
