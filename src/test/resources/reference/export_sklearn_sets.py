#!/usr/bin/python3
# Exports three data sets bundled with scikit-learn (no download) as CSV test resources for FloatPrecisionTest:
# wine (178 x 13, 3 classes), breast cancer (569 x 30, 2 classes), digits (1797 x 64, 10 classes).
#
# Command that produced the committed files (run from the repository root):
#
#   /usr/bin/python3 src/test/resources/reference/export_sklearn_sets.py src/test/resources/reference
#
# Each file: a header "class,<feature names>", then one row per sample: the class label, then the features written
# with repr (shortest round-trip of the float64 value), so Java reads exactly scikit-learn's numbers.
import os
import sys

import sklearn
from sklearn import datasets

SETS = {
    "sklearn_wine": datasets.load_wine,
    "sklearn_breast_cancer": datasets.load_breast_cancer,
    "sklearn_digits": datasets.load_digits,
}


def main(out_dir):
    for name, load in SETS.items():
        b = load()
        x, y = b.data, b.target
        names = [str(f).replace(",", " ") for f in getattr(b, "feature_names", [])]
        if len(names) != x.shape[1]:
            names = ["f%d" % a for a in range(x.shape[1])]
        path = os.path.join(out_dir, name + ".csv")
        with open(path, "w") as f:
            f.write("class," + ",".join(names) + "\n")
            for label, row in zip(y, x):
                f.write(str(int(label)) + "," + ",".join(repr(float(v)) for v in row) + "\n")
        print("%s: %d x %d, %d classes (scikit-learn %s)" % (path, x.shape[0], x.shape[1], len(set(y)),
                                                             sklearn.__version__))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
