#!/usr/bin/python3
# scikit-learn's own fits of the issue-14 cases (FloatCases): wine, breast cancer and digits (the CSVs written by
# export_sklearn_sets.py), each covariance type, from the explicit start: weights 1/K, the first sample of
# each class as the means, the data's covariance (ddof 1, + 0.1 I for digits) as the covariances (spherical: the
# mean of its diagonal; diag: its diagonal), tol 1e-10, reg_covar 1e-6, max_iter 10000. They anchor the double fit
# that the float tests compare against (FloatPrecisionTest#doubleFitMatchesScikitLearn).
#
# Command that produced the committed file (run from the repository root; scikit-learn 1.2.1, Debian):
#
#   /usr/bin/python3 src/test/resources/reference/make_sklearn_set_fits.py src/test/resources/reference
#
# Writes sklearn_set_fits.json: {"sklearn_version", "cases": [{"name": "wine/full", "n_iter", "converged",
# "lower_bound", "weights", "means", "covariances"}]} with doubles in repr (shortest round-trip).
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

SETS = ["sklearn_wine", "sklearn_breast_cancer", "sklearn_digits"]
TYPES = ["full", "tied", "diag", "spherical"]


def read(path):
    y, x = [], []
    with open(path) as f:
        next(f)
        for line in f:
            cells = line.strip().split(",")
            y.append(int(cells[0]))
            x.append([float(v) for v in cells[1:]])
    return np.array(y), np.array(x)


def start(x, y, ridge):
    k = y.max() + 1
    means = np.array([x[np.argmax(y == c)] for c in range(k)])
    cov = np.cov(x, rowvar=False, ddof=1) + ridge * np.eye(x.shape[1])
    return k, np.full(k, 1.0 / k), means, cov


def precisions(cov, t, k):
    if t == "full":
        return np.array([np.linalg.inv(cov)] * k)
    if t == "tied":
        return np.linalg.inv(cov)
    if t == "diag":
        return np.array([1.0 / np.diag(cov)] * k)
    return np.full(k, 1.0 / np.mean(np.diag(cov)))


def main(out_dir):
    cases = []
    for s in SETS:
        y, x = read(os.path.join(out_dir, s + ".csv"))
        k, w, m, cov = start(x, y, 0.1 if s == "sklearn_digits" else 0.0)
        for t in TYPES:
            g = GaussianMixture(n_components=k, covariance_type=t, tol=1e-10, reg_covar=1e-6, max_iter=10000,
                                weights_init=w, means_init=m, precisions_init=precisions(cov, t, k)).fit(x)
            cases.append({"name": s[len("sklearn_"):] + "/" + t, "n_iter": int(g.n_iter_),
                          "converged": bool(g.converged_), "lower_bound": float(g.lower_bound_),
                          "weights": g.weights_.tolist(), "means": g.means_.tolist(),
                          "covariances": np.asarray(g.covariances_).tolist()})
            print("%s/%s: %d iterations, lower bound %r" % (s, t, g.n_iter_, g.lower_bound_), file=sys.stderr)
    with open(os.path.join(out_dir, "sklearn_set_fits.json"), "w") as f:
        json.dump({"sklearn_version": sklearn.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
