package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The plain-Java kernel in float: per-sample arithmetic in float (data read as float) up to the responsibilities;
 * each block's weighted sums in double from those float values (products of two floats are exact in double), then
 * added into the statistics about the double means ({@link Kernel#addShifted}); the block
 * algorithm of {@link Kernel} with scalar loops over contiguous samples (which the JIT may auto-vectorise). Used
 * when the JVM has no Vector API, or when it is switched off. Per block: log-densities (Mahalanobis through the
 * precision factors, summed over features in order, as {@link org.emgmm.em.Gaussians#mahalanobis}), log-sum-exp
 * with exp skipped below the normal range (see {@link Kernel}), then the weighted sums over the samples whose
 * responsibility is not 0.
 */
final class ScalarFloatKernel extends Kernel {
    private final float[] rows;
    private final float[] x;
    private final float[] w;
    private final double[] wd;
    private final float[] lp;
    private final float[] t;
    /** Full path: the listed samples' x − μ and ωw·(x − μ), in double. */
    private final double[] td;
    private final double[] vd;
    private final float[] y;
    private final float[] m;
    private final int[] idx;
    private final double[] bs1;
    private final double[] bs2;

    ScalarFloatKernel(Dataset data, int k) {
        super(data, k);
        rows = new float[BLOCK * d];
        x = new float[d * BLOCK];
        w = new float[BLOCK];
        wd = new double[BLOCK];
        lp = new float[k * BLOCK];
        t = new float[d * BLOCK];
        td = new double[d * BLOCK];
        vd = new double[d * BLOCK];
        y = new float[BLOCK];
        m = new float[BLOCK];
        idx = new int[BLOCK];
        bs1 = new double[d];
        bs2 = new double[d * d];
    }

    @Override
    void block(Params p, long start, int n, SufficientStatistics st) {
        data.read(start, n, rows, 0);
        data.readWeights(start, n, wd, 0);
        for (int i = 0; i < n; i++) {
            w[i] = (float) wd[i];
        }
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
            java.util.Arrays.fill(m, 0, n, 0.0f);
            for (int a = 0; a < d; a++) {
                float mu = p.meansF[j * d + a];
                float pr = p.precF[j * d + a];
                int xo = a * BLOCK;
                for (int i = 0; i < n; i++) {
                    float v = (x[xo + i] - mu) * pr;
                    m[i] += v * v;
                }
            }
            float c = p.logConstF[j];
            for (int i = 0; i < n; i++) {
                lp[o + i] = c - 0.5f * m[i];
            }
        }
    }

    private void logDensitiesFull(Params p, int n) {
        for (int j = 0; j < k; j++) {
            centre(p, j, n);
            int po = j * d * d;
            java.util.Arrays.fill(m, 0, n, 0.0f);
            for (int c = 0; c < d; c++) {
                java.util.Arrays.fill(y, 0, n, 0.0f);
                for (int r = 0; r <= c; r++) {
                    float u = p.precF[po + r * d + c];
                    int to = r * BLOCK;
                    for (int i = 0; i < n; i++) {
                        y[i] += t[to + i] * u;
                    }
                }
                for (int i = 0; i < n; i++) {
                    m[i] += y[i] * y[i];
                }
            }
            float lc = p.logConstF[j];
            int o = j * BLOCK;
            for (int i = 0; i < n; i++) {
                lp[o + i] = lc - 0.5f * m[i];
            }
        }
    }

    /** t = x − μⱼ for the whole block. */
    private void centre(Params p, int j, int n) {
        for (int a = 0; a < d; a++) {
            float mu = p.meansF[j * d + a];
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
            float wi = w[i];
            if (wi == 0) {
                for (int j = 0; j < k; j++) {
                    lp[j * BLOCK + i] = 0;
                }
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, lp[j * BLOCK + i]);
            }
            float sum = 0;
            for (int j = 0; j < k; j++) {
                float z = lp[j * BLOCK + i] - max;
                float e = z < EXP_UNDERFLOW_F ? 0 : (float) Math.exp(z);
                lp[j * BLOCK + i] = e;
                sum += e;
            }
            float lse = max + (float) Math.log(sum);
            logLik += wd[i] * lse;
            weightSum += wd[i];
            float scale = wi / sum;
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
        for (int a = 0; a < d; a++) {
            double c = p.meansF[j * d + a];
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
            bs1[a] = s1;
            bs2[a] = s2;
        }
        addShifted(p, j, p.meansFD, j * d, s0, bs1, bs2, st);
    }

    /**
     * The weighted sums in double from the float values (x − μ and ωw widened, so ωw·tₐ is exact and ωw·tₐ·t_b
     * rounded once in double): a consistent S0, S1, S2 whose covariance is positive semi-definite up to double
     * rounding, as {@link VectorFloatKernel}'s.
     */
    private void sumsFull(Params p, int j, int cnt, SufficientStatistics st) {
        int o = j * BLOCK;
        double s0 = 0;
        for (int q = 0; q < cnt; q++) {
            s0 += lp[o + idx[q]];
        }
        for (int a = 0; a < d; a++) {
            double c = p.meansF[j * d + a];
            int xo = a * BLOCK;
            double s1 = 0;
            for (int q = 0; q < cnt; q++) {
                int i = idx[q];
                double tv = x[xo + i] - c;
                double v = lp[o + i] * tv;
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
                double s2 = 0;
                for (int q = 0; q < cnt; q++) {
                    s2 += vd[ao + q] * td[bo + q];
                }
                bs2[a * d + b] = s2;
            }
        }
        addShifted(p, j, p.meansFD, j * d, s0, bs1, bs2, st);
    }
}
