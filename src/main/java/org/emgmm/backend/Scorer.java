package org.emgmm.backend;

import java.util.Set;
import org.emgmm.em.Gaussians;

/**
 * Scoring passes over one dataset (everything after a fit: scikit-learn's {@code score}, {@code score_samples},
 * {@code predict}, {@code predict_proba}, and BIC and AIC from the total): per row the log-densities of every
 * component, log p(x) = log Σⱼ φⱼ N(x | μⱼ, Σⱼ) by log-sum-exp, and what is asked of {@link RowOutput}, block by block
 * and streamed to a {@link ScoreSink}, never N×K at once. Opened by {@link Backend#scorer}; the same backend
 * arithmetic as the fit's pass, without the weighted sums. Per-row outputs depend only on the row and the
 * parameters; totals are summed in a fixed order, so every call gives the same bits.
 */
public interface Scorer extends AutoCloseable {

    /**
     * One pass over every row.
     *
     * @param params the parameters (their shape must match the scorer's)
     * @param outputs what to write per row (may be empty: totals only)
     * @param sink receives the blocks in row order
     * @param <T> what the sink converts blocks to
     * @return the totals over all rows
     */
    <T> ScoreTotals run(Gaussians params, Set<RowOutput> outputs, ScoreSink<T> sink);

    /** Releases what the scorer holds (never the backend's shared resources). */
    @Override
    void close();
}
