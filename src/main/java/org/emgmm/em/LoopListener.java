package org.emgmm.em;

/**
 * Receives the progress of {@link EmLoop#run}, on the thread that runs it, and can stop it between iterations. All
 * methods have empty defaults. The fit's listener ({@code org.emgmm.FitListener}) is one, so the loop reports to it
 * without depending on the API above this package.
 */
public interface LoopListener {

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
     * @return true to stop after the current iteration: the fit then returns the best model so far, marked not
     *     converged
     */
    default boolean stopRequested() {
        return false;
    }
}
