#!/usr/bin/python3
# Reference fits for emgmm's contract tests, computed with scikit-learn 1.2.1 (Debian python3-sklearn).
#
# Command that produced the committed JSON files (run from the repository root):
#
#   /usr/bin/python3 src/test/resources/reference/make_reference.py src/test/resources/reference
#
# For each data set (Old Faithful from src/main/resources/org/emgmm/faithful.csv, and three seeded synthetic
# mixtures whose data are written into the JSON so Java reads exactly the same numbers) and each covariance type,
# GaussianMixture is fitted from an explicit start (weights_init, means_init, precisions_init = inverse start
# covariances) with tol 1e-10, reg_covar 1e-6, max_iter 10000. Stored: the start, weights_, means_, covariances_,
# lower_bound_, n_iter_, converged_. Doubles are written with repr (shortest round-trip), i.e. full precision.
# Every case also holds score, bic, aic and _n_parameters of the fitted model on its data.
# For Old Faithful / full the file also holds score_samples, predict_proba, predict, score, bic, aic and
# _n_parameters of the fitted model on the same data.
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

TOL = 1e-10
REG = 1e-6
MAX_ITER = 10000
TYPES = ["full", "tied", "diag", "spherical"]


def read_faithful(path):
    rows = []
    with open(path) as f:
        next(f)  # header "eruptions","waiting"
        for line in f:
            if line.strip():
                rows.append([float(v) for v in line.split(",")])
    return np.array(rows)


def synthetic(seed, n, weights, means, covs):
    """Samples of a known mixture, in a seeded random order; returns data and the true parameters."""
    rng = np.random.default_rng(seed)
    weights = np.asarray(weights, dtype=float)
    means = np.asarray(means, dtype=float)
    covs = np.asarray(covs, dtype=float)
    counts = np.round(weights * n).astype(int)
    parts = [rng.multivariate_normal(means[j], covs[j], size=counts[j]) for j in range(len(weights))]
    x = np.concatenate(parts)
    x = x[rng.permutation(len(x))]
    # Round to 12 significant digits so the CSV-like JSON is compact; Java reads these exact values.
    x = np.array([[float("%.12g" % v) for v in row] for row in x])
    return x


def random_spd(rng, d, scale):
    a = rng.normal(size=(d, d))
    q, _ = np.linalg.qr(a)
    ev = scale * rng.uniform(0.3, 1.0, size=d)
    return (q * ev) @ q.T


def start_covariances(covs, ctype):
    """Covariances in the layout of the type, from K full matrices."""
    covs = np.asarray(covs)
    if ctype == "full":
        return covs
    if ctype == "tied":
        return covs.mean(axis=0)
    if ctype == "diag":
        return np.array([np.diag(c) for c in covs])
    return np.array([np.mean(np.diag(c)) for c in covs])


def precisions(cov, ctype):
    if ctype == "full":
        return np.array([np.linalg.inv(c) for c in cov])
    if ctype == "tied":
        return np.linalg.inv(cov)
    return 1.0 / cov


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def fit_case(x, ctype, w0, m0, c0):
    gm = GaussianMixture(n_components=len(w0), covariance_type=ctype, tol=TOL, reg_covar=REG,
                         max_iter=MAX_ITER, n_init=1, weights_init=w0, means_init=m0,
                         precisions_init=precisions(c0, ctype), random_state=0)
    gm.fit(x)
    if not gm.converged_:
        raise SystemExit("%s did not converge" % ctype)
    if np.min(gm.weights_) < 0.02:
        raise SystemExit("%s: a component has weight %g (degenerate)" % (ctype, np.min(gm.weights_)))
    case = {
        "covariance_type": ctype,
        "start": {"weights": flat(w0), "means": flat(m0), "covariances": flat(c0)},
        "expected": {
            "weights": flat(gm.weights_),
            "means": flat(gm.means_),
            "covariances": flat(gm.covariances_),
            "lower_bound": float(gm.lower_bound_),
            "n_iter": int(gm.n_iter_),
            "converged": bool(gm.converged_),
        },
    }
    return gm, case


def make_set(name, x, k, w0, m0, covs0, store_data, extra=None):
    cases = []
    for ctype in TYPES:
        c0 = start_covariances(covs0, ctype)
        gm, case = fit_case(x, ctype, w0, m0, c0)
        case["criteria"] = {"score": float(gm.score(x)), "bic": float(gm.bic(x)), "aic": float(gm.aic(x)),
                            "n_parameters": int(gm._n_parameters())}
        if extra is not None and ctype == "full":
            case["model_checks"] = extra(gm, x)
        cases.append(case)
        print("%-10s %-9s n_iter %4d lower_bound %.12f min weight %.3f"
              % (name, ctype, gm.n_iter_, gm.lower_bound_, np.min(gm.weights_)))
    out = {
        "name": name,
        "generator": "src/test/resources/reference/make_reference.py",
        "sklearn_version": sklearn.__version__,
        "tol": TOL, "reg_covar": REG, "max_iter": MAX_ITER,
        "n_samples": int(x.shape[0]), "n_features": int(x.shape[1]), "n_components": k,
        "data": flat(x) if store_data else None,
        "data_resource": None if store_data else "/org/emgmm/faithful.csv",
        "cases": cases,
    }
    return out


def model_checks(gm, x):
    return {
        "score_samples": flat(gm.score_samples(x)),
        "predict_proba": flat(gm.predict_proba(x)),
        "predict": [int(v) for v in gm.predict(x)],
        "score": float(gm.score(x)),
        "bic": float(gm.bic(x)),
        "aic": float(gm.aic(x)),
        "n_parameters": int(gm._n_parameters()),
    }


def perturbed_start(rng, weights, means, covs, mean_shift, cov_scale):
    k = len(weights)
    w0 = 0.5 * np.asarray(weights) + 0.5 / k
    w0 = w0 / w0.sum()
    m0 = np.asarray(means) + mean_shift * rng.normal(size=np.shape(means))
    c0 = cov_scale * np.asarray(covs, dtype=float)
    return w0, m0, c0


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    here = os.path.dirname(os.path.abspath(__file__))  # <root>/src/test/resources/reference
    root = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
    sets = []

    # Old Faithful, K = 2: a start near the two clusters, not the answer.
    x = read_faithful(os.path.join(root, "src/main/resources/org/emgmm/faithful.csv"))
    w0 = np.array([0.4, 0.6])
    m0 = np.array([[2.2, 57.0], [4.1, 78.0]])
    covs0 = np.array([[[0.2, 0.5], [0.5, 40.0]], [[0.3, 0.6], [0.6, 45.0]]])
    sets.append(make_set("faithful", x, 2, w0, m0, covs0, False, model_checks))

    # 1-D, K = 3.
    rng = np.random.default_rng(101)
    wt = [0.3, 0.5, 0.2]
    mt = [[-4.0], [0.5], [5.0]]
    ct = [[[1.0]], [[0.6]], [[1.5]]]
    x = synthetic(1, 600, wt, mt, ct)
    w0, m0, c0 = perturbed_start(rng, wt, mt, ct, 0.5, 1.6)
    sets.append(make_set("synthetic_1d_k3", x, 3, w0, m0, c0, True))

    # 2-D, K = 4.
    rng = np.random.default_rng(202)
    wt = [0.2, 0.3, 0.25, 0.25]
    mt = [[0.0, 0.0], [6.0, 1.0], [1.0, 7.0], [7.0, 8.0]]
    ct = [random_spd(rng, 2, 1.5) for _ in range(4)]
    x = synthetic(2, 800, wt, mt, ct)
    w0, m0, c0 = perturbed_start(rng, wt, mt, ct, 0.6, 1.8)
    sets.append(make_set("synthetic_2d_k4", x, 4, w0, m0, c0, True))

    # 8-D, K = 5.
    rng = np.random.default_rng(808)
    wt = [0.15, 0.25, 0.2, 0.2, 0.2]
    mt = 2.0 * rng.normal(size=(5, 8))
    ct = [random_spd(rng, 8, 2.0) for _ in range(5)]
    x = synthetic(8, 1000, wt, mt, ct)
    w0, m0, c0 = perturbed_start(rng, wt, mt, ct, 0.8, 1.5)
    sets.append(make_set("synthetic_8d_k5", x, 5, w0, m0, c0, True))

    for s in sets:
        path = os.path.join(out_dir, s["name"] + ".json")
        with open(path, "w") as f:
            # json writes floats with repr: the shortest string that reads back to the same double.
            json.dump(s, f, separators=(",", ":"))
            f.write("\n")
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
