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

    /**
     * The whole state of the fit after an EM iteration (after the convergence test): the running initialisation's
     * parameters, iteration count and lower-bound history, which initialisation runs and the best finished one,
     * the settings and the data's fingerprint. Called after every iteration of every initialisation, and once for
     * an initialisation of no iterations ({@code maxIter} 0); the last call of a fit that was not stopped has
     * {@link FitState#finished()} true. Save it ({@link FitState#save}) to resume the fit later with
     * {@link StartParameters#resume(FitState)}, bit for bit. The default does nothing.
     *
     * @param state an immutable snapshot
     */
    default void checkpoint(FitState state) {
    }

    /** @return true to stop the fit after the current iteration, keeping the best model so far */
    default boolean stopRequested() {
        return false;
    }
}
