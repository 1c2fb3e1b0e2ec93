package org.emgmm.em;

/**
 * A component's covariance matrix is not positive definite even after {@code regCovar} was added, so its
 * precision Cholesky factor does not exist. Raised instead of producing NaN; increase {@code regCovar}, reduce K,
 * or remove constant or collinear columns. When the fit ran in float precision ({@link #floatPrecision()}), the
 * message says so and suggests double precision: float reads the data rounded to 24 bits and computes the
 * responsibilities in float, which can leave a covariance that double represents (a feature whose spread is below
 * float's resolution of its values, with a tiny {@code regCovar}) without a Cholesky factor.
 */
public class NotPositiveDefiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final int component;
    private final int iteration;
    private final String detail;
    private final boolean floatPrecision;

    /**
     * @param component 0-based component index ({@code -1} for the shared tied matrix)
     * @param iteration EM iteration (1-based), 0 for the initialisation or a user-given start
     * @param detail what went wrong
     */
    public NotPositiveDefiniteException(int component, int iteration, String detail) {
        this(component, iteration, detail, false);
    }

    /**
     * @param component 0-based component index ({@code -1} for the shared tied matrix)
     * @param iteration EM iteration (1-based), 0 for the initialisation or a user-given start
     * @param detail what went wrong
     * @param floatPrecision whether the fit's per-sample arithmetic was float
     */
    public NotPositiveDefiniteException(int component, int iteration, String detail, boolean floatPrecision) {
        super(message(component, iteration, detail, floatPrecision));
        this.component = component;
        this.iteration = iteration;
        this.detail = detail;
        this.floatPrecision = floatPrecision;
    }

    private static String message(int component, int iteration, String detail, boolean floatPrecision) {
        String what = (component < 0 ? "the tied covariance" : "the covariance of component " + component)
                + (iteration > 0 ? " at EM iteration " + iteration : " of the starting parameters")
                + " is not positive definite (" + detail + ")";
        if (floatPrecision) {
            return what + " in float precision, which cannot represent it here (the data and responsibilities "
                    + "are rounded to float): fit in double precision (--precision double, Precision.DOUBLE), "
                    + "or increase regCovar";
        }
        return what + "; increase regCovar, reduce k, or remove constant or collinear columns";
    }

    /**
     * @return the same failure, marked as happening in a float-precision fit (the message suggests double);
     *     this exception itself when it already is
     */
    public NotPositiveDefiniteException inFloat() {
        if (floatPrecision) {
            return this;
        }
        NotPositiveDefiniteException e = new NotPositiveDefiniteException(component, iteration, detail, true);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** @return the 0-based component index, or -1 for the shared (tied) covariance */
    public int component() {
        return component;
    }

    /** @return the EM iteration (1-based), or 0 for the start */
    public int iteration() {
        return iteration;
    }

    /** @return whether the fit ran in float precision (then double precision may succeed) */
    public boolean floatPrecision() {
        return floatPrecision;
    }
}
