package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The Vector API kernel in double. Lanes run over samples (the block is feature-major), so
 * log-densities, log-sum-exp and responsibilities are all lane-wise with no horizontal reductions; each group of
 * {@value #G} vectors keeps independent accumulators in registers.
 * <ul>
 *   <li>diag, spherical: (x − μ)·p as one fma x·p − μp per feature; the weighted sums about a per-block
 *       reference (one centred copy of the block and its square serve every component: two fma per sample, feature and
 *       component), shifted exactly to each mean, except for a component far from the block relative to its
 *       spread ({@link Kernel#MAX_REFERENCE_SPREAD}), summed about its own mean;</li>
 *   <li>full, tied: (x − μ)ᵀU two columns at a time, the upper triangle of the weighted outer products two rows at
 *       a time, over the compacted vectors where the component's responsibility is not 0.</li>
 * </ul>
 * {@code exp} is computed here from IEEE basic operations only (Cody–Waite reduction, degree-13 Taylor
 * polynomial, power-of-two scaling in the exponent bits), never by an intrinsic, so the same inputs give the same
 * bits whether the code runs interpreted or compiled; lane sums are taken in a fixed order for the same reason. No
 * method takes or returns a vector: a call C2 does not inline would box it.
 */
final class VectorDoubleKernel extends Kernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vectors per unrolled group (independent accumulators). */
    private static final int G = 4;
    private static final int VB = BLOCK / L;

    private final double[] rows;
    private final double[] x;
    private final double[] w;
    private final double[] lp;
    private final double[] t;
    private final double[] rt;
    private final double[] lanes = new double[L];
    private final double[] mx = new double[BLOCK];
    private final int[] nz;
    /** The block reference of the diag sums, per feature. */
    private final double[] ref;
    private final double[] bsk0;
    private final boolean[] direct;
    private final double[] bsk1;
    private final double[] bsk2;
    private final double[] bs1;
    private final double[] bs2;
    private final int[] nzCount;

    VectorDoubleKernel(Dataset data, int k) {
        super(data, k);
        if (BLOCK % (G * L) != 0) {
            throw new IllegalStateException("block " + BLOCK + " is not a multiple of " + G * L);
        }
        rows = new double[BLOCK * d];
        x = new double[d * BLOCK];
        w = new double[BLOCK];
        lp = new double[k * BLOCK];
        t = new double[d * BLOCK];
        rt = new double[d * BLOCK];
        nz = new int[k * VB];
        ref = new double[d];
        bsk0 = new double[k];
        direct = new boolean[k];
        bsk1 = new double[k * d];
        bsk2 = new double[k * d];
        bs1 = new double[d];
        bs2 = new double[d];
        nzCount = new int[k];
    }

    @Override
    void block(Params p, long start, int n, SufficientStatistics st) {
        data.read(start, n, rows, 0);
        data.readWeights(start, n, w, 0);
        int np = padded(n, G * L);
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[a * BLOCK + i] = rows[i * d + a];
            }
        }
        for (int i = n; i < np; i++) {
            for (int a = 0; a < d; a++) {
                x[a * BLOCK + i] = x[a * BLOCK];
            }
            w[i] = 0;
        }
        if (p.full) {
            logDensitiesFull(p, np);
        } else {
            logDensitiesDiag(p, np);
        }
        responsibilities(np, st);
        if (!p.full) {
            centreBlock(n, np);
        }
        if (p.full) {
            for (int j = 0; j < k; j++) {
                if (nzCount[j] > 0) {
                    sumsFull(p, j, st);
                }
            }
        } else {
            sumsDiag(p, np, st);
        }
    }

    private void logDensitiesDiag(Params p, int np) {
        for (int j = 0; j < k; j++) {
            DoubleVector lc = DoubleVector.broadcast(S, p.logConst[j]);
            int o = j * BLOCK;
            for (int i = 0; i < np; i += G * L) {
                DoubleVector m0 = DoubleVector.zero(S);
                DoubleVector m1 = m0;
                DoubleVector m2 = m0;
                DoubleVector m3 = m0;
                for (int a = 0; a < d; a++) {
                    // (x − μ)·p as one fma x·p − μp: error ε|μp|, sklearn's expanded form ε|x·p|
                    double pa = p.prec[j * d + a];
                    DoubleVector pr = DoubleVector.broadcast(S, pa);
                    DoubleVector nmp = DoubleVector.broadcast(S, -(p.means[j * d + a] * pa));
                    int xo = a * BLOCK + i;
                    DoubleVector u0 = DoubleVector.fromArray(S, x, xo).fma(pr, nmp);
                    DoubleVector u1 = DoubleVector.fromArray(S, x, xo + L).fma(pr, nmp);
                    DoubleVector u2 = DoubleVector.fromArray(S, x, xo + 2 * L).fma(pr, nmp);
                    DoubleVector u3 = DoubleVector.fromArray(S, x, xo + 3 * L).fma(pr, nmp);
                    m0 = u0.fma(u0, m0);
                    m1 = u1.fma(u1, m1);
                    m2 = u2.fma(u2, m2);
                    m3 = u3.fma(u3, m3);
                }
                lc.sub(m0.mul(0.5)).intoArray(lp, o + i);
                lc.sub(m1.mul(0.5)).intoArray(lp, o + i + L);
                lc.sub(m2.mul(0.5)).intoArray(lp, o + i + 2 * L);
                lc.sub(m3.mul(0.5)).intoArray(lp, o + i + 3 * L);
            }
        }
    }

    private void logDensitiesFull(Params p, int np) {
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                DoubleVector mu = DoubleVector.broadcast(S, p.means[j * d + a]);
                int o = a * BLOCK;
                for (int i = 0; i < np; i += L) {
                    DoubleVector.fromArray(S, x, o + i).sub(mu).intoArray(t, o + i);
                }
            }
            int po = j * d * d;
            DoubleVector lc = DoubleVector.broadcast(S, p.logConst[j]);
            int o = j * BLOCK;
            for (int i = 0; i < np; i += G * L) {
                int mo = o + i;
                DoubleVector zero = DoubleVector.zero(S);
                for (int q = 0; q < G; q++) {
                    zero.intoArray(lp, mo + q * L);
                }
                int c = 0;
                for (; c + 1 < d; c += 2) {
                    // columns c and c+1 of (x − μ)ᵀU together: the t loads serve both
                    DoubleVector y0 = zero;
                    DoubleVector y1 = zero;
                    DoubleVector y2 = zero;
                    DoubleVector y3 = zero;
                    DoubleVector z0 = zero;
                    DoubleVector z1 = zero;
                    DoubleVector z2 = zero;
                    DoubleVector z3 = zero;
                    for (int r = 0; r <= c; r++) {
                        DoubleVector u = DoubleVector.broadcast(S, p.prec[po + r * d + c]);
                        DoubleVector v = DoubleVector.broadcast(S, p.prec[po + r * d + c + 1]);
                        int to = r * BLOCK + i;
                        DoubleVector t0 = DoubleVector.fromArray(S, t, to);
                        DoubleVector t1 = DoubleVector.fromArray(S, t, to + L);
                        DoubleVector t2 = DoubleVector.fromArray(S, t, to + 2 * L);
                        DoubleVector t3 = DoubleVector.fromArray(S, t, to + 3 * L);
                        y0 = t0.fma(u, y0);
                        y1 = t1.fma(u, y1);
                        y2 = t2.fma(u, y2);
                        y3 = t3.fma(u, y3);
                        z0 = t0.fma(v, z0);
                        z1 = t1.fma(v, z1);
                        z2 = t2.fma(v, z2);
                        z3 = t3.fma(v, z3);
                    }
                    DoubleVector v = DoubleVector.broadcast(S, p.prec[po + (c + 1) * d + c + 1]);
                    int to = (c + 1) * BLOCK + i;
                    z0 = DoubleVector.fromArray(S, t, to).fma(v, z0);
                    z1 = DoubleVector.fromArray(S, t, to + L).fma(v, z1);
                    z2 = DoubleVector.fromArray(S, t, to + 2 * L).fma(v, z2);
                    z3 = DoubleVector.fromArray(S, t, to + 3 * L).fma(v, z3);
                    z0.fma(z0, y0.fma(y0, DoubleVector.fromArray(S, lp, mo))).intoArray(lp, mo);
                    z1.fma(z1, y1.fma(y1, DoubleVector.fromArray(S, lp, mo + L))).intoArray(lp, mo + L);
                    z2.fma(z2, y2.fma(y2, DoubleVector.fromArray(S, lp, mo + 2 * L))).intoArray(lp, mo + 2 * L);
                    z3.fma(z3, y3.fma(y3, DoubleVector.fromArray(S, lp, mo + 3 * L))).intoArray(lp, mo + 3 * L);
                }
                if (c < d) {
                    DoubleVector y0 = zero;
                    DoubleVector y1 = zero;
                    DoubleVector y2 = zero;
                    DoubleVector y3 = zero;
                    for (int r = 0; r <= c; r++) {
                        DoubleVector u = DoubleVector.broadcast(S, p.prec[po + r * d + c]);
                        int to = r * BLOCK + i;
                        y0 = DoubleVector.fromArray(S, t, to).fma(u, y0);
                        y1 = DoubleVector.fromArray(S, t, to + L).fma(u, y1);
                        y2 = DoubleVector.fromArray(S, t, to + 2 * L).fma(u, y2);
                        y3 = DoubleVector.fromArray(S, t, to + 3 * L).fma(u, y3);
                    }
                    y0.fma(y0, DoubleVector.fromArray(S, lp, mo)).intoArray(lp, mo);
                    y1.fma(y1, DoubleVector.fromArray(S, lp, mo + L)).intoArray(lp, mo + L);
                    y2.fma(y2, DoubleVector.fromArray(S, lp, mo + 2 * L)).intoArray(lp, mo + 2 * L);
                    y3.fma(y3, DoubleVector.fromArray(S, lp, mo + 3 * L)).intoArray(lp, mo + 3 * L);
                }
                for (int q = 0; q < G; q++) {
                    lc.sub(DoubleVector.fromArray(S, lp, mo + q * L).mul(0.5)).intoArray(lp, mo + q * L);
                }
            }
        }
    }

    /**
     * Replaces the log-densities by ωᵢ·responsibility, adds the block's log-likelihood and weight, and lists, per
     * component, the sample vectors where some responsibility is not 0. Three passes over the K×B buffer, none of
     * which hands a vector to another method (a call C2 does not inline would box it).
     */
    private void responsibilities(int np, SufficientStatistics st) {
        for (int i = 0; i < np; i += L) {
            DoubleVector max = DoubleVector.fromArray(S, lp, i);
            for (int j = 1; j < k; j++) {
                max = max.max(DoubleVector.fromArray(S, lp, j * BLOCK + i));
            }
            max.intoArray(mx, i);
            for (int j = 0; j < k; j++) {
                DoubleVector.fromArray(S, lp, j * BLOCK + i).sub(max).intoArray(lp, j * BLOCK + i);
            }
        }
        expAll(np);
        java.util.Arrays.fill(nzCount, 0);
        for (int i = 0; i < np; i += L) {
            DoubleVector sum = DoubleVector.fromArray(S, lp, i);
            for (int j = 1; j < k; j++) {
                sum = sum.add(DoubleVector.fromArray(S, lp, j * BLOCK + i));
            }
            sum.intoArray(lanes, 0);
            for (int l = 0; l < L; l++) {
                double wi = w[i + l];
                if (wi != 0) {
                    st.logLik += wi * (mx[i + l] + Math.log(lanes[l]));
                    st.weightSum += wi;
                }
                lanes[l] = wi / lanes[l];
            }
            DoubleVector scale = DoubleVector.fromArray(S, lanes, 0);
            for (int j = 0; j < k; j++) {
                DoubleVector r = DoubleVector.fromArray(S, lp, j * BLOCK + i).mul(scale);
                r.intoArray(lp, j * BLOCK + i);
                if (r.compare(VectorOperators.NE, 0.0).anyTrue()) {
                    nz[j * VB + nzCount[j]++] = i;
                }
            }
        }
    }

    /**
     * e^z in place over the K×np buffer (z ≤ 0 here), from IEEE basic operations only: n = round(z / ln 2) by the
     * 1.5·2⁵² trick, r = z − n ln 2 in two parts (|r| ≤ ½ ln 2), e^r by its Taylor polynomial to r¹³
     * (truncation below 1e-17), times 2^n built in the exponent bits (n ≥ −1022 in the range kept); 0 below
     * {@link Kernel#EXP_UNDERFLOW_D} (no subnormals, and −∞ or garbage lanes are masked), where a whole vector
     * below it is skipped.
     */
    private void expAll(int np) {
        for (int j = 0; j < k; j++) {
            for (int i = j * BLOCK; i < j * BLOCK + np; i += L) {
                DoubleVector z = DoubleVector.fromArray(S, lp, i);
                VectorMask<Double> under = z.compare(VectorOperators.LT, EXP_UNDERFLOW_D);
                if (under.allTrue()) {
                    DoubleVector.zero(S).intoArray(lp, i);
                    continue;
                }
                DoubleVector kd = z.fma(LOG2E, MAGIC);
                DoubleVector n = kd.sub(MAGIC);
                DoubleVector r = n.fma(NEG_LN2_HI, z);
                r = n.fma(NEG_LN2_LO, r);
                DoubleVector poly = r.fma(T13, T12);
                poly = poly.fma(r, T11);
                poly = poly.fma(r, T10);
                poly = poly.fma(r, T9);
                poly = poly.fma(r, T8);
                poly = poly.fma(r, T7);
                poly = poly.fma(r, T6);
                poly = poly.fma(r, T5);
                poly = poly.fma(r, T4);
                poly = poly.fma(r, T3);
                poly = poly.fma(r, T2);
                poly = poly.fma(r, ONE);
                poly = poly.fma(r, ONE);
                DoubleVector scale = ((LongVector) kd.reinterpretAsLongs()).add(1023L)
                        .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                poly.mul(scale).blend(0.0, under).intoArray(lp, i);
            }
        }
    }

    /** @return the sum of {@code lanes} in lane order (a fixed order, unlike a reduction) */
    private double laneSum() {
        double s = lanes[0];
        for (int l = 1; l < L; l++) {
            s += lanes[l];
        }
        return s;
    }

    private double s0(int j) {
        int cnt = nzCount[j];
        int base = j * VB;
        int o = j * BLOCK;
        DoubleVector s = DoubleVector.zero(S);
        for (int q = 0; q < cnt; q++) {
            s = s.add(DoubleVector.fromArray(S, lp, o + nz[base + q]));
        }
        s.intoArray(lanes, 0);
        return laneSum();
    }

    /**
     * Diagonal sums of every component about the block reference (the centred copy t and its square rt serve
     * every component: two fma per sample, feature and component), shifted to each component's mean by
     * {@link Kernel#addShifted}. Features outer, components inner, so two rows of t and rt stay in L1 while the
     * components pass over them.
     */
    private void sumsDiag(Params p, int np, SufficientStatistics st) {
        int nv = np / L;
        for (int j = 0; j < k; j++) {
            bsk0[j] = nzCount[j] == 0 ? 0 : s0(j);
            // Sums about the block reference lose (ref − μ)²/σ² times the rounding of the direct sums: fine for
            // components near the block, not for a tight one far away, which is summed about its own mean.
            double worst = 0;
            for (int a = 0; a < d; a++) {
                double e = (ref[a] - p.means[j * d + a]) * p.prec[j * d + a];
                worst = Math.max(worst, e * e);
            }
            direct[j] = !(worst <= MAX_REFERENCE_SPREAD);
        }
        int a = 0;
        for (; a + 1 < d; a += 2) {
            int x0 = a * BLOCK;
            int x1 = x0 + BLOCK;
            for (int j = 0; j < k; j++) {
                int cnt = nzCount[j];
                if (cnt == 0) {
                    continue;
                }
                int base = j * VB;
                int o = j * BLOCK;
                DoubleVector s10 = DoubleVector.zero(S);
                DoubleVector s20 = s10;
                DoubleVector s11 = s10;
                DoubleVector s21 = s10;
                if (direct[j]) {
                    DoubleVector c0 = DoubleVector.broadcast(S, p.means[j * d + a]);
                    DoubleVector c1 = DoubleVector.broadcast(S, p.means[j * d + a + 1]);
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                        DoubleVector t0 = DoubleVector.fromArray(S, x, x0 + i).sub(c0);
                        DoubleVector t1 = DoubleVector.fromArray(S, x, x1 + i).sub(c1);
                        DoubleVector v0 = r.mul(t0);
                        DoubleVector v1 = r.mul(t1);
                        s10 = s10.add(v0);
                        s11 = s11.add(v1);
                        s20 = v0.fma(t0, s20);
                        s21 = v1.fma(t1, s21);
                    }
                } else if (cnt == nv) {
                    // every vector has a non-zero responsibility: a plain loop the JIT can unroll
                    for (int i = 0; i < np; i += L) {
                        DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                        s10 = r.fma(DoubleVector.fromArray(S, t, x0 + i), s10);
                        s20 = r.fma(DoubleVector.fromArray(S, rt, x0 + i), s20);
                        s11 = r.fma(DoubleVector.fromArray(S, t, x1 + i), s11);
                        s21 = r.fma(DoubleVector.fromArray(S, rt, x1 + i), s21);
                    }
                } else {
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                        s10 = r.fma(DoubleVector.fromArray(S, t, x0 + i), s10);
                        s20 = r.fma(DoubleVector.fromArray(S, rt, x0 + i), s20);
                        s11 = r.fma(DoubleVector.fromArray(S, t, x1 + i), s11);
                        s21 = r.fma(DoubleVector.fromArray(S, rt, x1 + i), s21);
                    }
                }
                s10.intoArray(lanes, 0);
                bsk1[j * d + a] = laneSum();
                s20.intoArray(lanes, 0);
                bsk2[j * d + a] = laneSum();
                s11.intoArray(lanes, 0);
                bsk1[j * d + a + 1] = laneSum();
                s21.intoArray(lanes, 0);
                bsk2[j * d + a + 1] = laneSum();
            }
        }
        if (a < d) {
            int x0 = a * BLOCK;
            for (int j = 0; j < k; j++) {
                int cnt = nzCount[j];
                if (cnt == 0) {
                    continue;
                }
                int base = j * VB;
                int o = j * BLOCK;
                DoubleVector s10 = DoubleVector.zero(S);
                DoubleVector s20 = s10;
                if (direct[j]) {
                    DoubleVector c0 = DoubleVector.broadcast(S, p.means[j * d + a]);
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        DoubleVector t0 = DoubleVector.fromArray(S, x, x0 + i).sub(c0);
                        DoubleVector v0 = DoubleVector.fromArray(S, lp, o + i).mul(t0);
                        s10 = s10.add(v0);
                        s20 = v0.fma(t0, s20);
                    }
                } else {
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                        s10 = r.fma(DoubleVector.fromArray(S, t, x0 + i), s10);
                        s20 = r.fma(DoubleVector.fromArray(S, rt, x0 + i), s20);
                    }
                }
                s10.intoArray(lanes, 0);
                bsk1[j * d + a] = laneSum();
                s20.intoArray(lanes, 0);
                bsk2[j * d + a] = laneSum();
            }
        }
        for (int j = 0; j < k; j++) {
            if (nzCount[j] > 0) {
                System.arraycopy(bsk1, j * d, bs1, 0, d);
                System.arraycopy(bsk2, j * d, bs2, 0, d);
                if (direct[j]) {
                    addShifted(p, j, p.means, j * d, bsk0[j], bs1, bs2, st);
                } else {
                    addShifted(p, j, ref, 0, bsk0[j], bs1, bs2, st);
                }
            }
        }
    }

    /** The block reference (mean of the block's rows, per feature), t = x − ref and rt = t², for the diag sums. */
    private void centreBlock(int n, int np) {
        for (int a = 0; a < d; a++) {
            int xo = a * BLOCK;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += x[xo + i];
            }
            double m = sum / n;
            ref[a] = m;
            DoubleVector mv = DoubleVector.broadcast(S, m);
            for (int i = 0; i < np; i += L) {
                DoubleVector tv = DoubleVector.fromArray(S, x, xo + i).sub(mv);
                tv.intoArray(t, xo + i);
                tv.mul(tv).intoArray(rt, xo + i);
            }
        }
    }

    private void sumsFull(Params p, int j, SufficientStatistics st) {
        int cnt = nzCount[j];
        int base = j * VB;
        int o = j * BLOCK;
        st.s0[j] += s0(j);
        int a0 = 0;
        for (; a0 + 3 < d; a0 += 4) {
            // four features at a time: four independent add chains for S1 (each in sample order, as one at a time)
            int xa = a0 * BLOCK;
            int xb = xa + BLOCK;
            int xc = xb + BLOCK;
            int xd = xc + BLOCK;
            DoubleVector ca = DoubleVector.broadcast(S, p.means[j * d + a0]);
            DoubleVector cb = DoubleVector.broadcast(S, p.means[j * d + a0 + 1]);
            DoubleVector cc = DoubleVector.broadcast(S, p.means[j * d + a0 + 2]);
            DoubleVector cd = DoubleVector.broadcast(S, p.means[j * d + a0 + 3]);
            DoubleVector sa = DoubleVector.zero(S);
            DoubleVector sb = sa;
            DoubleVector sc = sa;
            DoubleVector sd = sa;
            for (int q = 0; q < cnt; q++) {
                int i = nz[base + q];
                int ql = q * L;
                DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                DoubleVector ta = DoubleVector.fromArray(S, x, xa + i).sub(ca);
                DoubleVector tb = DoubleVector.fromArray(S, x, xb + i).sub(cb);
                DoubleVector tc = DoubleVector.fromArray(S, x, xc + i).sub(cc);
                DoubleVector td = DoubleVector.fromArray(S, x, xd + i).sub(cd);
                DoubleVector va = r.mul(ta);
                DoubleVector vb = r.mul(tb);
                DoubleVector vc = r.mul(tc);
                DoubleVector vd = r.mul(td);
                ta.intoArray(t, xa + ql);
                tb.intoArray(t, xb + ql);
                tc.intoArray(t, xc + ql);
                td.intoArray(t, xd + ql);
                va.intoArray(rt, xa + ql);
                vb.intoArray(rt, xb + ql);
                vc.intoArray(rt, xc + ql);
                vd.intoArray(rt, xd + ql);
                sa = sa.add(va);
                sb = sb.add(vb);
                sc = sc.add(vc);
                sd = sd.add(vd);
            }
            sa.intoArray(lanes, 0);
            st.s1[j * d + a0] += laneSum();
            sb.intoArray(lanes, 0);
            st.s1[j * d + a0 + 1] += laneSum();
            sc.intoArray(lanes, 0);
            st.s1[j * d + a0 + 2] += laneSum();
            sd.intoArray(lanes, 0);
            st.s1[j * d + a0 + 3] += laneSum();
        }
        for (int a = a0; a < d; a++) {
            DoubleVector c = DoubleVector.broadcast(S, p.means[j * d + a]);
            DoubleVector s1 = DoubleVector.zero(S);
            int xo = a * BLOCK;
            for (int q = 0; q < cnt; q++) {
                int i = nz[base + q];
                DoubleVector tv = DoubleVector.fromArray(S, x, xo + i).sub(c);
                DoubleVector v = DoubleVector.fromArray(S, lp, o + i).mul(tv);
                tv.intoArray(t, xo + q * L);
                v.intoArray(rt, xo + q * L);
                s1 = s1.add(v);
            }
            s1.intoArray(lanes, 0);
            st.s1[j * d + a] += laneSum();
        }
        int so = j * d * d;
        int len = cnt * L;
        int a = 0;
        for (; a + 1 < d; a += 2) {
            // rows a and a+1 together: the t loads serve both (element (a+1, a) is lower triangle, unused)
            int ao = a * BLOCK;
            int b = a;
            for (; b + 3 < d; b += 4) {
                DoubleVector e0 = DoubleVector.zero(S);
                DoubleVector e1 = e0;
                DoubleVector e2 = e0;
                DoubleVector e3 = e0;
                DoubleVector f0 = e0;
                DoubleVector f1 = e0;
                DoubleVector f2 = e0;
                DoubleVector f3 = e0;
                int bo = b * BLOCK;
                for (int q = 0; q < len; q += L) {
                    DoubleVector ra = DoubleVector.fromArray(S, rt, ao + q);
                    DoubleVector rb = DoubleVector.fromArray(S, rt, ao + BLOCK + q);
                    DoubleVector t0 = DoubleVector.fromArray(S, t, bo + q);
                    DoubleVector t1 = DoubleVector.fromArray(S, t, bo + BLOCK + q);
                    DoubleVector t2 = DoubleVector.fromArray(S, t, bo + 2 * BLOCK + q);
                    DoubleVector t3 = DoubleVector.fromArray(S, t, bo + 3 * BLOCK + q);
                    e0 = ra.fma(t0, e0);
                    e1 = ra.fma(t1, e1);
                    e2 = ra.fma(t2, e2);
                    e3 = ra.fma(t3, e3);
                    f0 = rb.fma(t0, f0);
                    f1 = rb.fma(t1, f1);
                    f2 = rb.fma(t2, f2);
                    f3 = rb.fma(t3, f3);
                }
                int s0 = so + a * d + b;
                int s1 = s0 + d;
                e0.intoArray(lanes, 0);
                st.s2[s0] += laneSum();
                e1.intoArray(lanes, 0);
                st.s2[s0 + 1] += laneSum();
                e2.intoArray(lanes, 0);
                st.s2[s0 + 2] += laneSum();
                e3.intoArray(lanes, 0);
                st.s2[s0 + 3] += laneSum();
                f0.intoArray(lanes, 0);
                st.s2[s1] += laneSum();
                f1.intoArray(lanes, 0);
                st.s2[s1 + 1] += laneSum();
                f2.intoArray(lanes, 0);
                st.s2[s1 + 2] += laneSum();
                f3.intoArray(lanes, 0);
                st.s2[s1 + 3] += laneSum();
            }
            for (; b < d; b++) {
                DoubleVector e0 = DoubleVector.zero(S);
                DoubleVector f0 = e0;
                int bo = b * BLOCK;
                for (int q = 0; q < len; q += L) {
                    DoubleVector t0 = DoubleVector.fromArray(S, t, bo + q);
                    e0 = DoubleVector.fromArray(S, rt, ao + q).fma(t0, e0);
                    f0 = DoubleVector.fromArray(S, rt, ao + BLOCK + q).fma(t0, f0);
                }
                e0.intoArray(lanes, 0);
                st.s2[so + a * d + b] += laneSum();
                f0.intoArray(lanes, 0);
                st.s2[so + (a + 1) * d + b] += laneSum();
            }
        }
        if (a < d) {
            int ao = a * BLOCK;
            DoubleVector e0 = DoubleVector.zero(S);
            for (int q = 0; q < len; q += L) {
                e0 = DoubleVector.fromArray(S, rt, ao + q).fma(DoubleVector.fromArray(S, t, ao + q), e0);
            }
            e0.intoArray(lanes, 0);
            st.s2[so + a * d + a] += laneSum();
        }
    }

    private static final double MAGIC = 0x1.8p52;
    private static final double LOG2E = 1.4426950408889634;
    private static final DoubleVector NEG_LN2_HI = DoubleVector.broadcast(S, -6.93147180369123816490e-01);
    private static final DoubleVector NEG_LN2_LO = DoubleVector.broadcast(S, -1.90821492927058770002e-10);
    private static final DoubleVector ONE = DoubleVector.broadcast(S, 1.0);
    private static final DoubleVector T2 = DoubleVector.broadcast(S, 1.0 / 2);
    private static final DoubleVector T3 = DoubleVector.broadcast(S, 1.0 / 6);
    private static final DoubleVector T4 = DoubleVector.broadcast(S, 1.0 / 24);
    private static final DoubleVector T5 = DoubleVector.broadcast(S, 1.0 / 120);
    private static final DoubleVector T6 = DoubleVector.broadcast(S, 1.0 / 720);
    private static final DoubleVector T7 = DoubleVector.broadcast(S, 1.0 / 5040);
    private static final DoubleVector T8 = DoubleVector.broadcast(S, 1.0 / 40320);
    private static final DoubleVector T9 = DoubleVector.broadcast(S, 1.0 / 362880);
    private static final DoubleVector T10 = DoubleVector.broadcast(S, 1.0 / 3628800);
    private static final DoubleVector T11 = DoubleVector.broadcast(S, 1.0 / 39916800);
    private static final DoubleVector T12 = DoubleVector.broadcast(S, 1.0 / 479001600);
    private static final DoubleVector T13 = DoubleVector.broadcast(S, 1.0 / 6227020800.0);
}
