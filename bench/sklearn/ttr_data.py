#!/usr/bin/python3
"""Writes the inputs of bench/sklearn/time-to-result.sh: a data file and a start model both programs fit from.

The data: the seeded synthetic mixture of sklearn_bench.py (K Gaussians in D dimensions, means uniform in
[-10, 10]^D, per-dimension scales in [0.5, 2]), N rows, float64, C order, saved with np.save.
The start: weights 1/K, the means K distinct rows drawn with the seed (scikit-learn's 'random_from_data'), and
every covariance the data's per-feature variance (diagonal; for 'full' a diagonal matrix), written as an emgmm
model file (the format of DESIGN.md, names as scikit-learn's).

Usage: ttr_data.py --n 1000000 --d 16 --k 16 --covariance diag --seed 1 --data x.npy --start start.json
"""
import argparse
import json

import numpy as np

from sklearn_bench import synthetic


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--covariance", choices=["diag", "full"], required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", required=True)
    p.add_argument("--start", required=True)
    a = p.parse_args()

    x = synthetic(a.n, a.d, a.k, a.seed)
    np.save(a.data, np.ascontiguousarray(x, dtype=np.float64))
    rng = np.random.default_rng(a.seed + 1000)
    means = x[rng.choice(a.n, size=a.k, replace=False)]
    var = x.var(axis=0)
    if a.covariance == "diag":
        cov = [list(map(float, var)) for _ in range(a.k)]
    else:
        cov = [np.diag(var).tolist() for _ in range(a.k)]
    model = {"format": "emgmm-model", "version": 1, "covariance_type": a.covariance,
             "n_components": a.k, "n_features": a.d,
             "weights": [1.0 / a.k] * a.k, "means": means.tolist(), "covariances": cov,
             "converged": False, "n_iter": 0, "reg_covar": 1e-6}
    with open(a.start, "w") as f:
        json.dump(model, f)


if __name__ == "__main__":
    main()
