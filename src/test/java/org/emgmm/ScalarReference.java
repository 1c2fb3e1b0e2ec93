package org.emgmm;

import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The one scalar reference E step of the tests: every backend's pass ({@link #statistics}) and scoring outputs
 * (the constructor) are checked against it. One sample at a time in double, in row order: log φⱼ N(x | μⱼ, Σⱼ) from
 * {@link Gaussians#mahalanobis} (scikit-learn's parameterisation, ‖(x − μⱼ)ᵀUⱼ‖²), log p(x) by log-sum-exp,
 * responsibilities exp(log φⱼN − log p), sums about the current means. No blocks, no vectors, no pruning, no
 * cut-off: the plain formulas of DESIGN.md, which the fits built on them match against scikit-learn
 * ({@code ReferenceFitTest}).
 */
public final class ScalarReference {
    /** Rows read from a dataset at a time. */
    private static final int BLOCK = 1024;

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
     * Every scoring output of a model, row by row.
     *
     * @param m the model
     * @param data the samples (weights respected in the score)
     */
    public ScalarReference(MixtureModel m, Dataset data) {
        Gaussians g = m.gaussians();
        int n = (int) data.rows();
        int d = data.dims();
        double[] x = new double[n * d];
        double[] w = new double[n];
        data.read(0, n, x, 0);
        data.readWeights(0, n, w, 0);
        logProb = new double[n];
        proba = new double[n][];
        labels = new int[n];
        double[] tmp = new double[d];
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double[] lp = new double[g.k];
            logProb[i] = logJoint(g, x, i * d, tmp, lp);
            int best = 0;
            for (int j = 1; j < g.k; j++) {
                if (lp[j] > lp[best]) {
                    best = j;
                }
            }
            for (int j = 0; j < g.k; j++) {
                lp[j] = Math.exp(lp[j] - logProb[i]);
            }
            proba[i] = lp;
            labels[i] = best;
            num += w[i] * logProb[i];
            den += w[i];
        }
        score = num / den;
        bic = -2 * score * den + m.nParameters() * Math.log(den);
        aic = -2 * score * den + 2 * m.nParameters();
    }

    /**
     * log φⱼ + log N(x | μⱼ, Σⱼ) for every component, and their log-sum-exp.
     *
     * @param g parameters
     * @param x samples, row-major
     * @param off offset of the sample
     * @param tmp scratch of length D
     * @param out K outputs
     * @return log p(x)
     */
    public static double logJoint(Gaussians g, double[] x, int off, double[] tmp, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < g.k; j++) {
            out[j] = g.logConst[j] - 0.5 * g.mahalanobis(x, off, j, tmp);
            max = Math.max(max, out[j]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (int j = 0; j < g.k; j++) {
            s += Math.exp(out[j] - max);
        }
        return max + Math.log(s);
    }

    /**
     * The sufficient statistics of DESIGN.md of every row with a non-zero weight, accumulated in double in row order
     * (rows of weight 0 are skipped: they add nothing, and an all-underflowing row would add 0 · NaN).
     *
     * @param data the samples
     * @param g parameters (the shifts are their means)
     * @return the statistics
     */
    public static SufficientStatistics statistics(Dataset data, Gaussians g) {
        int d = data.dims();
        SufficientStatistics st = new SufficientStatistics(g.k, d, g.type);
        double[] x = new double[BLOCK * d];
        double[] w = new double[BLOCK];
        double[] lp = new double[g.k];
        double[] tmp = new double[d];
        for (long start = 0; start < data.rows(); start += BLOCK) {
            int count = (int) Math.min(BLOCK, data.rows() - start);
            data.read(start, count, x, 0);
            data.readWeights(start, count, w, 0);
            for (int i = 0; i < count; i++) {
                if (w[i] != 0) {
                    addRow(st, g, x, i * d, w[i], tmp, lp);
                }
            }
        }
        return st;
    }

    private static void addRow(SufficientStatistics st, Gaussians g, double[] x, int off, double wi, double[] tmp,
                               double[] lp) {
        int d = g.d;
        boolean outer = g.type.needsOuterProducts();
        double lse = logJoint(g, x, off, tmp, lp);
        st.logLik += wi * lse;
        st.weightSum += wi;
        for (int j = 0; j < g.k; j++) {
            double r = wi * Math.exp(lp[j] - lse);
            st.s0[j] += r;
            for (int a = 0; a < d; a++) {
                tmp[a] = x[off + a] - g.means[j * d + a];
                st.s1[j * d + a] += r * tmp[a];
            }
            for (int a = 0; a < d; a++) {
                if (outer) {
                    for (int b = a; b < d; b++) {
                        st.s2[(j * d + a) * d + b] += r * tmp[a] * tmp[b];
                    }
                } else {
                    st.s2[j * d + a] += r * tmp[a] * tmp[a];
                }
            }
        }
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
