package org.emgmm.em;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.emgmm.config.CovarianceType;

/**
 * The EM iterations of one initialisation, as scikit-learn's {@code BaseMixture.fit_predict} runs them: each
 * iteration is one E step (the backend's pass, which also yields the mean log-likelihood of the current
 * parameters, the lower bound) and one M step on the host; convergence when the lower bound changes by less than
 * {@code tol}. The lower bound reported for iteration t is that of the parameters before its M step.
 */
public final class EmLoop {
    /** A component whose responsibility sum falls to this fraction of the total weight or below is re-seeded. */
    public static final double COLLAPSE_FRACTION = 1e-12;

    /**
     * The outcome of one initialisation, and also the loop's state after an iteration: everything needed to
     * continue it (with the generator replayed, see {@link #reseedDraws}).
     */
    public static final class Result {
        /** Relative difference of final lower bounds within which two initialisations tie ({@link #beats}). */
        public static final double TIE = 1e-10;
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
        /**
         * How many rows re-seeding has drawn from the initialisation's generator so far: replaying that many
         * {@link Initializer#randomRow} calls after the initialisation puts the generator where it was.
         */
        public final int reseedDraws;
        /** Whether the loop has ended by convergence or the iteration limit (not by a stop). */
        public final boolean done;

        Result(Gaussians params, double[] history, boolean converged, boolean stopped, List<String> events,
               int reseedDraws, boolean done) {
            this.params = params;
            this.history = history;
            this.converged = converged;
            this.stopped = stopped;
            this.events = List.copyOf(events);
            this.reseedDraws = reseedDraws;
            this.done = done;
        }

        /**
         * A state restored from a checkpoint, to continue with {@link EmLoop#run(EStep, Result, double, double,
         * int, int, Initializer, SplittableRandom, LoopListener, Consumer)}.
         *
         * @param params parameters after the last iteration
         * @param history lower bound per iteration so far
         * @param converged whether the last iteration met the tolerance
         * @param events re-seeding events so far
         * @param reseedDraws rows drawn for re-seeding so far
         * @param done whether the loop had ended
         * @return the state
         */
        public static Result restored(Gaussians params, double[] history, boolean converged, List<String> events,
                                      int reseedDraws, boolean done) {
            return new Result(params, history.clone(), converged, false, events, reseedDraws, done);
        }

        /**
         * @param start starting parameters
         * @return the state before the first iteration
         */
        public static Result start(Gaussians start) {
            return new Result(start, new double[0], false, false, List.of(), 0, false);
        }

        /**
         * Whether this initialisation's result replaces {@code best} as the fit's answer: its final lower bound is
         * higher by more than {@value #TIE} relative (at least {@value #TIE} absolute). Initialisations that end
         * within that of each other are a tie, and the earlier one stays: two restarts that reach the same optimum
         * (often with the components in another order) differ only by rounding, which changes with the order of the
         * sums (threads, partitions, devices), so a plain {@code >} would let that rounding choose the answer.
         *
         * @param best the best result so far, or null
         * @return whether this one is better
         */
        public boolean beats(Result best) {
            if (best == null) {
                return true;
            }
            double bestLb = best.lowerBound();
            return lowerBound() > bestLb + TIE * Math.max(1.0, Math.abs(bestLb)); // false with NaN, as before
        }

        /** @return the last lower bound, or NaN when no iteration ran */
        public double lowerBound() {
            return history.length == 0 ? Double.NaN : history[history.length - 1];
        }

        /** @return iterations run */
        public int iterations() {
            return history.length;
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
    public static Result run(EStep pass, Gaussians start, double tol, double regCovar, int maxIter, int init,
                             Initializer reseed, SplittableRandom rnd, LoopListener listener) {
        return run(pass, Result.start(start), tol, regCovar, maxIter, init, reseed, rnd, listener, s -> { });
    }

    /**
     * Runs EM from a start or continues it from a state after some iterations (a checkpoint): the iteration
     * count, the lower-bound history (whose last value is the previous lower bound of the convergence test) and
     * the events carry on, so a continued loop gives the same bits as one never interrupted, provided {@code rnd}
     * is in the state it had then (see {@link Result#reseedDraws}).
     *
     * @param pass the backend pass over the data
     * @param from the state to continue from ({@link Result#start} for a fresh start)
     * @param tol convergence threshold
     * @param regCovar regularisation
     * @param maxIter iteration limit
     * @param init initialisation index, for the listener
     * @param reseed source of rows for re-seeding collapsed components
     * @param rnd generator for re-seeding
     * @param listener progress listener
     * @param states receives the state after every iteration (after the convergence test, before a stop), and
     *               once for a loop of no iterations
     * @return the result
     */
    public static Result run(EStep pass, Result from, double tol, double regCovar, int maxIter, int init,
                             Initializer reseed, SplittableRandom rnd, LoopListener listener,
                             Consumer<Result> states) {
        Gaussians params = from.params;
        List<Double> history = new ArrayList<>();
        for (double v : from.history) {
            history.add(v);
        }
        double lb = history.isEmpty() ? Double.NEGATIVE_INFINITY : history.get(history.size() - 1);
        List<String> events = new ArrayList<>(from.events);
        int[] draws = {from.reseedDraws};
        boolean converged = from.converged;
        boolean stopped = false;
        if (maxIter == 0 && history.isEmpty()) {
            states.accept(new Result(params, new double[0], false, false, events, draws[0], true));
        }
        for (int iter = history.size() + 1; iter <= maxIter && !converged; iter++) {
            long t0 = System.nanoTime();
            double prev = lb;
            SufficientStatistics st = pass.accumulate(params);
            lb = st.logLik / st.weightSum;
            history.add(lb);
            params = MStep.apply(st, params.means, regCovar, iter);
            params = reseedCollapsed(params, st, iter, regCovar, reseed, rnd, draws, events, listener);
            double change = lb - prev;
            listener.iteration(init, iter, lb, iter == 1 ? Double.NaN : change, System.nanoTime() - t0);
            converged = Math.abs(change) < tol;
            states.accept(new Result(params, toArray(history), converged, false, events, draws[0],
                    converged || iter == maxIter));
            if (converged) {
                break;
            }
            if (listener.stopRequested()) {
                stopped = true;
                break;
            }
        }
        return new Result(params, toArray(history), converged, stopped, events, draws[0], !stopped);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Moves every component whose weight collapsed onto a random sample row, with the data's covariance and an
     * equal share of weight (weights renormalised), and reports it.
     */
    private static Gaussians reseedCollapsed(Gaussians g, SufficientStatistics st, int iter, double regCovar,
                                             Initializer reseed, SplittableRandom rnd, int[] draws,
                                             List<String> events, LoopListener listener) {
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
                draws[0]++;
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
