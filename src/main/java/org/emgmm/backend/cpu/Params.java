package org.emgmm.backend.cpu;

import org.emgmm.config.CovarianceType;
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
    /** The mixing weights φⱼ (for the vector kernels' {@link VectorParams}). */
    final double[] weights;
    /** The data's mean sample weight ω̄ (1 without weights). */
    final double meanWeight;

    /**
     * @param g the Gaussians of this pass
     * @param withFloat whether to build the float copies
     * @param meanWeight the data's mean sample weight ω̄ (1 without weights), for {@link VectorParams#negligible}
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
        weights = g.weights;
        this.meanWeight = meanWeight;
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
