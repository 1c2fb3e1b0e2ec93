#!/usr/bin/python3
"""scikit-learn's side of bench/sklearn/time-to-result.sh: np.load + GaussianMixture.fit from a start model.

Times, with time.perf_counter inside the process, `np.load(data)` followed by `GaussianMixture(...).fit(x)` with
weights_init, means_init and precisions_init from an emgmm model file (the start emgmm's --init-model reads),
max_iter iterations and tol=0 (so every iteration runs, as emgmm's --tol 0). init_params='random_from_data' is
the cheapest initialisation: the starting parameters replace what it computes. Python's start-up and imports are
not in the timed part (the caller times the whole process too).

Usage: sklearn_fit.py --data x.npy --start start.json --max-iter 20
Prints one JSON line: seconds for the load and the fit, the lower bound, versions and BLAS kernel.
"""
import argparse
import json
import time
import warnings

T_PROCESS = time.perf_counter()

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402

from sklearn_bench import blas  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--start", required=True)
    p.add_argument("--max-iter", type=int, default=20)
    a = p.parse_args()
    with open(a.start) as f:
        m = json.load(f)
    cov = np.asarray(m["covariances"], dtype=np.float64)
    precisions = 1.0 / cov if m["covariance_type"] == "diag" else np.linalg.inv(cov)

    t0 = time.perf_counter()
    x = np.load(a.data)
    t1 = time.perf_counter()
    gm = GaussianMixture(n_components=m["n_components"], covariance_type=m["covariance_type"],
                         max_iter=a.max_iter, tol=0.0, reg_covar=m.get("reg_covar", 1e-6),
                         init_params="random_from_data", random_state=0,
                         weights_init=np.asarray(m["weights"]), means_init=np.asarray(m["means"]),
                         precisions_init=precisions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x)
    t2 = time.perf_counter()
    print(json.dumps({
        "load_s": t1 - t0, "fit_s": t2 - t1, "load_fit_s": t2 - t0, "imports_s": t0 - T_PROCESS,
        "n_iter": int(gm.n_iter_), "lower_bound": float(gm.lower_bound_),
        "sklearn": sklearn.__version__, "numpy": np.__version__, "blas": blas(),
    }))


if __name__ == "__main__":
    main()
