package org.emgmm.em;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.CovarianceType;
import org.emgmm.FitListener;
import org.emgmm.backend.Pass;

/**
 * The EM iterations of one initialisation, as scikit-learn's {@code BaseMixture.fit_predict} runs them: each
 * iteration is one E step (the backend's pass, which also yields the mean log-likelihood of the current
 * parameters, the lower bound) and one M step on the host; convergence when the lower bound changes by less than
 * {@code tol}. The lower bound reported for iteration t is that of the parameters before its M step.
 */
public final class EmLoop {
    /** A component whose responsibility sum falls to this fraction of the total weight or below is re-seeded. */
    public static final double COLLAPSE_FRACTION = 1e-12;

    /** The outcome of one initialisation. */
    public static final class Result {
        /** Final parameters. */
        public final Gaussians params;
        /** Lower bound per iteration. */
        public final double[] history;
        /** Whether |Δ| &lt; tol was reached. */
        public final boolean converged;
        /** Whether a listener stopped the loop. */
        public final boolean stopped;
        /** Re-seeding events. */
        public final List<String> events;

        Result(Gaussians params, double[] history, boolean converged, boolean stopped, List<String> events) {
            this.params = params;
            this.history = history;
            this.converged = converged;
            this.stopped = stopped;
            this.events = events;
        }

        /** @return the last lower bound, or NaN when no iteration ran */
        public double lowerBound() {
            return history.length == 0 ? Double.NaN : history[history.length - 1];
        }
    }

    private EmLoop() {
    }

    /**
     * Runs EM from a start.
     *
     * @param pass the backend pass over the data
     * @param start starting parameters
     * @param tol convergence threshold
     * @param regCovar regularisation
     * @param maxIter iteration limit
     * @param init initialisation index, for the listener
     * @param reseed source of rows for re-seeding collapsed components
     * @param rnd generator for re-seeding
     * @param listener progress listener
     * @return the result
     */
    public static Result run(Pass pass, Gaussians start, double tol, double regCovar, int maxIter, int init,
                             Initializer reseed, SplittableRandom rnd, FitListener listener) {
        Gaussians params = start;
        double lb = Double.NEGATIVE_INFINITY;
        List<Double> history = new ArrayList<>();
        List<String> events = new ArrayList<>();
        boolean converged = false;
        boolean stopped = false;
        for (int iter = 1; iter <= maxIter; iter++) {
            long t0 = System.nanoTime();
            double prev = lb;
            SufficientStatistics st = pass.accumulate(params);
            lb = st.logLik / st.weightSum;
            history.add(lb);
            params = MStep.apply(st, params.means, regCovar, iter);
            params = reseedCollapsed(params, st, iter, regCovar, reseed, rnd, events, listener);
            double change = lb - prev;
            listener.iteration(init, iter, lb, iter == 1 ? Double.NaN : change, System.nanoTime() - t0);
            if (Math.abs(change) < tol) {
                converged = true;
                break;
            }
            if (listener.stopRequested()) {
                stopped = true;
                break;
            }
        }
        double[] h = history.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(params, h, converged, stopped, events);
    }

    /**
     * Moves every component whose weight collapsed onto a random sample row, with the data's covariance and an
     * equal share of weight (weights renormalised), and reports it.
     */
    private static Gaussians reseedCollapsed(Gaussians g, SufficientStatistics st, int iter, double regCovar,
                                             Initializer reseed, SplittableRandom rnd, List<String> events,
                                             FitListener listener) {
        boolean any = false;
        for (int j = 0; j < g.k; j++) {
            any |= st.s0[j] <= COLLAPSE_FRACTION * st.weightSum;
        }
        if (!any || g.k == 1) {
            return g;
        }
        int d = g.d;
        double[] weights = g.weights.clone();
        double[] means = g.means.clone();
        double[] cov = g.covariances.clone();
        double[] dataCov = reseed.dataCovariance(g.type, regCovar);
        for (int j = 0; j < g.k; j++) {
            if (st.s0[j] <= COLLAPSE_FRACTION * st.weightSum) {
                System.arraycopy(reseed.randomRow(rnd), 0, means, j * d, d);
                if (g.type != CovarianceType.TIED) {
                    System.arraycopy(dataCov, 0, cov, j * dataCov.length, dataCov.length);
                }
                weights[j] = 1.0 / g.k;
                String msg = "component " + j + " re-seeded at iteration " + iter + " (its weight collapsed to "
                        + st.s0[j] / st.weightSum + ")";
                events.add(msg);
                listener.event(msg);
            }
        }
        double s = 0;
        for (double v : weights) {
            s += v;
        }
        for (int j = 0; j < g.k; j++) {
            weights[j] /= s;
        }
        return Gaussians.of(g.type, weights, means, cov, iter);
    }
}
