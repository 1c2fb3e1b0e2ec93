package org.emgmm;

import org.emgmm.em.LoopListener;

/**
 * Receives progress of a fit, on the thread that called {@code fit}. All methods have empty defaults. Besides the
 * methods here, a listener has those of the EM loop it extends ({@link LoopListener}): {@link #iteration} after each
 * EM iteration, {@link #event} for a re-seeded component or a backend fallback, and {@link #stopRequested()}, with
 * which it can ask the fit to stop between iterations: the fit then returns the best model so far, marked not
 * converged.
 */
public interface FitListener extends LoopListener {

    /**
     * An initialisation starts.
     *
     * @param init 0-based index of the initialisation
     * @param nInit total number of initialisations
     */
    default void initStarted(int init, int nInit) {
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
}
