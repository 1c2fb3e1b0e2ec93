package org.emgmm.backend.cpu;

/**
 * What the vector fit kernels of both kinds read of a pass's constants, derived from {@link Params}: the shared
 * reference of their sums, the components near it and the negligible weights. Each kind adds its own packed
 * factors: {@link DiagParams} (diag, spherical) and {@link FullParams} (full, tied). A kernel builds its kind from
 * the pass's {@link Params} on the first run of the pass; the values depend only on the Params, so every worker's
 * copy is the same.
 */
class VectorParams {
    /** The Params these were derived from (a kernel rebuilds when a new pass hands it new ones). */
    final Params source;
    /**
     * The point the vector kernels take their shared sums about, Σ φⱼ μⱼ (the mixture's mean, so near the
     * data).
     */
    final double[] ref;
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
     * Per component, θⱼ = 2⁻⁶⁰ φⱼ ω̄ (ω̄ the mean sample weight): the vector kernels leave a vector of samples
     * out of component j's weighted sums when all its responsibilities (times the sample weight) are below θⱼ,
     * and take e^(z − max) as 0 where it is below θⱼ / ω_max (then also below 2⁻⁶⁰ of the per-sample sum it
     * joins, so the log-likelihood moves by less than 2⁻⁶⁰ relative). What is left out of a component's sums over
     * the whole pass is below 2⁻⁶⁰ of its weight φⱼ Σω (its moments in proportion), beneath the rounding of the
     * sums themselves; a collapsing component (φⱼ → 0) gets θⱼ → 0, so nothing of it is left out.
     */
    final double[] negligible;
    /** Float kernels: {@link #ref} as float (a float-representable reference); null for a double kernel. */
    final float[] refF;
    /** Float kernels: {@link #negligible} in float; null for a double kernel. */
    final float[] negligibleF;

    /**
     * @param p the pass's constants
     * @param ref {@link #reference}
     * @param dist2 per component the squared Mahalanobis distance of its mean from {@code ref}
     * @param forFloat whether for a float kernel (the float copies)
     */
    VectorParams(Params p, double[] ref, double[] dist2, boolean forFloat) {
        source = p;
        this.ref = ref;
        int k = p.k;
        refOk = new boolean[k];
        boolean any = false;
        for (int j = 0; j < k; j++) {
            refOk[j] = dist2[j] <= Kernel.MAX_REFERENCE_SPREAD;
            any |= refOk[j];
        }
        anyRef = any;
        double wsum = weightSum(p);
        negligible = new double[k];
        for (int j = 0; j < k; j++) {
            negligible[j] = 0x1p-60 * (p.weights[j] / wsum) * p.meanWeight;
        }
        refF = forFloat ? toFloat(ref) : null;
        negligibleF = forFloat ? toFloat(negligible) : null;
    }

    /**
     * @param p the pass's constants
     * @param forFloat whether for a float kernel (then rounded to float)
     * @return the reference Σ φⱼ μⱼ / Σ φⱼ
     */
    static double[] reference(Params p, boolean forFloat) {
        int d = p.d;
        double wsum = weightSum(p);
        double[] ref = new double[d];
        for (int a = 0; a < d; a++) {
            double m = 0;
            for (int j = 0; j < p.k; j++) {
                m += p.weights[j] * p.means[j * d + a];
            }
            ref[a] = forFloat ? (float) (m / wsum) : m / wsum;
        }
        return ref;
    }

    private static double weightSum(Params p) {
        double wsum = 0;
        for (int j = 0; j < p.k; j++) {
            wsum += p.weights[j];
        }
        return wsum;
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
