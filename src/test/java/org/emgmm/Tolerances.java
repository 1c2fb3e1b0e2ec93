package org.emgmm;

/**
 * Named test tolerances per precision (EJML's {@code UtilEjml.TEST_F64}/{@code TEST_F32} idea), as issue 2 states
 * them: in double, parameters within 1e-6 relative, lower bound within 1e-9 relative, iteration count within ±1;
 * in float, parameters within 1e-3 and lower bound within 1e-5 relative. Relative comparisons use an absolute
 * floor for values near zero: |a − b| ≤ rel · max(|b|, scale), where the scale is the natural size of that
 * quantity (a component's standard deviation for its mean, √(Σaa Σbb) for a covariance entry).
 */
public final class Tolerances {
    /** Double: relative tolerance on weights, means and covariances against scikit-learn. */
    public static final double PARAM_F64 = 1e-6;
    /** Double: relative tolerance on the lower bound against scikit-learn. */
    public static final double LOWER_BOUND_F64 = 1e-9;
    /** Double: allowed difference in the number of iterations against scikit-learn. */
    public static final int ITER_F64 = 1;
    /** Float: relative tolerance on weights, means and covariances. */
    public static final double PARAM_F32 = 1e-3;
    /** Float: relative tolerance on the lower bound. */
    public static final double LOWER_BOUND_F32 = 1e-5;
    /** Double: how much (relative) a lower bound may fall from one iteration to the next (rounding only). */
    public static final double MONOTONE_F64 = 1e-12;
    /** Float: how much (relative) a lower bound may fall from one iteration to the next (float rounding). */
    public static final double MONOTONE_F32 = 1e-5;
    /** Double: agreement of two fits that differ only by summation order (permuted rows, weights vs copies). */
    public static final double SAME_FIT_F64 = 1e-9;
    /** Float: agreement of two fits that differ only by summation order. */
    public static final double SAME_FIT_F32 = 1e-3;

    /** Relative tolerance on parameters. */
    public final double param;
    /** Relative tolerance on the lower bound. */
    public final double lowerBound;
    /** Relative slack for the monotone lower bound. */
    public final double monotone;
    /** Relative agreement of fits that differ only by rounding. */
    public final double sameFit;
    /** Whether the iteration count is compared (double only; a float fit may stop at a different iteration). */
    public final boolean compareIterations;

    private Tolerances(double param, double lowerBound, double monotone, double sameFit, boolean compareIterations) {
        this.param = param;
        this.lowerBound = lowerBound;
        this.monotone = monotone;
        this.sameFit = sameFit;
        this.compareIterations = compareIterations;
    }

    /** Tolerances of double-precision backends. */
    public static final Tolerances F64 = new Tolerances(PARAM_F64, LOWER_BOUND_F64, MONOTONE_F64, SAME_FIT_F64, true);
    /** Tolerances of float-precision backends. */
    public static final Tolerances F32 = new Tolerances(PARAM_F32, LOWER_BOUND_F32, MONOTONE_F32, SAME_FIT_F32,
            false);

    /**
     * @param p a precision
     * @return its tolerances
     */
    public static Tolerances of(Precision p) {
        return p == Precision.DOUBLE ? F64 : F32;
    }
}
