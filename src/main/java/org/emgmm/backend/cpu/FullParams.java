package org.emgmm.backend.cpu;

/**
 * The full and tied vector kernels' pass constants ({@link FullDoubleKernel}, {@link VectorParams}): the shared
 * ones, the means' offsets from the reference through Uⱼ and each Uⱼ packed for the column-pair loops.
 */
final class FullParams extends VectorParams {
    /** (μⱼ − ref)ᵀUⱼ, K×D, so that (x − μⱼ)ᵀUⱼ = (x − ref)ᵀUⱼ − (μⱼ − ref)ᵀUⱼ. */
    final double[] refY;
    /**
     * Each Uⱼ's upper triangle packed for the kernels' column-pair loops, {@link #uPackedStride} per component: per
     * column pair (c, c+1) the rows r ≤ c as U_rc, U_r,c+1, then U_c+1,c+1; for odd D the last column's U_rc.
     */
    final double[] uPacked;
    final int uPackedStride;
    /** Float kernels: {@link #refY} and {@link #uPacked} in float; null for a double kernel. */
    final float[] refYF;
    final float[] uPackedF;

    /**
     * @param p the pass's constants (full or tied)
     * @param last the values a kernel holds (or null)
     * @param forFloat whether for a float kernel (the reference rounded to float, and the float copies)
     * @return {@code last} when it was derived from {@code p}, else the values for {@code p}
     */
    static FullParams of(Params p, FullParams last, boolean forFloat) {
        if (last != null && last.source == p) {
            return last;
        }
        double[] ref = reference(p, forFloat);
        return new FullParams(p, ref, offsets(p, ref), forFloat);
    }

    private FullParams(Params p, double[] ref, double[] refY, boolean forFloat) {
        super(p, ref, distances(refY, p.k, p.d), forFloat);
        this.refY = refY;
        uPackedStride = p.d * (p.d + 1) / 2;
        uPacked = packUpper(p.prec, p.k, p.d, uPackedStride);
        refYF = forFloat ? toFloat(refY) : null;
        uPackedF = forFloat ? toFloat(uPacked) : null;
    }

    /** (μⱼ − ref)ᵀUⱼ per component, K×D. */
    private static double[] offsets(Params p, double[] ref) {
        int k = p.k;
        int d = p.d;
        double[] refY = new double[k * d];
        double[] e = new double[d];
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                e[a] = p.means[j * d + a] - ref[a];
            }
            for (int c = 0; c < d; c++) {
                double y = 0;
                for (int r = 0; r <= c; r++) {
                    y += e[r] * p.prec[j * d * d + r * d + c];
                }
                refY[j * d + c] = y;
            }
        }
        return refY;
    }

    /** ‖(μⱼ − ref)ᵀUⱼ‖² per component. */
    private static double[] distances(double[] refY, int k, int d) {
        double[] dist2 = new double[k];
        for (int j = 0; j < k; j++) {
            double dist = 0;
            for (int c = 0; c < d; c++) {
                double y = refY[j * d + c];
                dist += y * y;
            }
            dist2[j] = dist;
        }
        return dist2;
    }

    private static double[] packUpper(double[] prec, int k, int d, int stride) {
        double[] up = new double[k * stride];
        for (int j = 0; j < k; j++) {
            int o = j * stride;
            int u = j * d * d;
            int c = 0;
            for (; c + 1 < d; c += 2) {
                for (int r = 0; r <= c; r++) {
                    up[o++] = prec[u + r * d + c];
                    up[o++] = prec[u + r * d + c + 1];
                }
                up[o++] = prec[u + (c + 1) * d + c + 1];
            }
            if (c < d) {
                for (int r = 0; r <= c; r++) {
                    up[o++] = prec[u + r * d + c];
                }
            }
        }
        return up;
    }
}
