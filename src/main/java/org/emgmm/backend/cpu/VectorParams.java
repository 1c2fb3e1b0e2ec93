package org.emgmm.backend.cpu;

/**
 * What only the vector fit kernels read of a pass's constants, derived from {@link Params}: the shared reference
 * of their sums, the components near it, the packed factors of their inner loops and the negligible weights. A
 * kernel builds it from the pass's {@link Params} on the first run of the pass ({@link #of}); the values depend only
 * on the Params, so every worker's copy is the same.
 */
final class VectorParams {
    /** The Params these were derived from (a kernel rebuilds when a new pass hands it new ones). */
    final Params source;
    /**
     * The point the vector kernels take their shared sums about, Σ φⱼ μⱼ (the mixture's mean, so near the
     * data).
     */
    final double[] ref;
    /** full/tied: (μⱼ − ref)ᵀUⱼ, K×D, so that (x − μⱼ)ᵀUⱼ = (x − ref)ᵀUⱼ − (μⱼ − ref)ᵀUⱼ. */
    final double[] refY;
    /**
     * Whether component j is near enough to {@link #ref} to be handled through it: its Mahalanobis distance
     * squared (‖(μⱼ − ref)ᵀUⱼ‖², or Σₐ ((μⱼₐ − refₐ) pⱼₐ)² for diag and spherical) is at most
     * {@link Kernel#MAX_REFERENCE_SPREAD} (the factor by which the shift loses to summing about μⱼ itself). A
     * tight component far away is handled about its own mean.
     */
    final boolean[] refOk;
    /** Whether some {@link #refOk} is true. */
    final boolean anyRef;
    /**
     * full/tied: each Uⱼ's upper triangle packed for the kernels' column-pair loops, {@link #uPackedStride} per
     * component: per column pair (c, c+1) the rows r ≤ c as U_rc, U_r,c+1, then U_c+1,c+1; for odd D the last
     * column's U_rc.
     */
    final double[] uPacked;
    final int uPackedStride;
    /** diag/spherical: per component and feature the pair (p, −μp), K×D×2, for the kernels' feature loops. */
    final double[] diagPacked;
    /**
     * Per component, θⱼ = 2⁻⁶⁰ φⱼ ω̄ (ω̄ the mean sample weight): the vector kernels leave a vector of samples
     * out of component j's weighted sums when all its responsibilities (times the sample weight) are below θⱼ,
     * and take e^(z − max) as 0 where it is below θⱼ / ω_max (then also below 2⁻⁶⁰ of the per-sample sum it
     * joins, so the log-likelihood moves by less than 2⁻⁶⁰ relative). What is left out of a component's sums over
     * the whole pass is below 2⁻⁶⁰ of its weight φⱼ Σω (its moments in proportion), beneath the rounding of the
     * sums themselves; a collapsing component (φⱼ → 0) gets θⱼ → 0, so nothing of it is left out.
     */
    final double[] negligible;

    /** Float kernels: {@link #ref} as float (a float-representable reference), and these float copies. */
    final float[] refF;
    final float[] refYF;
    final float[] uPackedF;
    /** (p, −μp) of the float-rounded values, in float. */
    final float[] diagPackedF;
    final float[] negligibleF;

    /**
     * @param p the pass's constants
     * @param last the values a kernel holds (or null)
     * @param forFloat whether for a float kernel (the reference rounded to float, and the float copies)
     * @return {@code last} when it was derived from {@code p}, else the values for {@code p}
     */
    static VectorParams of(Params p, VectorParams last, boolean forFloat) {
        return last != null && last.source == p ? last : new VectorParams(p, forFloat);
    }

    private VectorParams(Params p, boolean forFloat) {
        source = p;
        int k = p.k;
        int d = p.d;
        double[] means = p.means;
        double[] prec = p.prec;
        boolean full = p.full;
        ref = new double[d];
        double wsum = 0;
        for (int j = 0; j < k; j++) {
            wsum += p.weights[j];
        }
        for (int a = 0; a < d; a++) {
            double m = 0;
            for (int j = 0; j < k; j++) {
                m += p.weights[j] * means[j * d + a];
            }
            ref[a] = forFloat ? (float) (m / wsum) : m / wsum;
        }
        refY = full ? new double[k * d] : null;
        refOk = new boolean[k];
        double[] e = new double[d];
        boolean any = false;
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                e[a] = means[j * d + a] - ref[a];
            }
            double dist = 0;
            for (int c = 0; c < d; c++) {
                double y;
                if (full) {
                    y = 0;
                    for (int r = 0; r <= c; r++) {
                        y += e[r] * prec[j * d * d + r * d + c];
                    }
                    refY[j * d + c] = y;
                } else {
                    y = e[c] * prec[j * d + c];
                }
                dist += y * y;
            }
            refOk[j] = dist <= Kernel.MAX_REFERENCE_SPREAD;
            any |= refOk[j];
        }
        anyRef = any;
        uPackedStride = full ? d * (d + 1) / 2 : 0;
        uPacked = full ? packUpper(prec, k, d, uPackedStride) : null;
        diagPacked = full ? null : packDiag(means, prec, k * d);
        negligible = new double[k];
        for (int j = 0; j < k; j++) {
            negligible[j] = 0x1p-60 * (p.weights[j] / wsum) * p.meanWeight;
        }
        refF = forFloat ? toFloat(ref) : null;
        refYF = forFloat && full ? toFloat(refY) : null;
        uPackedF = forFloat && full ? toFloat(uPacked) : null;
        negligibleF = forFloat ? toFloat(negligible) : null;
        if (forFloat && !full) {
            diagPackedF = new float[2 * k * d];
            for (int i = 0; i < k * d; i++) {
                diagPackedF[2 * i] = p.precF[i];
                diagPackedF[2 * i + 1] = -(p.meansF[i] * p.precF[i]);
            }
        } else {
            diagPackedF = null;
        }
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
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

    private static double[] packDiag(double[] means, double[] prec, int n) {
        double[] dp = new double[2 * n];
        for (int i = 0; i < n; i++) {
            dp[2 * i] = prec[i];
            dp[2 * i + 1] = -(means[i] * prec[i]);
        }
        return dp;
    }
}
