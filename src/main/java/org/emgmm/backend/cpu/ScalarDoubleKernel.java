package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The plain-Java kernel in double: the block algorithm of {@link Kernel} with scalar loops over contiguous samples
 * (which the JIT may auto-vectorise). Used when the JVM has no Vector API, or when it is switched off.
 * Per block: log-densities (Mahalanobis through the precision factors, summed over features in order, as
 * {@link org.emgmm.em.Gaussians#mahalanobis}), log-sum-exp with exp skipped below the normal range (see
 * {@link Kernel}), then the
 * weighted sums over the samples whose responsibility is not 0.
 */
final class ScalarDoubleKernel extends Kernel {
    private final double[] rows;
    private final double[] x;
    private final double[] w;
    private final double[] lp;
    private final double[] t;
    private final double[] rt;
    private final double[] y;
    private final double[] m;
    private final int[] idx;

    ScalarDoubleKernel(Dataset data, int k) {
        super(data, k);
        rows = new double[BLOCK * d];
        x = new double[d * BLOCK];
        w = new double[BLOCK];
        lp = new double[k * BLOCK];
        t = new double[d * BLOCK];
        rt = new double[d * BLOCK];
        y = new double[BLOCK];
        m = new double[BLOCK];
        idx = new int[BLOCK];
    }

    @Override
    void block(Params p, long start, int n, SufficientStatistics st) {
        data.read(start, n, rows, 0);
        data.readWeights(start, n, w, 0);
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[a * BLOCK + i] = rows[i * d + a];
            }
        }
        if (p.full) {
            logDensitiesFull(p, n);
        } else {
            logDensitiesDiag(p, n);
        }
        responsibilities(n, st);
        for (int j = 0; j < k; j++) {
            int cnt = 0;
            int o = j * BLOCK;
            for (int i = 0; i < n; i++) {
                if (lp[o + i] != 0) {
                    idx[cnt++] = i;
                }
            }
            if (cnt == 0) {
                continue;
            }
            if (p.full) {
                sumsFull(p, j, cnt, st);
            } else {
                sumsDiag(p, j, cnt, st);
            }
        }
    }

    private void logDensitiesDiag(Params p, int n) {
        for (int j = 0; j < k; j++) {
            int o = j * BLOCK;
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
            double c = p.logConst[j];
            for (int i = 0; i < n; i++) {
                lp[o + i] = c - 0.5 * m[i];
            }
        }
    }

    private void logDensitiesFull(Params p, int n) {
        for (int j = 0; j < k; j++) {
            centre(p, j, n);
            squaredNorms(t, p.prec, j * d * d, d, BLOCK, n, y, m);
            double lc = p.logConst[j];
            int o = j * BLOCK;
            for (int i = 0; i < n; i++) {
                lp[o + i] = lc - 0.5 * m[i];
            }
        }
    }

    /**
     * The squared Mahalanobis norms of a block, ‖(x − μ)ᵀU‖² (full/tied; U upper triangular, row-major at
     * {@code prec[po]}), column by column of U in a fixed order: shared by the fit's and the scoring's plain-Java
     * kernels, so both give the same bits.
     *
     * @param t the centred block, feature-major: t[a * stride + i] = xᵢₐ − μₐ
     * @param prec the precision factors
     * @param po offset of this component's U
     * @param d features
     * @param stride row stride of {@code t} (the block size)
     * @param n samples in the block
     * @param y scratch of at least n
     * @param m out: the n squared norms
     */
    static void squaredNorms(double[] t, double[] prec, int po, int d, int stride, int n, double[] y, double[] m) {
        java.util.Arrays.fill(m, 0, n, 0.0);
        for (int c = 0; c < d; c++) {
            java.util.Arrays.fill(y, 0, n, 0.0);
            for (int r = 0; r <= c; r++) {
                double u = prec[po + r * d + c];
                int to = r * stride;
                for (int i = 0; i < n; i++) {
                    y[i] += t[to + i] * u;
                }
            }
            for (int i = 0; i < n; i++) {
                m[i] += y[i] * y[i];
            }
        }
    }

    /** t = x − μⱼ for the whole block. */
    private void centre(Params p, int j, int n) {
        for (int a = 0; a < d; a++) {
            double mu = p.means[j * d + a];
            int o = a * BLOCK;
            for (int i = 0; i < n; i++) {
                t[o + i] = x[o + i] - mu;
            }
        }
    }

    /** Replaces the log-densities by ωᵢ·responsibility and adds the block's log-likelihood. */
    private void responsibilities(int n, SufficientStatistics st) {
        // in locals, written back once: the statistics object may share a cache line with another thread's data
        double logLik = st.logLik;
        double weightSum = st.weightSum;
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                for (int j = 0; j < k; j++) {
                    lp[j * BLOCK + i] = 0;
                }
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, lp[j * BLOCK + i]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double z = lp[j * BLOCK + i] - max;
                double e = z < EXP_UNDERFLOW_D ? 0 : Math.exp(z);
                lp[j * BLOCK + i] = e;
                sum += e;
            }
            logLik += wi * (max + Math.log(sum));
            weightSum += wi;
            double scale = wi / sum;
            for (int j = 0; j < k; j++) {
                lp[j * BLOCK + i] *= scale;
            }
        }
        st.logLik = logLik;
        st.weightSum = weightSum;
    }

    private void sumsDiag(Params p, int j, int cnt, SufficientStatistics st) {
        int o = j * BLOCK;
        double s0 = 0;
        for (int q = 0; q < cnt; q++) {
            s0 += lp[o + idx[q]];
        }
        st.s0[j] += s0;
        for (int a = 0; a < d; a++) {
            double c = p.means[j * d + a];
            int xo = a * BLOCK;
            double s1 = 0;
            double s2 = 0;
            for (int q = 0; q < cnt; q++) {
                int i = idx[q];
                double tv = x[xo + i] - c;
                double v = lp[o + i] * tv;
                s1 += v;
                s2 += v * tv;
            }
            st.s1[j * d + a] += s1;
            st.s2[j * d + a] += s2;
        }
    }

    private void sumsFull(Params p, int j, int cnt, SufficientStatistics st) {
        int o = j * BLOCK;
        double s0 = 0;
        for (int q = 0; q < cnt; q++) {
            s0 += lp[o + idx[q]];
        }
        st.s0[j] += s0;
        for (int a = 0; a < d; a++) {
            double c = p.means[j * d + a];
            int xo = a * BLOCK;
            double s1 = 0;
            for (int q = 0; q < cnt; q++) {
                int i = idx[q];
                double tv = x[xo + i] - c;
                double v = lp[o + i] * tv;
                t[xo + q] = tv;
                rt[xo + q] = v;
                s1 += v;
            }
            st.s1[j * d + a] += s1;
        }
        int so = j * d * d;
        for (int a = 0; a < d; a++) {
            int ao = a * BLOCK;
            for (int b = a; b < d; b++) {
                int bo = b * BLOCK;
                double s2 = 0;
                for (int q = 0; q < cnt; q++) {
                    s2 += rt[ao + q] * t[bo + q];
                }
                st.s2[so + a * d + b] += s2;
            }
        }
    }
}
