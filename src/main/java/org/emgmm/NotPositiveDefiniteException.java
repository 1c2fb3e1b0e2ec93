package org.emgmm;

/**
 * A component's covariance matrix is not positive definite even after {@code regCovar} was added, so its
 * precision Cholesky factor does not exist. Raised instead of producing NaN; increase {@code regCovar}, reduce K,
 * or remove constant or collinear columns.
 */
public class NotPositiveDefiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final int component;
    private final int iteration;

    /**
     * @param component 0-based component index ({@code -1} for the shared tied matrix)
     * @param iteration EM iteration (1-based), 0 for the initialisation or a user-given start
     * @param detail what went wrong
     */
    public NotPositiveDefiniteException(int component, int iteration, String detail) {
        super((component < 0 ? "the tied covariance" : "the covariance of component " + component)
                + (iteration > 0 ? " at EM iteration " + iteration : " of the starting parameters")
                + " is not positive definite (" + detail + "); increase regCovar, reduce k, "
                + "or remove constant or collinear columns");
        this.component = component;
        this.iteration = iteration;
    }

    /** @return the 0-based component index, or -1 for the shared (tied) covariance */
    public int component() {
        return component;
    }

    /** @return the EM iteration (1-based), or 0 for the start */
    public int iteration() {
        return iteration;
    }
}
