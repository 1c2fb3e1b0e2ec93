package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;

/**
 * The Vector API scoring kernel in double (and, generated from this source at build time, {@code VectorScoreKernelF}
 * in float, the data and parameters rounded to float, log p(x) and the responsibilities widened to double): lanes run over samples (the block is feature-major), {@value #G}
 * vectors per group with independent accumulators. Log-densities: diag and spherical (x − μ)·p as one fma
 * x·p − μp per feature, as the fit's kernel; full and tied ‖(x − μ)ᵀU‖² column by column. Then per lane the
 * first maximum and its component, e^(z − max) and its sum, and log of the sum; exp and log from IEEE basic
 * operations only (the fit's kernel's Cody–Waite exp and atanh-series log, {@link VectorMath}), so the
 * same inputs give the same bits interpreted or compiled. No method takes or returns a vector (a call C2 does not
 * inline would box it).
 */
final class VectorScoreKernel extends ScoreKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
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
    /** The vector length, not a constant to C2 (as {@link VectorBlock#step}). Deliberately not final. */
    private int step = L;

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
    void block(Params p, long start, int n, boolean labels, double[] proba, int probaOff) { //#keep
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
            logp[i] = (double) mx[i] + lg[i]; // in double in the float kernel too //#keep
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
        double[] pc = p.prec;
        double[] mu = p.means;
        int base = j * d;
        double c = p.logConst[j];
        int o = j * BLOCK;
        for (int i = 0; i < np; i += G * L) {
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            for (int a = 0; a < d; a++) {
                double pr = pc[base + a];
                double nm = -(mu[base + a] * pr); // as VectorParams.diagPacked
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
     * lp[j] = e^(lp[j] − mx) in place, 0 below {@link Kernel#EXP_UNDERFLOW_D} ({@link VectorMath#exp}), and
     * sm = their sum in component order.
     */
    private void expSums(int np) {
        for (int j = 0; j < k; j++) {
            VectorMath.exp(lp, j * BLOCK, mx, Kernel.EXP_UNDERFLOW_D, np, step);
        }
        for (int i = 0; i < np; i += L) {
            DoubleVector s = DoubleVector.zero(S);
            for (int j = 0; j < k; j++) {
                s = s.add(DoubleVector.fromArray(S, lp, j * BLOCK + i));
            }
            s.intoArray(sm, i);
        }
    }

    /** lg = log sm (each sum in [1, K]; {@link VectorMath#log}). */
    private void logs(int np) {
        VectorMath.log(sm, lg, np, step);
    }
}
