package org.emgmm.em;

import org.emgmm.config.CovarianceType;

/**
 * The M step on the host, in double, shared by every backend (Bishop, PRML §9.2.2, eqs. 9.24–9.27; scikit-learn's
 * {@code _estimate_gaussian_parameters}): from the additive statistics about the shifts c (the previous means),
 *
 * <pre>
 *   nₖ = S0ₖ + 10ε                       (as scikit-learn, so an empty component divides by a tiny number, not 0)
 *   φₖ = nₖ / Σ nₖ
 *   δₖ = S1ₖ / nₖ,   μₖ = cₖ + δₖ
 *   Σₖ = (S2ₖ − δₖS1ₖᵀ − S1ₖδₖᵀ + S0ₖ δₖδₖᵀ) / nₖ + regCovar·I     (= Σᵢ ωᵢwᵢₖ(xᵢ−μₖ)(xᵢ−μₖ)ᵀ / nₖ exactly)
 * </pre>
 *
 * Variances (diagonal entries) that round below zero are clamped to zero before regCovar is added.
 * diag keeps the diagonal, spherical its mean, tied sums the unnormalised matrices over components and divides by
 * Σ nₖ. Accumulating about a shift keeps the variance from cancelling as E[x²] − μ² would.
 */
public final class MStep {
    /** The 10ε scikit-learn adds to every component's responsibility sum. */
    public static final double NK_EPS = 10 * Math.ulp(1.0);

    private MStep() {
    }

    /**
     * @param st statistics accumulated about {@code shift}'s means
     * @param shift the shifts cⱼ the statistics were accumulated about, K×D (the E step's means)
     * @param regCovar non-negative value added to the diagonal of every covariance
     * @param iteration the EM iteration, for error messages
     * @return the new parameters
     * @throws NotPositiveDefiniteException naming the component when a covariance is not positive definite
     */
    public static Gaussians apply(SufficientStatistics st, double[] shift, double regCovar, int iteration) {
        int k = st.k;
        int d = st.d;
        CovarianceType type = st.type;
        double[] nk = new double[k];
        double total = 0;
        for (int j = 0; j < k; j++) {
            nk[j] = st.s0[j] + NK_EPS;
            total += nk[j];
        }
        double[] weights = new double[k];
        double[] means = new double[k * d];
        double[] delta = new double[k * d];
        for (int j = 0; j < k; j++) {
            weights[j] = nk[j] / total;
            for (int a = 0; a < d; a++) {
                delta[j * d + a] = st.s1[j * d + a] / nk[j];
                means[j * d + a] = shift[j * d + a] + delta[j * d + a];
            }
        }
        double[] cov = new double[Gaussians.covarianceLength(type, k, d)];
        switch (type) {
            case DIAG:
            case SPHERICAL:
                for (int j = 0; j < k; j++) {
                    double sum = 0;
                    for (int a = 0; a < d; a++) {
                        int i = j * d + a;
                        double dl = delta[i];
                        // A variance is never negative; float statistics of a point-mass component can round
                        // below zero, which would otherwise cancel regCovar.
                        double v = Math.max(0, (st.s2[i] - 2 * dl * st.s1[i] + st.s0[j] * dl * dl) / nk[j]);
                        if (type == CovarianceType.DIAG) {
                            cov[i] = v + regCovar;
                        } else {
                            sum += v;
                        }
                    }
                    if (type == CovarianceType.SPHERICAL) {
                        cov[j] = sum / d + regCovar;
                    }
                }
                break;
            case FULL:
            case TIED:
                for (int j = 0; j < k; j++) {
                    int out = type == CovarianceType.FULL ? j * d * d : 0;
                    double div = type == CovarianceType.FULL ? nk[j] : 1;
                    for (int a = 0; a < d; a++) {
                        for (int b = a; b < d; b++) {
                            double da = delta[j * d + a];
                            double db = delta[j * d + b];
                            double v = (st.s2[(j * d + a) * d + b] - da * st.s1[j * d + b] - db * st.s1[j * d + a]
                                    + st.s0[j] * da * db) / div;
                            cov[out + a * d + b] += v;
                        }
                    }
                }
                int blocks = type == CovarianceType.FULL ? k : 1;
                for (int j = 0; j < blocks; j++) {
                    int o = j * d * d;
                    for (int a = 0; a < d; a++) {
                        if (type == CovarianceType.TIED) {
                            for (int b = a; b < d; b++) {
                                cov[o + a * d + b] /= total;
                            }
                        }
                        cov[o + a * d + a] = Math.max(0, cov[o + a * d + a]) + regCovar;
                        for (int b = a + 1; b < d; b++) {
                            cov[o + b * d + a] = cov[o + a * d + b];
                        }
                    }
                }
                break;
            default:
                throw new AssertionError(type);
        }
        return Gaussians.of(type, weights, means, cov, iteration);
    }
}
