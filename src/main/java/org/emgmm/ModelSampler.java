package org.emgmm;

import java.util.SplittableRandom;
import org.emgmm.em.Gaussians;

/**
 * Draws samples from a mixture ({@link MixtureModel#sample}): a component by its weight, then x = μⱼ + Lⱼz with
 * Σⱼ = LⱼLⱼᵀ (Cholesky) and z standard normal from the polar Box–Muller method. Deterministic: one
 * {@link SplittableRandom} seeded by the caller, consumed in a fixed order, so the same seed gives the same samples.
 */
final class ModelSampler {
    private ModelSampler() {
    }

    /**
     * @param m the model
     * @param n number of samples, at least 1
     * @param seed random seed
     * @return samples and labels
     * @throws IllegalArgumentException when n is below 1
     */
    static MixtureModel.Samples sample(MixtureModel m, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        Gaussians g = m.gaussians();
        int d = g.d;
        double[][] chol = choleskyFactors(m);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        int[] labels = new int[n];
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            int j = component(g.weights, rnd.nextDouble());
            labels[i] = j;
            for (int a = 0; a < d; a++) {
                z[a] = gaussian(rnd);
            }
            for (int a = 0; a < d; a++) {
                double s = g.means[j * d + a];
                for (int b = 0; b <= a; b++) {
                    s += chol[j][a * d + b] * z[b];
                }
                x[i][a] = s;
            }
        }
        return new MixtureModel.Samples(x, labels);
    }

    /** Lower Cholesky factor Lⱼ (row-major D×D) of each component's covariance matrix. */
    private static double[][] choleskyFactors(MixtureModel m) {
        int d = m.nFeatures();
        double[][] chol = new double[m.nComponents()][];
        for (int j = 0; j < chol.length; j++) {
            double[][] c = m.covarianceMatrix(j);
            double[] flat = new double[d * d];
            for (int a = 0; a < d; a++) {
                System.arraycopy(c[a], 0, flat, a * d, d);
            }
            chol[j] = Gaussians.choleskyLower(flat, 0, d, j, 0);
        }
        return chol;
    }

    /** The component whose cumulative weight first exceeds u (the last one for rounding at the top). */
    private static int component(double[] weights, double u) {
        int j = 0;
        double c = weights[0];
        while (u >= c && j < weights.length - 1) {
            j++;
            c += weights[j];
        }
        return j;
    }

    /** Standard normal by the polar Box–Muller method (deterministic given the generator's state). */
    private static double gaussian(SplittableRandom rnd) {
        double u;
        double v;
        double s;
        do {
            u = 2 * rnd.nextDouble() - 1;
            v = 2 * rnd.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
