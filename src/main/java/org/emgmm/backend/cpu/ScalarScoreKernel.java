package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;

/**
 * The plain-Java scoring kernel, used when the JVM has no Vector API or it is switched off: scalar loops over
 * contiguous samples (which the JIT may auto-vectorise), in double whatever the backend's precision (the float
 * backend reads its data as float). The Mahalanobis sums run over the features in the order of
 * {@link org.emgmm.em.Gaussians#mahalanobis}.
 */
final class ScalarScoreKernel extends ScoreKernel {
    private final boolean readFloat;
    private final double[] rows;
    private final float[] rowsF;
    private final double[] x;
    private final double[] t;
    private final double[] m;
    private final double[] y;
    private final double[] lp;

    /**
     * @param data the samples
     * @param k components
     * @param readFloat whether to read the data rounded to float (the float backend)
     */
    ScalarScoreKernel(Dataset data, int k, boolean readFloat) {
        super(data, k);
        this.readFloat = readFloat;
        rows = new double[BLOCK * d];
        rowsF = readFloat ? new float[BLOCK * d] : null;
        x = new double[d * BLOCK];
        t = new double[d * BLOCK];
        m = new double[BLOCK];
        y = new double[BLOCK];
        lp = new double[k * BLOCK];
    }

    @Override
    void block(Params p, long start, int n, boolean labels, double[] proba, int probaOff) {
        read(start, n);
        for (int j = 0; j < k; j++) {
            if (p.full) {
                mahalanobisFull(p, j, n);
            } else {
                mahalanobisDiag(p, j, n);
            }
            double c = p.logConst[j];
            int o = j * BLOCK;
            for (int i = 0; i < n; i++) {
                lp[o + i] = c - 0.5 * m[i];
            }
        }
        for (int i = 0; i < n; i++) {
            finishRow(i, labels, proba, probaOff + i * k);
        }
    }

    private void read(long start, int n) {
        if (readFloat) {
            data.read(start, n, rowsF, 0);
            for (int i = 0; i < n * d; i++) {
                rows[i] = rowsF[i];
            }
        } else {
            data.read(start, n, rows, 0);
        }
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[a * BLOCK + i] = rows[i * d + a];
            }
        }
    }

    private void mahalanobisDiag(Params p, int j, int n) {
        java.util.Arrays.fill(m, 0, n, 0.0);
        for (int a = 0; a < d; a++) {
            double mu = p.means[j * d + a];
            double pr = p.prec[j * d + a];
            int xo = a * BLOCK;
            for (int i = 0; i < n; i++) {
                double v = (x[xo + i] - mu) * pr;
                m[i] += v * v;
            }
        }
    }

    private void mahalanobisFull(Params p, int j, int n) {
        for (int a = 0; a < d; a++) {
            double mu = p.means[j * d + a];
            int o = a * BLOCK;
            for (int i = 0; i < n; i++) {
                t[o + i] = x[o + i] - mu;
            }
        }
        ScalarDoubleKernel.squaredNorms(t, p.prec, j * d * d, d, BLOCK, n, y, m);
    }

    /** Log-sum-exp, label and responsibilities of row i of the block. */
    private void finishRow(int i, boolean labels, double[] proba, int po) {
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int j = 0; j < k; j++) {
            double v = lp[j * BLOCK + i];
            if (v > max) {
                max = v;
                best = j;
            }
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double z = lp[j * BLOCK + i] - max;
            double e = z < Kernel.EXP_UNDERFLOW_D ? 0 : Math.exp(z);
            lp[j * BLOCK + i] = e;
            sum += e;
        }
        logp[i] = max + Math.log(sum);
        if (labels) {
            label[i] = best;
        }
        if (proba != null) {
            double inv = 1 / sum;
            for (int j = 0; j < k; j++) {
                proba[po + j] = lp[j * BLOCK + i] * inv;
            }
        }
    }
}
