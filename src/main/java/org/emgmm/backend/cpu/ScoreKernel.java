package org.emgmm.backend.cpu;

import org.emgmm.backend.ScoreBlock;
import org.emgmm.data.Dataset;

/**
 * One worker's scratch space and per-block arithmetic for the scoring pass: per block of {@link Kernel#BLOCK}
 * rows (feature-major, as the fit's kernels), the log-densities of every component
 * logφⱼ + log N(x | μⱼ, Σⱼ) = logConstⱼ − ½‖(x − μⱼ)ᵀUⱼ‖² (scikit-learn's parameterisation, {@link
 * org.emgmm.em.Gaussians}), then per row log p(x) by log-sum-exp (e^z taken as 0 below the normal range,
 * {@link Kernel#EXP_UNDERFLOW_D}), the first most probable component, and the responsibilities e^(zⱼ − max) / Σ.
 * Subclasses do the arithmetic; this class moves the results into the {@link ScoreBlock} and adds the block's
 * totals in row order. A kernel is used by one thread at a time.
 */
abstract class ScoreKernel {
    static final int BLOCK = Kernel.BLOCK;

    final Dataset data;
    final int d;
    final int k;
    /** log p(x) of the block's rows. */
    final double[] logp = new double[BLOCK];
    /** The most probable component of the block's rows (when asked for). */
    final int[] label = new int[BLOCK];
    private final double[] w = new double[BLOCK];

    ScoreKernel(Dataset data, int k) {
        this.data = data;
        this.d = data.dims();
        this.k = k;
    }

    /**
     * Scores every row of {@code out} and sets its totals.
     *
     * @param p the parameters in the kernels' layout
     * @param out the block to fill
     */
    final void run(Params p, ScoreBlock out) {
        double logLik = 0;
        double weightSum = 0;
        double[] proba = out.proba();
        boolean labels = out.labels() != null;
        for (int s = 0; s < out.count(); s += BLOCK) {
            int n = Math.min(BLOCK, out.count() - s);
            long row = out.start() + s;
            block(p, row, n, labels, proba, s * k);
            if (out.logProb() != null) {
                System.arraycopy(logp, 0, out.logProb(), s, n);
            }
            if (labels) {
                System.arraycopy(label, 0, out.labels(), s, n);
            }
            data.readWeights(row, n, w, 0);
            for (int i = 0; i < n; i++) {
                if (w[i] != 0) {
                    logLik += w[i] * logp[i];
                    weightSum += w[i];
                }
            }
        }
        out.totals(logLik, weightSum);
    }

    /**
     * Scores rows {@code [start, start + n)}, {@code n ≤ BLOCK}: log p(x) into {@link #logp}, labels into
     * {@link #label} when asked, and the responsibilities row-major into {@code proba} from {@code probaOff} when
     * it is not null.
     */
    abstract void block(Params p, long start, int n, boolean labels, double[] proba, int probaOff);
}
