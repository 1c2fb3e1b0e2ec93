package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;

/**
 * The Vector API scoring kernel in double: lanes run over samples (the block is feature-major), {@value #G}
 * vectors per group with independent accumulators. Log-densities: diag and spherical (x − μ)·p as one fma
 * x·p − μp per feature, as the fit's kernel; full and tied ‖(x − μ)ᵀU‖² column by column. Then per lane the
 * first maximum and its component, e^(z − max) and its sum, and log of the sum; exp and log from IEEE basic
 * operations only (the fit's kernel's Cody–Waite exp and atanh-series log, {@link VectorDoubleKernel}), so the
 * same inputs give the same bits interpreted or compiled. No method takes or returns a vector (a call C2 does not
 * inline would box it).
 */
final class VectorScoreKernel extends ScoreKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vectors per group. */
    private static final int G = 4;

    private final double[] rows;
    private final double[] x;
    private final double[] t;
    private final double[] lp;
    private final double[] mx;
    private final double[] idx;
    private final double[] sm;
    private final double[] lg;

    VectorScoreKernel(Dataset data, int k) {
        super(data, k);
        rows = new double[BLOCK * d];
        x = new double[d * BLOCK];
        t = new double[d * BLOCK];
        lp = new double[k * BLOCK];
        mx = new double[BLOCK];
        idx = new double[BLOCK];
        sm = new double[BLOCK];
        lg = new double[BLOCK];
    }

    @Override
    void block(Params p, long start, int n, boolean labels, double[] proba, int probaOff) {
        data.read(start, n, rows, 0);
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[a * BLOCK + i] = rows[i * d + a];
            }
        }
        // rows n..np of x hold earlier rows' (finite) values; their results are not used
        int np = Kernel.padded(n, G * L);
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
            logp[i] = mx[i] + lg[i];
        }
        if (labels) {
            for (int i = 0; i < n; i++) {
                label[i] = (int) idx[i];
            }
        }
        if (proba != null) {
            for (int i = 0; i < n; i++) {
                double inv = 1 / sm[i];
                int o = probaOff + i * k;
                for (int j = 0; j < k; j++) {
                    proba[o + j] = lp[j * BLOCK + i] * inv;
                }
            }
        }
    }

    /** lp[j] = logConstⱼ − ½ Σₐ (xₐpₐ − μₐpₐ)². */
    private void densitiesDiag(Params p, int j, int np) {
        double[] dp = p.diagPacked;
        int base = 2 * j * d;
        double c = p.logConst[j];
        int o = j * BLOCK;
        for (int i = 0; i < np; i += G * L) {
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            for (int a = 0; a < d; a++) {
                double pr = dp[base + 2 * a];
                double nm = dp[base + 2 * a + 1];
                int xo = a * BLOCK + i;
                DoubleVector v0 = DoubleVector.fromArray(S, x, xo).fma(pr, nm);
                DoubleVector v1 = DoubleVector.fromArray(S, x, xo + L).fma(pr, nm);
                DoubleVector v2 = DoubleVector.fromArray(S, x, xo + 2 * L).fma(pr, nm);
                DoubleVector v3 = DoubleVector.fromArray(S, x, xo + 3 * L).fma(pr, nm);
                a0 = v0.fma(v0, a0);
                a1 = v1.fma(v1, a1);
                a2 = v2.fma(v2, a2);
                a3 = v3.fma(v3, a3);
            }
            a0.fma(-0.5, c).intoArray(lp, o + i);
            a1.fma(-0.5, c).intoArray(lp, o + i + L);
            a2.fma(-0.5, c).intoArray(lp, o + i + 2 * L);
            a3.fma(-0.5, c).intoArray(lp, o + i + 3 * L);
        }
    }

    /** t = x − μⱼ over the block. */
    private void centre(Params p, int j, int np) {
        for (int a = 0; a < d; a++) {
            double mu = p.means[j * d + a];
            int o = a * BLOCK;
            for (int i = 0; i < np; i += L) {
                DoubleVector.fromArray(S, x, o + i).sub(mu).intoArray(t, o + i);
            }
        }
    }

    /** lp[j] = logConstⱼ − ½ Σ_c (Σ_{r ≤ c} t_r U_rc)². */
    private void densitiesFull(Params p, int j, int np) {
        double[] u = p.prec;
        int po = j * d * d;
        double lc = p.logConst[j];
        int o = j * BLOCK;
        for (int i = 0; i < np; i += G * L) {
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            for (int c = 0; c < d; c++) {
                DoubleVector y0 = DoubleVector.zero(S);
                DoubleVector y1 = y0;
                DoubleVector y2 = y0;
                DoubleVector y3 = y0;
                for (int r = 0; r <= c; r++) {
                    double urc = u[po + r * d + c];
                    int to = r * BLOCK + i;
                    DoubleVector vu = DoubleVector.broadcast(S, urc);
                    y0 = DoubleVector.fromArray(S, t, to).fma(vu, y0);
                    y1 = DoubleVector.fromArray(S, t, to + L).fma(vu, y1);
                    y2 = DoubleVector.fromArray(S, t, to + 2 * L).fma(vu, y2);
                    y3 = DoubleVector.fromArray(S, t, to + 3 * L).fma(vu, y3);
                }
                a0 = y0.fma(y0, a0);
                a1 = y1.fma(y1, a1);
                a2 = y2.fma(y2, a2);
                a3 = y3.fma(y3, a3);
            }
            a0.fma(-0.5, lc).intoArray(lp, o + i);
            a1.fma(-0.5, lc).intoArray(lp, o + i + L);
            a2.fma(-0.5, lc).intoArray(lp, o + i + 2 * L);
            a3.fma(-0.5, lc).intoArray(lp, o + i + 3 * L);
        }
    }

    /** mx = maxⱼ lp[j], idx = the first j reaching it (as a double). */
    private void maxAndLabel(int np) {
        for (int i = 0; i < np; i += L) {
            DoubleVector m = DoubleVector.fromArray(S, lp, i);
            DoubleVector id = DoubleVector.zero(S);
            for (int j = 1; j < k; j++) {
                DoubleVector v = DoubleVector.fromArray(S, lp, j * BLOCK + i);
                VectorMask<Double> gt = v.compare(VectorOperators.GT, m);
                m = m.blend(v, gt);
                id = id.blend(j, gt);
            }
            m.intoArray(mx, i);
            id.intoArray(idx, i);
        }
    }

    /**
     * lp[j] = e^(lp[j] − mx) in place, 0 below {@link Kernel#EXP_UNDERFLOW_D}, and sm = their sum in component
     * order: n = round(z / ln 2) by the 1.5·2⁵² trick, r = z − n ln 2 in two parts, e^r by its Taylor polynomial to
     * r¹³, times 2^n built in the exponent bits (as {@link VectorDoubleKernel}).
     */
    private void expSums(int np) {
        DoubleVector vnegln2hi = DoubleVector.broadcast(S, NEG_LN2_HI);
        DoubleVector vnegln2lo = DoubleVector.broadcast(S, NEG_LN2_LO);
        DoubleVector vone = DoubleVector.broadcast(S, 1.0);
        DoubleVector vt2 = DoubleVector.broadcast(S, 1.0 / 2);
        DoubleVector vt3 = DoubleVector.broadcast(S, 1.0 / 6);
        DoubleVector vt4 = DoubleVector.broadcast(S, 1.0 / 24);
        DoubleVector vt5 = DoubleVector.broadcast(S, 1.0 / 120);
        DoubleVector vt6 = DoubleVector.broadcast(S, 1.0 / 720);
        DoubleVector vt7 = DoubleVector.broadcast(S, 1.0 / 5040);
        DoubleVector vt8 = DoubleVector.broadcast(S, 1.0 / 40320);
        DoubleVector vt9 = DoubleVector.broadcast(S, 1.0 / 362880);
        DoubleVector vt10 = DoubleVector.broadcast(S, 1.0 / 3628800);
        DoubleVector vt11 = DoubleVector.broadcast(S, 1.0 / 39916800);
        DoubleVector vt12 = DoubleVector.broadcast(S, 1.0 / 479001600);
        DoubleVector vt13 = DoubleVector.broadcast(S, 1.0 / 6227020800.0);
        LongVector bias = LongVector.broadcast(LS, 1023L);
        double cut = Kernel.EXP_UNDERFLOW_D;
        for (int i = 0; i < np; i += L) {
            DoubleVector m = DoubleVector.fromArray(S, mx, i);
            DoubleVector s = DoubleVector.zero(S);
            for (int j = 0; j < k; j++) {
                int o = j * BLOCK + i;
                DoubleVector z = DoubleVector.fromArray(S, lp, o).sub(m);
                VectorMask<Double> under = z.compare(VectorOperators.LT, cut);
                if (under.allTrue()) {
                    DoubleVector.zero(S).intoArray(lp, o);
                    continue;
                }
                z = z.max(cut);
                DoubleVector kd = z.fma(LOG2E, MAGIC);
                DoubleVector nn = kd.sub(MAGIC);
                DoubleVector r = nn.fma(vnegln2hi, z);
                r = nn.fma(vnegln2lo, r);
                DoubleVector poly = r.fma(vt13, vt12);
                poly = poly.fma(r, vt11);
                poly = poly.fma(r, vt10);
                poly = poly.fma(r, vt9);
                poly = poly.fma(r, vt8);
                poly = poly.fma(r, vt7);
                poly = poly.fma(r, vt6);
                poly = poly.fma(r, vt5);
                poly = poly.fma(r, vt4);
                poly = poly.fma(r, vt3);
                poly = poly.fma(r, vt2);
                poly = poly.fma(r, vone);
                poly = poly.fma(r, vone);
                DoubleVector scale = ((LongVector) kd.reinterpretAsLongs()).add(bias)
                        .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector e = poly.mul(scale).blend(0.0, under);
                e.intoArray(lp, o);
                s = s.add(e);
            }
            s.intoArray(sm, i);
        }
    }

    /**
     * lg = log sm (each sum in [1, K]): sm = 2^e·m with m in [√½, √2), log m = 2 atanh u, u = (m − 1)/(m + 1), by
     * its series to u²¹, e·ln 2 in two parts (as {@link VectorDoubleKernel}).
     */
    private void logs(int np) {
        DoubleVector ln2hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2lo = DoubleVector.broadcast(S, LN2_LO);
        for (int i = 0; i < np; i += L) {
            LongVector bits = (LongVector) DoubleVector.fromArray(S, sm, i).reinterpretAsLongs();
            DoubleVector m = bits.and(0x000FFFFFFFFFFFFFL).or(0x3FF0000000000000L).reinterpretAsDoubles();
            DoubleVector e = bits.lanewise(VectorOperators.LSHR, 52).or(0x4330000000000000L).reinterpretAsDoubles()
                    .sub(0x1p52 + 1023);
            VectorMask<Double> high = m.compare(VectorOperators.GT, SQRT2);
            m = m.blend(m.mul(0.5), high);
            e = e.blend(e.add(1.0), high);
            DoubleVector u = m.sub(1.0).div(m.add(1.0));
            DoubleVector u2 = u.mul(u);
            DoubleVector ser = u2.fma(1.0 / 21, 1.0 / 19);
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 17));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 15));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 13));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 11));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 9));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 7));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 5));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 3));
            DoubleVector u2u = u.add(u);
            DoubleVector logm = u2.mul(ser).fma(u2u, u2u);
            e.fma(ln2hi, e.fma(ln2lo, logm)).intoArray(lg, i);
        }
    }

    private static final double MAGIC = 0x1.8p52;
    private static final double SQRT2 = 1.4142135623730951;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double LOG2E = 1.4426950408889634;
    private static final double NEG_LN2_HI = -6.93147180369123816490e-01;
    private static final double NEG_LN2_LO = -1.90821492927058770002e-10;
}
