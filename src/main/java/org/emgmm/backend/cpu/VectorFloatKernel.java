package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The Vector API kernel in float. Per-sample arithmetic in float (data read as float) up to the responsibilities;
 * each block's partial sums (diag, spherical: in float; full, tied: in double from the float values, see
 * {@link #sumsFull}) added into the double statistics about the double means ({@link Kernel#addShifted}). Lanes run
 * over samples (the block is feature-major), so log-densities, log-sum-exp and responsibilities are all lane-wise
 * with no horizontal reductions; each group of {@value #G} vectors keeps independent accumulators in registers.
 * <ul>
 *   <li>diag, spherical: (x − μ)·p as one fma x·p − μp per feature; the weighted sums about a per-block
 *       reference (one centred copy of the block and its square serve every component: two fma per sample, feature and
 *       component), shifted exactly to each mean, except for a component far from the block relative to its
 *       spread ({@link Kernel#MAX_REFERENCE_SPREAD}), summed about its own mean;</li>
 *   <li>full, tied: (x − μ)ᵀU two columns at a time in float; the weighted outer products in double (exact
 *       products of the float values), two rows and four columns at a time, over the samples gathered one by one
 *       whose responsibility is at least {@link VectorParams#negligible} (issue 14: a float S2 made covariances whose
 *       reg_covar is below 1e-7 of their largest variance indefinite).</li>
 * </ul>
 * {@code exp} is computed here from IEEE basic operations only (Cody–Waite reduction, degree-7 Taylor
 * polynomial, power-of-two scaling in the exponent bits), never by an intrinsic, so the same inputs give the same
 * bits whether the code runs interpreted or compiled; lane sums are taken in a fixed order for the same reason. No
 * method takes or returns a vector: a call C2 does not inline would box it.
 */
final class VectorFloatKernel extends Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Doubles of the full path's sums: exact products of the float values, summed in double. */
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    private static final int LD = SD.length();
    /** Vectors per unrolled group (independent accumulators). */
    private static final int G = 4;
    private static final int VB = BLOCK / L;

    private final float[] rows;
    private final float[] x;
    private final float[] w;
    private final double[] wd;
    private final double[] bs1;
    private final double[] bs2;
    private final float[] lp;
    private final float[] t;
    private final float[] rt;
    /** Lane scratch at {@link #PAD}, padded so it never shares a cache line with another thread's data. */
    private final float[] lanes = new float[L + 2 * PAD];
    private static final int PAD = 16;
    private final float[] mx = new float[BLOCK];
    private final int[] nz;
    /** The block reference of the diag sums, per feature. */
    private final double[] ref;
    private final double[] bsk0;
    private final boolean[] direct;
    private final double[] bsk1;
    private final double[] bsk2;
    private final int[] nzCount;
    /** Per component, {@link VectorParams#negligible} in float (at least the smallest float, so a 0 never counts). */
    private final float[] cutF;
    /** Full path: the gathered samples' x − μ (float values, as doubles), D rows of {@link #BLOCK}. */
    private final double[] td;
    /** Full path: their ωw·(x − μ), exact in double (a product of two floats). */
    private final double[] vd;
    /** Full path: the gathered samples' ωw, as doubles. */
    private final double[] rd = new double[BLOCK];
    /** Full path: the block indices of component j's samples at or above its cut. */
    private final int[] idx = new int[BLOCK];
    /** Lane scratch for double vectors, padded as {@link #lanes}. */
    private final double[] lanesD = new double[LD + 2 * PAD];
    /** The pass's negligible weights ({@link VectorParams}), rebuilt when a new pass hands new Params. */
    private VectorParams vp;

    VectorFloatKernel(Dataset data, int k) {
        super(data, k);
        if (BLOCK % (G * L) != 0) {
            throw new IllegalStateException("block " + BLOCK + " is not a multiple of " + G * L);
        }
        rows = new float[BLOCK * d];
        x = new float[d * BLOCK];
        w = new float[BLOCK];
        wd = new double[BLOCK];
        bs1 = new double[d];
        bs2 = new double[d * d];
        lp = new float[k * BLOCK];
        t = new float[d * BLOCK];
        rt = new float[d * BLOCK];
        nz = new int[k * VB];
        ref = new double[d];
        bsk0 = new double[k];
        direct = new boolean[k];
        bsk1 = new double[k * d];
        bsk2 = new double[k * d];
        nzCount = new int[k];
        cutF = new float[k];
        td = new double[d * BLOCK];
        vd = new double[d * BLOCK];
        if (LD * 2 != L) {
            throw new IllegalStateException("float vectors of " + L + " lanes but double vectors of " + LD);
        }
    }

    @Override
    void block(Params p, long start, int n, SufficientStatistics st) {
        vp = VectorParams.of(p, vp);
        data.read(start, n, rows, 0);
        data.readWeights(start, n, wd, 0);
        for (int i = 0; i < n; i++) {
            w[i] = (float) wd[i];
        }
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
            wd[i] = 0;
        }
        for (int j = 0; j < k; j++) {
            cutF[j] = Math.max(Float.MIN_VALUE, (float) vp.negligible[j]);
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
            FloatVector lc = FloatVector.broadcast(S, p.logConstF[j]);
            int o = j * BLOCK;
            for (int i = 0; i < np; i += G * L) {
                FloatVector m0 = FloatVector.zero(S);
                FloatVector m1 = m0;
                FloatVector m2 = m0;
                FloatVector m3 = m0;
                for (int a = 0; a < d; a++) {
                    // (x − μ)·p as one fma x·p − μp: error ε|μp|, sklearn's expanded form ε|x·p|
                    float pa = p.precF[j * d + a];
                    FloatVector pr = FloatVector.broadcast(S, pa);
                    FloatVector nmp = FloatVector.broadcast(S, -(p.meansF[j * d + a] * pa));
                    int xo = a * BLOCK + i;
                    FloatVector u0 = FloatVector.fromArray(S, x, xo).fma(pr, nmp);
                    FloatVector u1 = FloatVector.fromArray(S, x, xo + L).fma(pr, nmp);
                    FloatVector u2 = FloatVector.fromArray(S, x, xo + 2 * L).fma(pr, nmp);
                    FloatVector u3 = FloatVector.fromArray(S, x, xo + 3 * L).fma(pr, nmp);
                    m0 = u0.fma(u0, m0);
                    m1 = u1.fma(u1, m1);
                    m2 = u2.fma(u2, m2);
                    m3 = u3.fma(u3, m3);
                }
                lc.sub(m0.mul(0.5f)).intoArray(lp, o + i);
                lc.sub(m1.mul(0.5f)).intoArray(lp, o + i + L);
                lc.sub(m2.mul(0.5f)).intoArray(lp, o + i + 2 * L);
                lc.sub(m3.mul(0.5f)).intoArray(lp, o + i + 3 * L);
            }
        }
    }

    private void logDensitiesFull(Params p, int np) {
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                FloatVector mu = FloatVector.broadcast(S, p.meansF[j * d + a]);
                int o = a * BLOCK;
                for (int i = 0; i < np; i += L) {
                    FloatVector.fromArray(S, x, o + i).sub(mu).intoArray(t, o + i);
                }
            }
            int po = j * d * d;
            FloatVector lc = FloatVector.broadcast(S, p.logConstF[j]);
            int o = j * BLOCK;
            for (int i = 0; i < np; i += G * L) {
                int mo = o + i;
                FloatVector zero = FloatVector.zero(S);
                for (int q = 0; q < G; q++) {
                    zero.intoArray(lp, mo + q * L);
                }
                int c = 0;
                for (; c + 1 < d; c += 2) {
                    // columns c and c+1 of (x − μ)ᵀU together: the t loads serve both
                    FloatVector y0 = zero;
                    FloatVector y1 = zero;
                    FloatVector y2 = zero;
                    FloatVector y3 = zero;
                    FloatVector z0 = zero;
                    FloatVector z1 = zero;
                    FloatVector z2 = zero;
                    FloatVector z3 = zero;
                    for (int r = 0; r <= c; r++) {
                        FloatVector u = FloatVector.broadcast(S, p.precF[po + r * d + c]);
                        FloatVector v = FloatVector.broadcast(S, p.precF[po + r * d + c + 1]);
                        int to = r * BLOCK + i;
                        FloatVector t0 = FloatVector.fromArray(S, t, to);
                        FloatVector t1 = FloatVector.fromArray(S, t, to + L);
                        FloatVector t2 = FloatVector.fromArray(S, t, to + 2 * L);
                        FloatVector t3 = FloatVector.fromArray(S, t, to + 3 * L);
                        y0 = t0.fma(u, y0);
                        y1 = t1.fma(u, y1);
                        y2 = t2.fma(u, y2);
                        y3 = t3.fma(u, y3);
                        z0 = t0.fma(v, z0);
                        z1 = t1.fma(v, z1);
                        z2 = t2.fma(v, z2);
                        z3 = t3.fma(v, z3);
                    }
                    FloatVector v = FloatVector.broadcast(S, p.precF[po + (c + 1) * d + c + 1]);
                    int to = (c + 1) * BLOCK + i;
                    z0 = FloatVector.fromArray(S, t, to).fma(v, z0);
                    z1 = FloatVector.fromArray(S, t, to + L).fma(v, z1);
                    z2 = FloatVector.fromArray(S, t, to + 2 * L).fma(v, z2);
                    z3 = FloatVector.fromArray(S, t, to + 3 * L).fma(v, z3);
                    z0.fma(z0, y0.fma(y0, FloatVector.fromArray(S, lp, mo))).intoArray(lp, mo);
                    z1.fma(z1, y1.fma(y1, FloatVector.fromArray(S, lp, mo + L))).intoArray(lp, mo + L);
                    z2.fma(z2, y2.fma(y2, FloatVector.fromArray(S, lp, mo + 2 * L))).intoArray(lp, mo + 2 * L);
                    z3.fma(z3, y3.fma(y3, FloatVector.fromArray(S, lp, mo + 3 * L))).intoArray(lp, mo + 3 * L);
                }
                if (c < d) {
                    FloatVector y0 = zero;
                    FloatVector y1 = zero;
                    FloatVector y2 = zero;
                    FloatVector y3 = zero;
                    for (int r = 0; r <= c; r++) {
                        FloatVector u = FloatVector.broadcast(S, p.precF[po + r * d + c]);
                        int to = r * BLOCK + i;
                        y0 = FloatVector.fromArray(S, t, to).fma(u, y0);
                        y1 = FloatVector.fromArray(S, t, to + L).fma(u, y1);
                        y2 = FloatVector.fromArray(S, t, to + 2 * L).fma(u, y2);
                        y3 = FloatVector.fromArray(S, t, to + 3 * L).fma(u, y3);
                    }
                    y0.fma(y0, FloatVector.fromArray(S, lp, mo)).intoArray(lp, mo);
                    y1.fma(y1, FloatVector.fromArray(S, lp, mo + L)).intoArray(lp, mo + L);
                    y2.fma(y2, FloatVector.fromArray(S, lp, mo + 2 * L)).intoArray(lp, mo + 2 * L);
                    y3.fma(y3, FloatVector.fromArray(S, lp, mo + 3 * L)).intoArray(lp, mo + 3 * L);
                }
                for (int q = 0; q < G; q++) {
                    lc.sub(FloatVector.fromArray(S, lp, mo + q * L).mul(0.5f)).intoArray(lp, mo + q * L);
                }
            }
        }
    }

    /**
     * Replaces the log-densities by ωᵢ·responsibility, adds the block's log-likelihood and weight, and lists, per
     * component, the sample vectors where some responsibility is at least θⱼ = {@link VectorParams#negligible} (what the
     * others would add to the component's sums is below 2⁻⁶⁰ of its weight, as in the double kernel). Three passes over the K×B buffer, none of
     * which hands a vector to another method (a call C2 does not inline would box it).
     */
    private void responsibilities(int np, SufficientStatistics st) {
        // in locals, written back once: the statistics object may share a cache line with another thread's data
        double logLik = st.logLik;
        double weightSum = st.weightSum;
        for (int i = 0; i < np; i += L) {
            FloatVector max = FloatVector.fromArray(S, lp, i);
            for (int j = 1; j < k; j++) {
                max = max.max(FloatVector.fromArray(S, lp, j * BLOCK + i));
            }
            max.intoArray(mx, i);
            for (int j = 0; j < k; j++) {
                FloatVector.fromArray(S, lp, j * BLOCK + i).sub(max).intoArray(lp, j * BLOCK + i);
            }
        }
        expAll(np);
        java.util.Arrays.fill(nzCount, 0);
        for (int i = 0; i < np; i += L) {
            FloatVector sum = FloatVector.fromArray(S, lp, i);
            for (int j = 1; j < k; j++) {
                sum = sum.add(FloatVector.fromArray(S, lp, j * BLOCK + i));
            }
            sum.intoArray(lanes, PAD);
            for (int l = 0; l < L; l++) {
                if (wd[i + l] != 0) {
                    float lse = mx[i + l] + (float) Math.log(lanes[PAD + l]);
                    logLik += wd[i + l] * lse;
                    weightSum += wd[i + l];
                }
                lanes[PAD + l] = w[i + l] / lanes[PAD + l];
            }
            FloatVector scale = FloatVector.fromArray(S, lanes, PAD);
            for (int j = 0; j < k; j++) {
                FloatVector r = FloatVector.fromArray(S, lp, j * BLOCK + i).mul(scale);
                r.intoArray(lp, j * BLOCK + i);
                if (r.compare(VectorOperators.GE, cutF[j]).anyTrue()) {
                    nz[j * VB + nzCount[j]++] = i;
                }
            }
        }
        st.logLik = logLik;
        st.weightSum = weightSum;
    }

    /**
     * e^z in place in float over the K×np buffer (z ≤ 0 here), from IEEE basic operations only: n = round(z / ln 2)
     * by the 1.5·2²³ trick, r = z − n ln 2 in two parts (Cephes' constants), e^r by its Taylor polynomial to r⁷
     * (truncation near 5e-9), times 2^n built in the exponent bits (n ≥ −126 in the range kept); 0 below
     * {@link Kernel#EXP_UNDERFLOW_F} (no subnormals), where a whole vector below it is skipped.
     */
    private void expAll(int np) {
        for (int j = 0; j < k; j++) {
            for (int i = j * BLOCK; i < j * BLOCK + np; i += L) {
                FloatVector z = FloatVector.fromArray(S, lp, i);
                VectorMask<Float> under = z.compare(VectorOperators.LT, EXP_UNDERFLOW_F);
                if (under.allTrue()) {
                    FloatVector.zero(S).intoArray(lp, i);
                    continue;
                }
                FloatVector kd = z.fma(LOG2E, MAGIC);
                FloatVector n = kd.sub(MAGIC);
                FloatVector r = n.fma(NEG_LN2_HI, z);
                r = n.fma(NEG_LN2_LO, r);
                FloatVector poly = r.fma(T7, T6);
                poly = poly.fma(r, T5);
                poly = poly.fma(r, T4);
                poly = poly.fma(r, T3);
                poly = poly.fma(r, T2);
                poly = poly.fma(r, ONE);
                poly = poly.fma(r, ONE);
                FloatVector scale = ((IntVector) kd.reinterpretAsInts()).add(127)
                        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                poly.mul(scale).blend(0.0f, under).intoArray(lp, i);
            }
        }
    }

    /** @return the sum of {@code lanes} in lane order, in double (a fixed order, unlike a reduction) */
    private double laneSum() {
        double s = lanes[PAD];
        for (int l = 1; l < L; l++) {
            s += lanes[PAD + l];
        }
        return s;
    }

    private double s0(int j) {
        int cnt = nzCount[j];
        int base = j * VB;
        int o = j * BLOCK;
        FloatVector s = FloatVector.zero(S);
        for (int q = 0; q < cnt; q++) {
            s = s.add(FloatVector.fromArray(S, lp, o + nz[base + q]));
        }
        s.intoArray(lanes, PAD);
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
                FloatVector s10 = FloatVector.zero(S);
                FloatVector s20 = s10;
                FloatVector s11 = s10;
                FloatVector s21 = s10;
                if (direct[j]) {
                    FloatVector c0 = FloatVector.broadcast(S, p.meansF[j * d + a]);
                    FloatVector c1 = FloatVector.broadcast(S, p.meansF[j * d + a + 1]);
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        FloatVector r = FloatVector.fromArray(S, lp, o + i);
                        FloatVector t0 = FloatVector.fromArray(S, x, x0 + i).sub(c0);
                        FloatVector t1 = FloatVector.fromArray(S, x, x1 + i).sub(c1);
                        FloatVector v0 = r.mul(t0);
                        FloatVector v1 = r.mul(t1);
                        s10 = s10.add(v0);
                        s11 = s11.add(v1);
                        s20 = v0.fma(t0, s20);
                        s21 = v1.fma(t1, s21);
                    }
                } else if (cnt == nv) {
                    // every vector has a non-zero responsibility: a plain loop the JIT can unroll
                    for (int i = 0; i < np; i += L) {
                        FloatVector r = FloatVector.fromArray(S, lp, o + i);
                        s10 = r.fma(FloatVector.fromArray(S, t, x0 + i), s10);
                        s20 = r.fma(FloatVector.fromArray(S, rt, x0 + i), s20);
                        s11 = r.fma(FloatVector.fromArray(S, t, x1 + i), s11);
                        s21 = r.fma(FloatVector.fromArray(S, rt, x1 + i), s21);
                    }
                } else {
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        FloatVector r = FloatVector.fromArray(S, lp, o + i);
                        s10 = r.fma(FloatVector.fromArray(S, t, x0 + i), s10);
                        s20 = r.fma(FloatVector.fromArray(S, rt, x0 + i), s20);
                        s11 = r.fma(FloatVector.fromArray(S, t, x1 + i), s11);
                        s21 = r.fma(FloatVector.fromArray(S, rt, x1 + i), s21);
                    }
                }
                s10.intoArray(lanes, PAD);
                bsk1[j * d + a] = laneSum();
                s20.intoArray(lanes, PAD);
                bsk2[j * d + a] = laneSum();
                s11.intoArray(lanes, PAD);
                bsk1[j * d + a + 1] = laneSum();
                s21.intoArray(lanes, PAD);
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
                FloatVector s10 = FloatVector.zero(S);
                FloatVector s20 = s10;
                if (direct[j]) {
                    FloatVector c0 = FloatVector.broadcast(S, p.meansF[j * d + a]);
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        FloatVector t0 = FloatVector.fromArray(S, x, x0 + i).sub(c0);
                        FloatVector v0 = FloatVector.fromArray(S, lp, o + i).mul(t0);
                        s10 = s10.add(v0);
                        s20 = v0.fma(t0, s20);
                    }
                } else {
                    for (int q = 0; q < cnt; q++) {
                        int i = nz[base + q];
                        FloatVector r = FloatVector.fromArray(S, lp, o + i);
                        s10 = r.fma(FloatVector.fromArray(S, t, x0 + i), s10);
                        s20 = r.fma(FloatVector.fromArray(S, rt, x0 + i), s20);
                    }
                }
                s10.intoArray(lanes, PAD);
                bsk1[j * d + a] = laneSum();
                s20.intoArray(lanes, PAD);
                bsk2[j * d + a] = laneSum();
            }
        }
        for (int j = 0; j < k; j++) {
            if (nzCount[j] > 0) {
                System.arraycopy(bsk1, j * d, bs1, 0, d);
                System.arraycopy(bsk2, j * d, bs2, 0, d);
                if (direct[j]) {
                    addShifted(p, j, p.meansFD, j * d, bsk0[j], bs1, bs2, st);
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
            float sum = 0;
            for (int i = 0; i < n; i++) {
                sum += x[xo + i];
            }
            float m = sum / n;
            ref[a] = m;
            FloatVector mv = FloatVector.broadcast(S, m);
            for (int i = 0; i < np; i += L) {
                FloatVector tv = FloatVector.fromArray(S, x, xo + i).sub(mv);
                tv.intoArray(t, xo + i);
                tv.mul(tv).intoArray(rt, xo + i);
            }
        }
    }

    /**
     * S0, S1 and the upper triangle of S2 of component j over its samples at or above the cut θⱼ (gathered one by
     * one, so the work follows the samples that matter, not the vectors that hold one), in double: the float values
     * x − μ and ωw are widened, so every product ωw·tₐ is exact and ωw·tₐ·t_b is rounded once in double. The sums
     * are then those of a consistent set of float values (a positive semi-definite S2 − S1S1ᵀ/S0 up to double
     * rounding), whatever the spread of the features; a float S2 loses that at a relative 1e-7, which breaks the
     * Cholesky factor of a covariance whose reg_covar is below 1e-7 of its largest variance (issue 14). The
     * products stay in registers two rows and four columns at a time, as in the double kernel.
     */
    private void sumsFull(Params p, int j, SufficientStatistics st) {
        int base = j * VB;
        int o = j * BLOCK;
        float cut = cutF[j];
        // the samples (not vectors) at or above the cut, without a branch per sample
        int cnt = 0;
        for (int q = 0; q < nzCount[j]; q++) {
            int i0 = nz[base + q];
            for (int l = 0; l < L; l++) {
                idx[cnt] = i0 + l;
                cnt += lp[o + i0 + l] >= cut ? 1 : 0;
            }
        }
        int len = padded(cnt, LD);
        for (int q = 0; q < cnt; q++) {
            rd[q] = lp[o + idx[q]];
        }
        for (int q = cnt; q < len; q++) {
            rd[q] = 0;
        }
        DoubleVector s0v = DoubleVector.zero(SD);
        for (int q = 0; q < len; q += LD) {
            s0v = s0v.add(DoubleVector.fromArray(SD, rd, q));
        }
        s0v.intoArray(lanesD, PAD);
        double s0 = laneSumD();
        for (int a = 0; a < d; a++) {
            double c = p.meansF[j * d + a];
            int xo = a * BLOCK;
            for (int q = 0; q < cnt; q++) {
                double tv = x[xo + idx[q]] - c;
                td[xo + q] = tv;
                vd[xo + q] = rd[q] * tv;
            }
            for (int q = cnt; q < len; q++) {
                td[xo + q] = 0;
                vd[xo + q] = 0;
            }
            DoubleVector s1 = DoubleVector.zero(SD);
            for (int q = 0; q < len; q += LD) {
                s1 = s1.add(DoubleVector.fromArray(SD, vd, xo + q));
            }
            s1.intoArray(lanesD, PAD);
            bs1[a] = laneSumD();
        }
        int a = 0;
        for (; a + 1 < d; a += 2) {
            // rows a and a+1 together: the t loads serve both (element (a+1, a) is lower triangle, unused)
            int ao = a * BLOCK;
            int b = a;
            for (; b + 3 < d; b += 4) {
                DoubleVector e0 = DoubleVector.zero(SD);
                DoubleVector e1 = e0;
                DoubleVector e2 = e0;
                DoubleVector e3 = e0;
                DoubleVector f0 = e0;
                DoubleVector f1 = e0;
                DoubleVector f2 = e0;
                DoubleVector f3 = e0;
                int bo = b * BLOCK;
                for (int q = 0; q < len; q += LD) {
                    DoubleVector ra = DoubleVector.fromArray(SD, vd, ao + q);
                    DoubleVector rb = DoubleVector.fromArray(SD, vd, ao + BLOCK + q);
                    DoubleVector t0 = DoubleVector.fromArray(SD, td, bo + q);
                    DoubleVector t1 = DoubleVector.fromArray(SD, td, bo + BLOCK + q);
                    DoubleVector t2 = DoubleVector.fromArray(SD, td, bo + 2 * BLOCK + q);
                    DoubleVector t3 = DoubleVector.fromArray(SD, td, bo + 3 * BLOCK + q);
                    e0 = ra.fma(t0, e0);
                    e1 = ra.fma(t1, e1);
                    e2 = ra.fma(t2, e2);
                    e3 = ra.fma(t3, e3);
                    f0 = rb.fma(t0, f0);
                    f1 = rb.fma(t1, f1);
                    f2 = rb.fma(t2, f2);
                    f3 = rb.fma(t3, f3);
                }
                int i0 = a * d + b;
                int i1 = i0 + d;
                e0.intoArray(lanesD, PAD);
                bs2[i0] = laneSumD();
                e1.intoArray(lanesD, PAD);
                bs2[i0 + 1] = laneSumD();
                e2.intoArray(lanesD, PAD);
                bs2[i0 + 2] = laneSumD();
                e3.intoArray(lanesD, PAD);
                bs2[i0 + 3] = laneSumD();
                f0.intoArray(lanesD, PAD);
                bs2[i1] = laneSumD();
                f1.intoArray(lanesD, PAD);
                bs2[i1 + 1] = laneSumD();
                f2.intoArray(lanesD, PAD);
                bs2[i1 + 2] = laneSumD();
                f3.intoArray(lanesD, PAD);
                bs2[i1 + 3] = laneSumD();
            }
            for (; b < d; b++) {
                DoubleVector e0 = DoubleVector.zero(SD);
                DoubleVector f0 = e0;
                int bo = b * BLOCK;
                for (int q = 0; q < len; q += LD) {
                    DoubleVector t0 = DoubleVector.fromArray(SD, td, bo + q);
                    e0 = DoubleVector.fromArray(SD, vd, ao + q).fma(t0, e0);
                    f0 = DoubleVector.fromArray(SD, vd, ao + BLOCK + q).fma(t0, f0);
                }
                e0.intoArray(lanesD, PAD);
                bs2[a * d + b] = laneSumD();
                f0.intoArray(lanesD, PAD);
                bs2[(a + 1) * d + b] = laneSumD();
            }
        }
        if (a < d) {
            int ao = a * BLOCK;
            DoubleVector e0 = DoubleVector.zero(SD);
            for (int q = 0; q < len; q += LD) {
                e0 = DoubleVector.fromArray(SD, vd, ao + q).fma(DoubleVector.fromArray(SD, td, ao + q), e0);
            }
            e0.intoArray(lanesD, PAD);
            bs2[a * d + a] = laneSumD();
        }
        addShifted(p, j, p.meansFD, j * d, s0, bs1, bs2, st);
    }

    /** @return the sum of {@code lanesD} in lane order (a fixed order, unlike a reduction) */
    private double laneSumD() {
        double s = lanesD[PAD];
        for (int l = 1; l < LD; l++) {
            s += lanesD[PAD + l];
        }
        return s;
    }

    private static final float MAGIC = 0x1.8p23f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -0.693359375f);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1.0f);
    private static final FloatVector T2 = FloatVector.broadcast(S, 1.0f / 2);
    private static final FloatVector T3 = FloatVector.broadcast(S, 1.0f / 6);
    private static final FloatVector T4 = FloatVector.broadcast(S, 1.0f / 24);
    private static final FloatVector T5 = FloatVector.broadcast(S, 1.0f / 120);
    private static final FloatVector T6 = FloatVector.broadcast(S, 1.0f / 720);
    private static final FloatVector T7 = FloatVector.broadcast(S, 1.0f / 5040);
}
