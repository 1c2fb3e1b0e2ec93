package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The plain-Java kernel in float: per-sample arithmetic in float (data read as float), each block's partial sums
 * in float then added into the double statistics about the double means ({@link Kernel#addShifted}); the block
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
    private final float[] rt;
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
        rt = new float[d * BLOCK];
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
        float s0 = 0;
        for (int q = 0; q < cnt; q++) {
            s0 += lp[o + idx[q]];
        }
        for (int a = 0; a < d; a++) {
            float c = p.meansF[j * d + a];
            int xo = a * BLOCK;
            float s1 = 0;
            float s2 = 0;
            for (int q = 0; q < cnt; q++) {
                int i = idx[q];
                float tv = x[xo + i] - c;
                float v = lp[o + i] * tv;
                s1 += v;
                s2 += v * tv;
            }
            bs1[a] = s1;
            bs2[a] = s2;
        }
        addShifted(p, j, p.meansFD, j * d, s0, bs1, bs2, st);
    }

    private void sumsFull(Params p, int j, int cnt, SufficientStatistics st) {
        int o = j * BLOCK;
        float s0 = 0;
        for (int q = 0; q < cnt; q++) {
            s0 += lp[o + idx[q]];
        }
        for (int a = 0; a < d; a++) {
            float c = p.meansF[j * d + a];
            int xo = a * BLOCK;
            float s1 = 0;
            for (int q = 0; q < cnt; q++) {
                int i = idx[q];
                float tv = x[xo + i] - c;
                float v = lp[o + i] * tv;
                t[xo + q] = tv;
                rt[xo + q] = v;
                s1 += v;
            }
            bs1[a] = s1;
        }
        for (int a = 0; a < d; a++) {
            int ao = a * BLOCK;
            for (int b = a; b < d; b++) {
                int bo = b * BLOCK;
                float s2 = 0;
                for (int q = 0; q < cnt; q++) {
                    s2 += rt[ao + q] * t[bo + q];
                }
                bs2[a * d + b] = s2;
            }
        }
        addShifted(p, j, p.meansFD, j * d, s0, bs1, bs2, st);
    }
}
