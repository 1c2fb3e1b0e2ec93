package org.emgmm;

import org.emgmm.config.Precision;

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
    /**
     * Double: agreement of two fits that differ only by summation order (permuted rows, weights vs copies, two
     * backends): each iteration's statistics differ by ~{@link #PASS_F64}, and EM contracts perturbations of the
     * parameters near a fixed point, so the final lower bounds agree to ~1e-10; 1e-9 stated.
     */
    public static final double SAME_FIT_F64 = 1e-9;
    /** Float: agreement of two fits that differ only by summation order. */
    public static final double SAME_FIT_F32 = 1e-3;


    // ------------------------------------------------ agreement with the tests' scalar reference (ScalarReference)

    /**
     * Double: one pass's statistics against {@link ScalarReference#statistics}, relative to natural floors (S0 to
     * the mean component mass, S1 to √(S0·S2aa), S2ab to √(S2aa·S2bb), the log-likelihood to the total weight). The
     * two differ only in summation order and in the kernels' shift from their reference point to the means: with
     * n ≤ 5,003 rows each sum carries at most ~n·2⁻⁵³ ≈ 6e-13 of its magnitude, and the shift's cancellation can
     * lift that by up to ~100 (data within a few standard deviations of the means), so 1e-10.
     */
    public static final double PASS_F64 = 1e-10;
    /**
     * Float: the same with per-sample float arithmetic (2⁻²⁴ ≈ 6e-8 per operation) and sums finished in double: a
     * Mahalanobis term of D ≤ 8 products in float is off by ~D·6e-8 of its size (≲ 100 here), which moves a
     * responsibility by ~5e-5 of itself, so 1e-4.
     */
    public static final double PASS_F32 = 1e-4;
    /**
     * Double: a CPU kernel's statistics against the reference, relative to the size of each array (its largest
     * |value|): summation order only, n ≤ 4,096 rows, no cancellation at that scale, so ~4e-13 bound, 1e-12 stated.
     */
    public static final double KERNEL_F64 = 1e-12;
    /** Float: a float CPU kernel against the double reference, as {@link #PASS_F32} with a factor 2 of margin. */
    public static final double KERNEL_F32 = 2e-4;
    /**
     * Rounding bound of one weighted sum of the CPU kernels, in ulps of its magnitude (ReferencePass.magnitudes:
     * the sum of the terms' absolute values about the origin, widened by the means' box, which bounds every term
     * the kernels add about their reference point or the means). The kernels add at most 2·8 lanes per vector
     * block, one block sum per 256-row chunk and at most n/256 chunk sums, and the shift from the reference to the
     * means costs 3 more roundings of terms no larger than the magnitude: with n = 4096 at most ~40 roundings stand
     * between any term and the result, so 64 ulps of the magnitude bound the error whatever the vector width or
     * summation order. The cut-off's own contribution (what it leaves out) is below 2^-60 of a component's weight,
     * far inside it. Measured (2026-12-04, vector widths 128 to 512 bits): the largest error is 24 ulps (scalar S0)
     * with the 2^-60 cut-off; with a 2^-30 cut-off (Params.negligible) the vector kernel's errors grow to about
     * 7,900 ulps (S0) and 38,000 ulps (S1), and the test fails.
     */
    public static final double SUM_ULPS = 64;
    /**
     * Double: a backend's per-row scoring outputs (log p, responsibilities, score, BIC, AIC) against
     * {@link ScalarReference}, relative to max(1, |value|): one log-sum-exp of K ≤ 16 terms and a Mahalanobis sum of
     * D ≤ 16 products per row, ~50 roundings, so ~1e-14 of the size; 1e-12 leaves room for the far-from-origin rows.
     */
    public static final double SCORE_F64 = 1e-12;
    /**
     * Float, against the reference on the data rounded to float (what a float backend reads), with the means near
     * the origin: a float backend rounds μ and U to float (6e-8 relative) and forms (x − μ)ᵀU in float, so with
     * |x|, |μ| ≲ 20 and U of the tight component near 10–30, a few 1e-5 in a Mahalanobis term of order 1–10. (At
     * 100 from the origin, μ alone would be off by 6e-6 before any arithmetic.)
     */
    public static final double SCORE_F32 = 1e-4;
    /**
     * Double: the evaluation (score, BIC, AIC, log p) of the same parameters by emgmm and by scikit-learn: two
     * implementations of the same formulas, whose Cholesky factors and sums differ in order; the reference files
     * hold 17 significant digits, so agreement is limited by the factorisation's rounding (~κ·2⁻⁵³, κ ≲ 1e4), 1e-10.
     */
    public static final double EVAL_F64 = 1e-10;
    /**
     * The lower bound of a float fit against the double fit after the same few iterations from the same start
     * ({@code bench --compare}): the float pass's relative error of the mean log-likelihood (~{@link #PASS_F32} of
     * a term, averaged) compounded over two iterations.
     */
    public static final double FLOAT_VS_DOUBLE = 1e-4;

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
