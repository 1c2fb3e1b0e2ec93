#!/usr/bin/python3
"""Writes N rows x D float32 (raw, little-endian, C order) drawn from a K-component diagonal Gaussian mixture,
in chunks (memory bounded), for timing emgmm on files larger than memory allows in one array.

usage: make_raw.py OUT N [D=16] [K=16] [SEED=0]
"""
import sys
import numpy as np

out, n = sys.argv[1], int(float(sys.argv[2]))
d = int(sys.argv[3]) if len(sys.argv) > 3 else 16
k = int(sys.argv[4]) if len(sys.argv) > 4 else 16
rng = np.random.default_rng(int(sys.argv[5]) if len(sys.argv) > 5 else 0)
means = rng.normal(0, 8, size=(k, d)).astype(np.float32)
sds = rng.uniform(0.5, 1.5, size=(k, d)).astype(np.float32)
chunk = 1 << 20
with open(out, "wb") as f:
    for s in range(0, n, chunk):
        m = min(chunk, n - s)
        lab = rng.integers(0, k, size=m)
        x = rng.standard_normal(size=(m, d), dtype=np.float32) * sds[lab] + means[lab]
        f.write(np.ascontiguousarray(x, dtype="<f4").tobytes())
