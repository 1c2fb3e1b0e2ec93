package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The plain-Java kernel in double: the block algorithm of {@link Kernel} with scalar loops over contiguous samples
 * (which the JIT may auto-vectorise). Used when the JVM has no Vector API, or when it is switched off. The template
 * of {@code ScalarFloatKernel} (generated at build time, see the README's developer notes), whose per-sample
 * arithmetic is 32-bit and whose weighted sums are 64-bit, from the 32-bit values about the rounded means, shifted
 * exactly to the 64-bit means ({@link Kernel#addShifted}; issue 14).
 * Per block: log-densities (Mahalanobis through the precision factors, summed over features in order, as
 * {@link org.emgmm.em.Gaussians#mahalanobis}), log-sum-exp with exp skipped below the normal range (see
 * {@link Kernel}), then the
 * weighted sums over the samples whose responsibility is not 0.
 */
final class ScalarDoubleKernel extends Kernel {
    private final double[] rows;
    private final double[] x;
    /** The weights, 64-bit in both kernels. */
    private final double[] w; //#keep
    private final double[] lp;
    private final double[] t;
    /** The listed samples' x − μ and ω·r·(x − μ), 64-bit in both kernels. */
    private final double[] td; //#keep
    private final double[] vd; //#keep
    /** One component's block sums S1 and S2 before {@link Kernel#addShifted}. */
    private final double[] bs1; //#keep
    private final double[] bs2; //#keep
    private final double[] y;
    private final double[] m;
    private final int[] idx;

    ScalarDoubleKernel(Dataset data, int k) {
        super(data, k);
        rows = new double[BLOCK * d];
        x = new double[d * BLOCK];
        w = new double[BLOCK]; //#keep
        lp = new double[k * BLOCK];
        t = new double[d * BLOCK];
        td = new double[d * BLOCK]; //#keep
        vd = new double[d * BLOCK]; //#keep
        bs1 = new double[d]; //#keep
        bs2 = new double[d * d]; //#keep
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
        double logLik = st.logLik; //#keep
        double weightSum = st.weightSum; //#keep
        for (int i = 0; i < n; i++) {
            double wi = w[i]; //#keep
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
                double e = z < EXP_UNDERFLOW_D ? 0 : (double) Math.exp(z);
                lp[j * BLOCK + i] = e;
                sum += e;
            }
            logLik += wi * (max + Math.log(sum));
            weightSum += wi;
            double scale = (double) (wi / sum);
            for (int j = 0; j < k; j++) {
                lp[j * BLOCK + i] *= scale;
            }
        }
        st.logLik = logLik;
        st.weightSum = weightSum;
    }

    private void sumsDiag(Params p, int j, int cnt, SufficientStatistics st) {
        int o = j * BLOCK;
        double s0 = 0; //#keep
        for (int q = 0; q < cnt; q++) {
            s0 += lp[o + idx[q]];
        }
        for (int a = 0; a < d; a++) {
            double c = p.means[j * d + a]; //#double-only
            //#float-only double c = p.meansFD[j * d + a];
            int xo = a * BLOCK;
            double s1 = 0; //#keep
            double s2 = 0; //#keep
            for (int q = 0; q < cnt; q++) {
                int i = idx[q];
                double tv = x[xo + i] - c; //#keep
                double v = lp[o + i] * tv; //#keep
                s1 += v;
                s2 += v * tv;
            }
            bs1[a] = s1;
            bs2[a] = s2;
        }
        shift(p, j, s0, st);
    }

    private void sumsFull(Params p, int j, int cnt, SufficientStatistics st) {
        int o = j * BLOCK;
        double s0 = 0; //#keep
        for (int q = 0; q < cnt; q++) {
            s0 += lp[o + idx[q]];
        }
        for (int a = 0; a < d; a++) {
            double c = p.means[j * d + a]; //#double-only
            //#float-only double c = p.meansFD[j * d + a];
            int xo = a * BLOCK;
            double s1 = 0; //#keep
            for (int q = 0; q < cnt; q++) {
                int i = idx[q];
                double tv = x[xo + i] - c; //#keep
                double v = lp[o + i] * tv; //#keep
                td[xo + q] = tv;
                vd[xo + q] = v;
                s1 += v;
            }
            bs1[a] = s1;
        }
        for (int a = 0; a < d; a++) {
            int ao = a * BLOCK;
            for (int b = a; b < d; b++) {
                int bo = b * BLOCK;
                double s2 = 0; //#keep
                for (int q = 0; q < cnt; q++) {
                    s2 += vd[ao + q] * td[bo + q];
                }
                bs2[a * d + b] = s2;
            }
        }
        shift(p, j, s0, st);
    }

    /**
     * Adds component j's block sums, taken about the means the sums used (here the means themselves, so the shift
     * adds exact zeros; in the generated 32-bit kernel the rounded means), into {@code st} about the 64-bit means.
     */
    private void shift(Params p, int j, double s0, SufficientStatistics st) { //#keep
        addShifted(p, j, p.means, j * d, s0, bs1, bs2, st); //#double-only
        //#float-only addShifted(p, j, p.meansFD, j * d, s0, bs1, bs2, st);
    }
}
