#!/usr/bin/python3
"""Times scikit-learn's GaussianMixture per EM iteration, as emgmm's `bench` command times its own.

What is timed: one EM iteration exactly as GaussianMixture.fit runs it, i.e. `_e_step(X)` (log-densities,
log-sum-exp, log-responsibilities, mean log-likelihood) followed by `_m_step(X, log_resp)` (weights, means,
covariances, precision Cholesky factors). The model is first initialised by a fit with max_iter=1 from
init_params='random_from_data' (untimed), then `--warmup` iterations are run untimed and `--iters` iterations
are timed one by one; the median, min and mean are reported. float64 throughout.

The data: a seeded synthetic mixture of K Gaussians in D dimensions (means uniform in [-10, 10]^D, unit-ish
per-dimension scales), N rows, generated with numpy (not bitwise the same rows as emgmm's generator, but the
same shape; the time per iteration does not depend on the values).

Usage: sklearn_bench.py --n 1000000 --d 16 --k 16 --covariance diag --iters 5 [--warmup 1] [--seed 0]
Prints one JSON line.
"""
import argparse
import json
import platform
import statistics
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture


def synthetic(n, d, k, seed):
    rng = np.random.default_rng(seed)
    means = rng.uniform(-10, 10, size=(k, d))
    scales = rng.uniform(0.5, 2.0, size=(k, d))
    labels = rng.integers(0, k, size=n)
    return means[labels] + scales[labels] * rng.standard_normal((n, d))


def blas():
    """The BLAS libraries numpy uses and the kernel each chose (threadpoolctl), or why unknown."""
    try:
        from threadpoolctl import threadpool_info
        return [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                for i in threadpool_info() if i.get("user_api") == "blas"]
    except ImportError:
        return "threadpoolctl not installed"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--d", type=int, default=16)
    p.add_argument("--k", type=int, default=16)
    p.add_argument("--covariance", default="diag", choices=["full", "diag", "spherical", "tied"])
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    x = synthetic(a.n, a.d, a.k, a.seed)
    gm = GaussianMixture(n_components=a.k, covariance_type=a.covariance, max_iter=1, tol=0.0,
                         init_params="random_from_data", random_state=a.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x)
    times = []
    for it in range(a.warmup + a.iters):
        t0 = time.perf_counter()
        _, log_resp = gm._e_step(x)
        gm._m_step(x, log_resp)
        dt = time.perf_counter() - t0
        if it >= a.warmup:
            times.append(dt * 1000.0)
    print(json.dumps({
        "impl": "scikit-learn", "version": sklearn.__version__, "numpy": np.__version__,
        "timed": "_e_step + _m_step per iteration",
        "n": a.n, "d": a.d, "k": a.k, "covariance": a.covariance, "precision": "double",
        "iters": a.iters, "warmup": a.warmup,
        "ms_per_iter": statistics.median(times), "ms_min": min(times), "ms_mean": statistics.mean(times),
        "python": platform.python_version(), "blas": blas(),
    }))


if __name__ == "__main__":
    main()
