package org.emgmm.backend.cpu;

import org.emgmm.ScalarReference;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The reference the fast kernels are checked against: the tests' one scalar E step ({@link ScalarReference}), and
 * the magnitudes that scale its rounding error.
 */
final class ReferencePass {
    private ReferencePass() {
    }

    /**
     * @param data the samples
     * @param g parameters
     * @return the statistics of {@link ScalarReference#statistics}
     */
    static SufficientStatistics accumulate(Dataset data, Gaussians g) {
        return ScalarReference.statistics(data, g);
    }

    /**
     * The scale of each sum's rounding error: the same sums with every term replaced by its absolute value about the
     * origin, each feature widened by the largest |μ| of that feature, so that the bound holds about any shift or
     * reference point inside the means' box (the kernels sum about their own reference, Σ φ μ, then move the sums to
     * the means: S2(c) = S2(ref) − ... cancels, and its error is a few ulp of these magnitudes, not of the result).
     * S0 and the weight sum have positive terms: their magnitude is their value. The log-likelihood's is Σ ω |log p|.
     *
     * @return magnitudes, shaped as the statistics
     */
    static SufficientStatistics magnitudes(Dataset data, Gaussians g) {
        int d = data.dims();
        int k = g.k;
        int n = Math.toIntExact(data.rows());
        SufficientStatistics m = new SufficientStatistics(k, d, g.type);
        double[] x = new double[n * d];
        double[] w = new double[n];
        data.read(0, n, x, 0);
        data.readWeights(0, n, w, 0);
        double[] box = new double[d];
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                box[a] = Math.max(box[a], Math.abs(g.means[j * d + a]));
            }
        }
        double[] lp = new double[k];
        double[] tmp = new double[d];
        boolean outer = g.type.needsOuterProducts();
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            int off = i * d;
            double lse = ScalarReference.logJoint(g, x, off, tmp, lp);
            m.logLik += wi * Math.abs(lse);
            m.weightSum += wi;
            for (int a = 0; a < d; a++) {
                tmp[a] = Math.abs(x[off + a]) + box[a];
            }
            for (int j = 0; j < k; j++) {
                double r = wi * Math.exp(lp[j] - lse);
                m.s0[j] += r;
                for (int a = 0; a < d; a++) {
                    m.s1[j * d + a] += r * tmp[a];
                    if (outer) {
                        for (int b = a; b < d; b++) {
                            m.s2[(j * d + a) * d + b] += r * tmp[a] * tmp[b];
                        }
                    } else {
                        m.s2[j * d + a] += r * tmp[a] * tmp[a];
                    }
                }
            }
        }
        return m;
    }
}
