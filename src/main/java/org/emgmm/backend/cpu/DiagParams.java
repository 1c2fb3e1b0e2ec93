package org.emgmm.backend.cpu;

/**
 * The diag and spherical vector kernels' pass constants ({@link DiagDoubleKernel}, {@link VectorParams}): the
 * shared ones and the packed pairs (p, −μp) of their feature loops.
 */
final class DiagParams extends VectorParams {
    /** Per component and feature the pair (p, −μp), K×D×2, for the kernels' feature loops. */
    final double[] diagPacked;
    /** (p, −μp) of the float-rounded values, in float; null for a double kernel. */
    final float[] diagPackedF;

    /**
     * @param p the pass's constants (diag or spherical)
     * @param last the values a kernel holds (or null)
     * @param forFloat whether for a float kernel (the reference rounded to float, and the float copies)
     * @return {@code last} when it was derived from {@code p}, else the values for {@code p}
     */
    static DiagParams of(Params p, DiagParams last, boolean forFloat) {
        return last != null && last.source == p ? last : new DiagParams(p, reference(p, forFloat), forFloat);
    }

    private DiagParams(Params p, double[] ref, boolean forFloat) {
        super(p, ref, distances(p, ref), forFloat);
        int n = p.k * p.d;
        diagPacked = new double[2 * n];
        for (int i = 0; i < n; i++) {
            diagPacked[2 * i] = p.prec[i];
            diagPacked[2 * i + 1] = -(p.means[i] * p.prec[i]);
        }
        if (forFloat) {
            diagPackedF = new float[2 * n];
            for (int i = 0; i < n; i++) {
                diagPackedF[2 * i] = p.precF[i];
                diagPackedF[2 * i + 1] = -(p.meansF[i] * p.precF[i]);
            }
        } else {
            diagPackedF = null;
        }
    }

    /** Σₐ ((μⱼₐ − refₐ) pⱼₐ)² per component. */
    private static double[] distances(Params p, double[] ref) {
        int k = p.k;
        int d = p.d;
        double[] dist2 = new double[k];
        for (int j = 0; j < k; j++) {
            double dist = 0;
            for (int c = 0; c < d; c++) {
                double y = (p.means[j * d + c] - ref[c]) * p.prec[j * d + c];
                dist += y * y;
            }
            dist2[j] = dist;
        }
        return dist2;
    }
}
