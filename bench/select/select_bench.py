#!/usr/bin/python3
"""Inputs, the scikit-learn side and the report of bench/select/compare.sh (issue 16).

  select_bench.py data --n 100000 --d 8 --centers 5 --seed 0 --out x.npy
      make_blobs(n_samples=N, n_features=D, centers=C, random_state=seed), float64, C order, np.save.
  select_bench.py sklearn --input x.npy --k 1..8 --covariance all
      scikit-learn's model-selection loop: for each type (full, tied, diag, spherical order as emgmm's 'all') and
      each K: GaussianMixture(K, covariance_type=type, random_state=0).fit(X) then .bic(X); the lowest BIC wins.
      Prints one JSON line: the seconds of the loop (np.load included, Python start-up and imports not), the
      chosen K and type, every BIC, and the BLAS that threadpoolctl reports.
  select_bench.py report RAW.jsonl --md OUT.md
      The table of bench/results/select.md from the raw lines that compare.sh collected.
"""
import argparse
import json
import sys
import time

import numpy as np

TYPES = ["full", "tied", "diag", "spherical"]


def parse_ks(spec):
    out = set()
    for part in spec.split(","):
        if ".." in part:
            a, b = part.split("..")
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    return sorted(out)


def cmd_data(a):
    from sklearn.datasets import make_blobs
    x, _ = make_blobs(n_samples=a.n, n_features=a.d, centers=a.centers, random_state=a.seed)
    np.save(a.out, np.ascontiguousarray(x, dtype=np.float64))


def cmd_sklearn(a):
    from sklearn.mixture import GaussianMixture
    try:
        from threadpoolctl import threadpool_info
        blas = [{k: i.get(k) for k in ("internal_api", "architecture", "num_threads")} for i in threadpool_info()]
    except Exception as e:  # noqa: BLE001 - recorded, not fatal
        blas = str(e)
    types = TYPES if a.covariance == "all" else a.covariance.split(",")
    t0 = time.perf_counter()
    c0 = time.process_time()
    x = np.load(a.input)
    rows = []
    for ct in types:
        for k in parse_ks(a.k):
            g = GaussianMixture(k, covariance_type=ct, random_state=0).fit(x)
            rows.append({"type": ct, "k": k, "bic": g.bic(x), "n_iter": int(g.n_iter_)})
    s = time.perf_counter() - t0
    cpu = time.process_time() - c0
    best = min(rows, key=lambda r: r["bic"])
    print(json.dumps({"s": s, "cpu_s": cpu, "best_k": best["k"], "best_type": best["type"], "candidates": rows, "blas": blas}))


def cmd_report(a):
    runs = [json.loads(line) for line in open(a.raw) if line.strip()]
    cases = []
    for r in runs:
        if r["case"] not in cases:
            cases.append(r["case"])
    out = ["| case | candidates | emgmm select, whole process (s) | emgmm CPU s | scikit-learn loop (s) "
           "| scikit-learn CPU s | ratio (wall) | ratio (CPU s) | chosen: emgmm / scikit-learn "
           "| load avg (1 min) before: emgmm / sklearn |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for c in cases:
        em = [r for r in runs if r["case"] == c and r["who"] == "emgmm"]
        sk = [r for r in runs if r["case"] == c and r["who"] == "sklearn"]
        for i, e in enumerate(em):
            s = sk[i] if i < len(sk) else (sk[-1] if sk else None)
            ratio = s["s"] / e["s"] if s else float("nan")
            chosen = "k=%s %s / %s" % (e.get("best_k"), e.get("best_type"),
                                        ("k=%s %s" % (s["best_k"], s["best_type"])) if s else "-")
            cpu = "%.2f" % s["cpu_s"] if s and "cpu_s" in s else "-"
            cratio = "%.1f×" % (s["cpu_s"] / e["cpu_s"]) if s and "cpu_s" in s else "-"
            out.append("| %s | %s | %.2f | %.2f | %s | %s | %s | %s | %s | %s / %s |" % (
                c, e["candidates"], e["s"], e["cpu_s"], "%.2f" % s["s"] if s else "-", cpu,
                "%.1f×" % ratio if s else "-", cratio, chosen, e.get("load"), s.get("load") if s else "-"))
    text = "\n".join(out) + "\n"
    if a.md:
        with open(a.md, "w") as f:
            f.write(a.header.replace("\\n", "\n") if a.header else "")
            f.write(text)
    sys.stdout.write(text)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("data")
    d.add_argument("--n", type=int, required=True)
    d.add_argument("--d", type=int, required=True)
    d.add_argument("--centers", type=int, default=5)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--out", required=True)
    s = sub.add_parser("sklearn")
    s.add_argument("--input", required=True)
    s.add_argument("--k", required=True)
    s.add_argument("--covariance", default="all")
    r = sub.add_parser("report")
    r.add_argument("raw")
    r.add_argument("--md")
    r.add_argument("--header", default="")
    a = p.parse_args()
    {"data": cmd_data, "sklearn": cmd_sklearn, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
