package org.emgmm.backend;

/**
 * What one scoring pass adds up over all rows: Σ ωᵢ log p(xᵢ) and Σ ωᵢ (ωᵢ the sample weight, 1 without weights;
 * rows of weight 0 are left out of both), summed per block in row order and the blocks in order, so the same data
 * and parameters give the same bits at any thread count.
 *
 * @param logLik Σ ωᵢ log p(xᵢ)
 * @param weightSum Σ ωᵢ (the number of rows when unweighted)
 * @param rows the number of rows scored
 */
public record ScoreTotals(double logLik, double weightSum, long rows) {

    /** @return the weighted mean log-likelihood Σ ωᵢ log p(xᵢ) / Σ ωᵢ (scikit-learn's {@code score}) */
    public double mean() {
        return logLik / weightSum;
    }
}
