package org.emgmm.backend.cpu;

import org.emgmm.CovarianceType;
import org.emgmm.em.Gaussians;

/**
 * The per-iteration constants of the E step in the layout the CPU kernels read, built once per pass from
 * {@link Gaussians} (host, double) and shared read-only by every chunk: means K×D, per-feature precision factors
 * K×D for diag and spherical (spherical repeats its one factor), the precision Cholesky factor U K×D×D for full and
 * tied (tied repeats its one matrix), and log φⱼ + log det Uⱼ − ½ D log 2π. Float copies for the float
 * kernels.
 */
final class Params {
    final int k;
    final int d;
    /** Whether the covariance is full or tied (Mahalanobis through U, outer products in S2). */
    final boolean full;
    final double[] means;
    /** diag/spherical: K×D precision factors; full/tied: K×D×D upper-triangular U. */
    final double[] prec;
    final double[] logConst;
    final float[] meansF;
    /** The float-rounded means, as doubles (the reference of the float kernels' sums). */
    final double[] meansFD;
    final float[] precF;
    final float[] logConstF;
    /**
     * The point the double vector kernel takes its shared sums about, Σ φⱼ μⱼ (the mixture's mean, so near the
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
     * Per component, θⱼ = 2⁻⁶⁰ φⱼ ω̄ (ω̄ the mean sample weight): the double vector kernel leaves a vector of
     * samples out of component j's weighted sums when all its responsibilities (times the sample weight) are
     * below θⱼ, and takes e^(z − max) as 0 where it is below θⱼ / ω_max (then also below 2⁻⁶⁰ of the per-sample
     * sum it joins, so the log-likelihood moves by less than 2⁻⁶⁰ relative). What is left out of a component's
     * sums over the whole pass is below 2⁻⁶⁰ of its weight φⱼ Σω (its moments in proportion), beneath the
     * rounding of the sums themselves; a collapsing component (φⱼ → 0) gets θⱼ → 0, so nothing of it is left out.
     */
    final double[] negligible;
    /** Whether some {@link #refOk} is true. */
    final boolean anyRef;

    /**
     * @param g the Gaussians of this pass
     * @param withFloat whether to build the float copies
     * @param meanWeight the data's mean sample weight ω̄ (1 without weights), for {@link #negligible}
     */
    Params(Gaussians g, boolean withFloat, double meanWeight) {
        this.k = g.k;
        this.d = g.d;
        this.full = g.type.needsOuterProducts();
        this.means = g.means;
        this.logConst = g.logConst;
        if (g.type == CovarianceType.SPHERICAL) {
            prec = new double[k * d];
            for (int j = 0; j < k; j++) {
                java.util.Arrays.fill(prec, j * d, (j + 1) * d, g.precChol[j]);
            }
        } else if (g.type == CovarianceType.TIED) {
            prec = new double[k * d * d];
            for (int j = 0; j < k; j++) {
                System.arraycopy(g.precChol, 0, prec, j * d * d, d * d);
            }
        } else {
            prec = g.precChol;
        }
        ref = new double[d];
        double wsum = 0;
        for (int j = 0; j < k; j++) {
            wsum += g.weights[j];
        }
        for (int a = 0; a < d; a++) {
            double m = 0;
            for (int j = 0; j < k; j++) {
                m += g.weights[j] * means[j * d + a];
            }
            ref[a] = m / wsum;
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
        if (full) {
            uPackedStride = d * (d + 1) / 2;
            uPacked = new double[k * uPackedStride];
            for (int j = 0; j < k; j++) {
                int o = j * uPackedStride;
                int u = j * d * d;
                int c = 0;
                for (; c + 1 < d; c += 2) {
                    for (int r = 0; r <= c; r++) {
                        uPacked[o++] = prec[u + r * d + c];
                        uPacked[o++] = prec[u + r * d + c + 1];
                    }
                    uPacked[o++] = prec[u + (c + 1) * d + c + 1];
                }
                if (c < d) {
                    for (int r = 0; r <= c; r++) {
                        uPacked[o++] = prec[u + r * d + c];
                    }
                }
            }
            diagPacked = null;
        } else {
            uPackedStride = 0;
            uPacked = null;
            diagPacked = new double[2 * k * d];
            for (int i = 0; i < k * d; i++) {
                diagPacked[2 * i] = prec[i];
                diagPacked[2 * i + 1] = -(means[i] * prec[i]);
            }
        }
        negligible = new double[k];
        for (int j = 0; j < k; j++) {
            negligible[j] = 0x1p-60 * (g.weights[j] / wsum) * meanWeight;
        }
        meansF = withFloat ? toFloat(means) : null;
        meansFD = withFloat ? toDouble(meansF) : null;
        precF = withFloat ? toFloat(prec) : null;
        logConstF = withFloat ? toFloat(logConst) : null;
    }

    private static double[] toDouble(float[] v) {
        double[] f = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
