package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.emgmm.config.CovarianceType;

/**
 * Comparisons of mixture parameters with a relative tolerance and a natural absolute floor (see
 * {@link Tolerances}): weights against max(|w|, 1e-3); a mean against max(|μ|, the component's standard deviation
 * in that feature); a covariance entry against max(|Σab|, √(Σaa Σbb)).
 */
public final class ModelAsserts {
    private ModelAsserts() {
    }

    /**
     * Asserts that a model's parameters match expected ones.
     *
     * @param what description for the failure message
     * @param type covariance type
     * @param weights expected weights
     * @param means expected means, K×D
     * @param cov expected covariances, type layout
     * @param m the model
     * @param rel relative tolerance
     */
    public static void assertParams(String what, CovarianceType type, double[] weights, double[] means,
                                    double[] cov, MixtureModel m, double rel) {
        assertParams(what, type, weights, means, cov, m.weights(), m.meansFlat(), m.covariancesFlat(), rel);
    }

    /**
     * Asserts that two parameter sets match.
     *
     * @param what description for the failure message
     * @param type covariance type
     * @param ew expected weights
     * @param em expected means, K×D
     * @param ec expected covariances, type layout
     * @param aw actual weights
     * @param am actual means
     * @param ac actual covariances
     * @param rel relative tolerance
     */
    public static void assertParams(String what, CovarianceType type, double[] ew, double[] em, double[] ec,
                                    double[] aw, double[] am, double[] ac, double rel) {
        int k = ew.length;
        assertEquals(k, aw.length, what + ": number of weights");
        assertEquals(em.length, am.length, what + ": number of mean values");
        assertEquals(ec.length, ac.length, what + ": number of covariance values");
        int d = em.length / k;
        for (int j = 0; j < k; j++) {
            check(what + ": weight " + j, ew[j], aw[j], rel, 1e-3);
            for (int a = 0; a < d; a++) {
                check(what + ": mean of component " + j + ", feature " + a, em[j * d + a], am[j * d + a], rel,
                        Math.sqrt(variance(type, ec, j, a, d)));
            }
        }
        for (int i = 0; i < ec.length; i++) {
            double floor;
            switch (type) {
                case FULL: {
                    int j = i / (d * d);
                    int a = (i / d) % d;
                    int b = i % d;
                    floor = Math.sqrt(ec[j * d * d + a * d + a] * ec[j * d * d + b * d + b]);
                    break;
                }
                case TIED: {
                    int a = i / d;
                    int b = i % d;
                    floor = Math.sqrt(ec[a * d + a] * ec[b * d + b]);
                    break;
                }
                default:
                    floor = 0;
            }
            check(what + ": covariance value " + i, ec[i], ac[i], rel, floor);
        }
    }

    /** @return component j's variance in feature a from covariances in the type's layout */
    static double variance(CovarianceType type, double[] c, int j, int a, int d) {
        switch (type) {
            case FULL: return c[(j * d + a) * d + a];
            case TIED: return c[a * d + a];
            case DIAG: return c[j * d + a];
            default: return c[j];
        }
    }

    /**
     * |actual − expected| ≤ rel · max(|expected|, floor).
     *
     * @param what description
     * @param expected expected value
     * @param actual actual value
     * @param rel relative tolerance
     * @param floor scale below which the comparison is absolute
     */
    public static void check(String what, double expected, double actual, double rel, double floor) {
        double allowed = rel * Math.max(Math.abs(expected), floor);
        if (!(Math.abs(actual - expected) <= allowed)) {
            fail(what + ": expected " + expected + ", got " + actual + " (difference " + (actual - expected)
                    + ", allowed " + allowed + ")");
        }
    }

    /**
     * Asserts two models hold bitwise identical parameters and lower-bound histories.
     *
     * @param what description
     * @param a first model
     * @param b second model
     */
    public static void assertIdentical(String what, MixtureModel a, MixtureModel b) {
        assertArrayEquals(a.weights(), b.weights(), 0.0, what + ": weights");
        assertArrayEquals(a.meansFlat(), b.meansFlat(), 0.0, what + ": means");
        assertArrayEquals(a.covariancesFlat(), b.covariancesFlat(), 0.0, what + ": covariances");
        assertArrayEquals(a.lowerBoundHistory(), b.lowerBoundHistory(), 0.0, what + ": lower bound history");
        assertEquals(a.nIter(), b.nIter(), what + ": iterations");
    }
}
