package org.emgmm;

/**
 * Receives progress of a fit, on the thread that called {@code fit}. All methods have empty defaults. A listener
 * can also ask the fit to stop between iterations ({@link #stopRequested()}): the fit then returns the best model
 * so far, marked not converged.
 */
public interface FitListener {

    /**
     * An initialisation starts.
     *
     * @param init 0-based index of the initialisation
     * @param nInit total number of initialisations
     */
    default void initStarted(int init, int nInit) {
    }

    /**
     * An EM iteration finished.
     *
     * @param init 0-based initialisation index
     * @param iteration 1-based iteration
     * @param lowerBound mean log-likelihood computed in this iteration's E step
     * @param change change from the previous iteration (NaN for the first)
     * @param nanos wall time of the iteration
     */
    default void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
    }

    /**
     * Something worth reporting happened (a component was re-seeded, a backend fell back).
     *
     * @param message one line
     */
    default void event(String message) {
    }

    /** @return true to stop the fit after the current iteration, keeping the best model so far */
    default boolean stopRequested() {
        return false;
    }
}
