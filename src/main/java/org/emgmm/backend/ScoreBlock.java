package org.emgmm.backend;

/**
 * The outputs of one block of consecutive rows of a scoring pass: the per-row arrays a pass was asked for
 * ({@link RowOutput}; null otherwise) and the block's share of the totals. A block is filled by one worker and then
 * handed, once, to a {@link ScoreSink}; it is never reused, so a sink may keep its arrays.
 */
public final class ScoreBlock {
    private final long start;
    private final int count;
    private final int k;
    private final double[] logProb;
    private final int[] labels;
    private final double[] proba;
    private double logLik;
    private double weightSum;

    /**
     * @param start first row
     * @param count number of rows
     * @param k number of components
     * @param logProb whether to hold log p(xᵢ) per row
     * @param labels whether to hold the label per row
     * @param proba whether to hold the K responsibilities per row
     */
    public ScoreBlock(long start, int count, int k, boolean logProb, boolean labels, boolean proba) {
        this.start = start;
        this.count = count;
        this.k = k;
        this.logProb = logProb ? new double[count] : null;
        this.labels = labels ? new int[count] : null;
        this.proba = proba ? new double[count * k] : null;
    }

    /** @return the first row of the block */
    public long start() {
        return start;
    }

    /** @return the number of rows */
    public int count() {
        return count;
    }

    /** @return the number of components */
    public int k() {
        return k;
    }

    /** @return log p(xᵢ) of each row, or null when not asked for (the array itself, not a copy) */
    public double[] logProb() {
        return logProb;
    }

    /** @return the most probable component of each row, or null when not asked for (the array itself) */
    public int[] labels() {
        return labels;
    }

    /** @return the responsibilities, row-major count×K, or null when not asked for (the array itself) */
    public double[] proba() {
        return proba;
    }

    /** @return Σ ωᵢ log p(xᵢ) over the block's rows of non-zero weight, in row order */
    public double logLik() {
        return logLik;
    }

    /** @return Σ ωᵢ over the block's rows */
    public double weightSum() {
        return weightSum;
    }

    /**
     * Sets the block's totals (by the pass that fills it).
     *
     * @param logLik Σ ωᵢ log p(xᵢ)
     * @param weightSum Σ ωᵢ
     */
    public void totals(double logLik, double weightSum) {
        this.logLik = logLik;
        this.weightSum = weightSum;
    }
}
