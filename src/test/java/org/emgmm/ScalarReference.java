package org.emgmm;

import org.emgmm.data.Dataset;

/**
 * The scalar reference of every scoring output: row by row through the single-sample methods of
 * {@link MixtureModel} ({@code scoreSample}, {@code predictProba}, {@code predict}), which evaluate
 * {@link org.emgmm.em.Gaussians#logJoint} — the formula every backend implements, in plain double loops.
 */
public final class ScalarReference {
    /** log p(xᵢ) per row. */
    public final double[] logProb;
    /** Responsibilities per row. */
    public final double[][] proba;
    /** The most probable component per row. */
    public final int[] labels;
    /** Σ ωᵢ log p(xᵢ) / Σ ωᵢ in row order. */
    public final double score;
    /** BIC from {@link #score}. */
    public final double bic;
    /** AIC from {@link #score}. */
    public final double aic;

    /**
     * @param m the model
     * @param data the samples (weights respected in the score)
     */
    public ScalarReference(MixtureModel m, Dataset data) {
        int n = (int) data.rows();
        int d = data.dims();
        double[] x = new double[n * d];
        double[] w = new double[n];
        data.read(0, n, x, 0);
        data.readWeights(0, n, w, 0);
        logProb = new double[n];
        proba = new double[n][];
        labels = new int[n];
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double[] row = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
            logProb[i] = m.scoreSample(row);
            proba[i] = m.predictProba(row);
            labels[i] = m.predict(row);
            num += w[i] * logProb[i];
            den += w[i];
        }
        score = num / den;
        bic = -2 * score * den + m.nParameters() * Math.log(den);
        aic = -2 * score * den + 2 * m.nParameters();
    }

    /**
     * Whether row i's two likeliest components are within {@code tol} of each other in probability, so that its
     * label may differ by rounding.
     *
     * @param i row
     * @param tol tolerance on the responsibilities
     * @return whether the label of row i is a near-tie
     */
    public boolean nearTie(int i, double tol) {
        double first = -1;
        double second = -1;
        for (double p : proba[i]) {
            if (p > first) {
                second = first;
                first = p;
            } else if (p > second) {
                second = p;
            }
        }
        return first - second <= tol;
    }
}
