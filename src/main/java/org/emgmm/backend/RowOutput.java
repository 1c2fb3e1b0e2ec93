package org.emgmm.backend;

/** What a scoring pass ({@link Scorer}) writes for each row, beside the totals it always returns. */
public enum RowOutput {
    /** log p(xᵢ), scikit-learn's {@code score_samples}. */
    LOG_PROB,
    /** The most probable component (the first of equal ones), scikit-learn's {@code predict}. */
    LABEL,
    /** The K responsibilities p(j | xᵢ), row-major, scikit-learn's {@code predict_proba}. */
    PROBA
}
