package org.emgmm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;

/**
 * The Vector API scoring kernel in float ({@link org.emgmm.Precision#FLOAT}): the data read as float, the
 * parameters rounded to float, and the arithmetic of {@link VectorScoreKernel} in float lanes (twice as many per
 * vector); log p(x) = max + log Σ is formed in double, and responsibilities widened to double. exp and log
 * of the sum from {@link VectorMathF} (generated from {@link VectorMath}: Taylor to r⁷, atanh series to u⁹).
 */
final class VectorScoreKernelF extends ScoreKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vectors per group. */
    private static final int G = 4;

    private final float[] rows;
    private final float[] x;
    private final float[] t;
    private final float[] lp;
    private final float[] mx;
    private final float[] idx;
    private final float[] sm;
    private final float[] lg;
    /** diag/spherical: per component and feature (p, −μp) in float, for {@link #packedFor}. */
    private float[] packed;
    private Params packedFor;
    /** The vector length, not a constant to C2 (as {@link VectorBlock#step}). Deliberately not final. */
    private int step = L;

    VectorScoreKernelF(Dataset data, int k) {
        super(data, k);
        rows = new float[BLOCK * d];
        x = new float[d * BLOCK];
        t = new float[d * BLOCK];
        lp = new float[k * BLOCK];
        mx = new float[BLOCK];
        idx = new float[BLOCK];
        sm = new float[BLOCK];
        lg = new float[BLOCK];
    }

    @Override
    void block(Params p, long start, int n, boolean labels, double[] proba, int probaOff) {
        data.read(start, n, rows, 0);
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[a * BLOCK + i] = rows[i * d + a];
            }
        }
        int np = Kernel.padded(n, G * L);
        if (!p.full && packedFor != p) {
            pack(p);
        }
        for (int j = 0; j < k; j++) {
            if (p.full) {
                centre(p, j, np);
                densitiesFull(p, j, np);
            } else {
                densitiesDiag(p, j, np);
            }
        }
        maxAndLabel(np);
        expSums(np);
        logs(np);
        for (int i = 0; i < n; i++) {
            logp[i] = (double) mx[i] + lg[i];
        }
        if (labels) {
            for (int i = 0; i < n; i++) {
                label[i] = (int) idx[i];
            }
        }
        if (proba != null) {
            for (int i = 0; i < n; i++) {
                float inv = 1 / sm[i];
                int o = probaOff + i * k;
                for (int j = 0; j < k; j++) {
                    proba[o + j] = lp[j * BLOCK + i] * inv;
                }
            }
        }
    }

    private void pack(Params p) {
        packed = new float[2 * k * d];
        for (int i = 0; i < k * d; i++) {
            packed[2 * i] = p.precF[i];
            packed[2 * i + 1] = -(p.meansF[i] * p.precF[i]);
        }
        packedFor = p;
    }

    private void densitiesDiag(Params p, int j, int np) {
        float[] dp = packed;
        int base = 2 * j * d;
        float c = p.logConstF[j];
        int o = j * BLOCK;
        for (int i = 0; i < np; i += G * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int a = 0; a < d; a++) {
                float pr = dp[base + 2 * a];
                float nm = dp[base + 2 * a + 1];
                int xo = a * BLOCK + i;
                FloatVector v0 = FloatVector.fromArray(S, x, xo).fma(pr, nm);
                FloatVector v1 = FloatVector.fromArray(S, x, xo + L).fma(pr, nm);
                FloatVector v2 = FloatVector.fromArray(S, x, xo + 2 * L).fma(pr, nm);
                FloatVector v3 = FloatVector.fromArray(S, x, xo + 3 * L).fma(pr, nm);
                a0 = v0.fma(v0, a0);
                a1 = v1.fma(v1, a1);
                a2 = v2.fma(v2, a2);
                a3 = v3.fma(v3, a3);
            }
            a0.fma(-0.5f, c).intoArray(lp, o + i);
            a1.fma(-0.5f, c).intoArray(lp, o + i + L);
            a2.fma(-0.5f, c).intoArray(lp, o + i + 2 * L);
            a3.fma(-0.5f, c).intoArray(lp, o + i + 3 * L);
        }
    }

    private void centre(Params p, int j, int np) {
        for (int a = 0; a < d; a++) {
            float mu = p.meansF[j * d + a];
            int o = a * BLOCK;
            for (int i = 0; i < np; i += L) {
                FloatVector.fromArray(S, x, o + i).sub(mu).intoArray(t, o + i);
            }
        }
    }

    private void densitiesFull(Params p, int j, int np) {
        float[] u = p.precF;
        int po = j * d * d;
        float lc = p.logConstF[j];
        int o = j * BLOCK;
        for (int i = 0; i < np; i += G * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int c = 0; c < d; c++) {
                FloatVector y0 = FloatVector.zero(S);
                FloatVector y1 = y0;
                FloatVector y2 = y0;
                FloatVector y3 = y0;
                for (int r = 0; r <= c; r++) {
                    float urc = u[po + r * d + c];
                    int to = r * BLOCK + i;
                    FloatVector vu = FloatVector.broadcast(S, urc);
                    y0 = FloatVector.fromArray(S, t, to).fma(vu, y0);
                    y1 = FloatVector.fromArray(S, t, to + L).fma(vu, y1);
                    y2 = FloatVector.fromArray(S, t, to + 2 * L).fma(vu, y2);
                    y3 = FloatVector.fromArray(S, t, to + 3 * L).fma(vu, y3);
                }
                a0 = y0.fma(y0, a0);
                a1 = y1.fma(y1, a1);
                a2 = y2.fma(y2, a2);
                a3 = y3.fma(y3, a3);
            }
            a0.fma(-0.5f, lc).intoArray(lp, o + i);
            a1.fma(-0.5f, lc).intoArray(lp, o + i + L);
            a2.fma(-0.5f, lc).intoArray(lp, o + i + 2 * L);
            a3.fma(-0.5f, lc).intoArray(lp, o + i + 3 * L);
        }
    }

    private void maxAndLabel(int np) {
        for (int i = 0; i < np; i += L) {
            FloatVector m = FloatVector.fromArray(S, lp, i);
            FloatVector id = FloatVector.zero(S);
            for (int j = 1; j < k; j++) {
                FloatVector v = FloatVector.fromArray(S, lp, j * BLOCK + i);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, m);
                m = m.blend(v, gt);
                id = id.blend(j, gt);
            }
            m.intoArray(mx, i);
            id.intoArray(idx, i);
        }
    }

    /**
     * lp[j] = e^(lp[j] − mx) in place, 0 below {@link Kernel#EXP_UNDERFLOW_F} ({@link VectorMathF#exp}), and
     * sm = their sum in component order.
     */
    private void expSums(int np) {
        for (int j = 0; j < k; j++) {
            VectorMathF.exp(lp, j * BLOCK, mx, Kernel.EXP_UNDERFLOW_F, np, step);
        }
        for (int i = 0; i < np; i += L) {
            FloatVector s = FloatVector.zero(S);
            for (int j = 0; j < k; j++) {
                s = s.add(FloatVector.fromArray(S, lp, j * BLOCK + i));
            }
            s.intoArray(sm, i);
        }
    }

    /** lg = log sm (each sum in [1, K]; {@link VectorMathF#log}). */
    private void logs(int np) {
        VectorMathF.log(sm, lg, np, step);
    }
}
