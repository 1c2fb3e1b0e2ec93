package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.em.SufficientStatistics;

/**
 * The double vector kernel's weighted sums of a component far from the reference relative to its spread
 * ({@link Kernel#MAX_REFERENCE_SPREAD}): about its own mean, over its listed vectors, added into the statistics
 * block by block.
 */
final class OwnMeanSums {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int BLOCK = Kernel.BLOCK;
    private static final int VB = VectorBlock.VB;
    private static final int PAD = VectorBlock.PAD;

    private final VectorBlock blk;
    private final int d;
    private final double[] x;
    private final double[] lp;
    private final double[] t;
    private final double[] rt;
    private final int[] nz;
    private final int[] nzCount;
    /** Lane scratch at {@link #PAD}, padded so it never shares a cache line with another thread's data. */
    private final double[] lanes = new double[L + 2 * PAD];
    /** One component's S2 lane sums ({@link Tiles#outer}), D×D×L. */
    private final double[] acc;
    /** Scratch for one component's sums before {@link Kernel#addShifted}: S1 and S2 (D each). */
    private final double[] s1buf;
    private final double[] s2buf;

    OwnMeanSums(VectorBlock b) {
        blk = b;
        d = b.d;
        x = b.x;
        lp = b.lp;
        t = b.t;
        rt = b.rt;
        nz = b.nz;
        nzCount = b.nzCount;
        acc = new double[d * d * L];
        s1buf = new double[d];
        s2buf = new double[d];
    }

    /** @return the sum of {@code lanes} in lane order */
    private double laneSum() {
        return VectorMath.laneSum(lanes, PAD);
    }

    private double s0(int j) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        DoubleVector s = DoubleVector.zero(S);
        for (int q = 0; q < cnt; q++) {
            s = s.add(DoubleVector.fromArray(S, lp, o + nz[base + q]));
        }
        s.intoArray(lanes, PAD);
        return laneSum();
    }

    /**
     * Diagonal sums of component j about its own mean over its listed vectors (a component far from the
     * reference), two features at a time.
     */
    void diag(Params p, int j, SufficientStatistics st) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        double s0 = s0(j);
        int a = 0;
        for (; a < d; a += 2) {
            int a1 = Math.min(a + 1, d - 1); // odd d: the last feature twice, the copy discarded
            int x0 = a * BLOCK;
            int x1 = a1 * BLOCK;
            DoubleVector c0 = DoubleVector.broadcast(S, p.means[j * d + a]);
            DoubleVector c1 = DoubleVector.broadcast(S, p.means[j * d + a1]);
            DoubleVector s10 = DoubleVector.zero(S);
            DoubleVector s20 = s10;
            DoubleVector s11 = s10;
            DoubleVector s21 = s10;
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
            s10.intoArray(lanes, PAD);
            s1buf[a] = laneSum();
            s20.intoArray(lanes, PAD);
            s2buf[a] = laneSum();
            if (a1 > a) {
                s11.intoArray(lanes, PAD);
                s1buf[a1] = laneSum();
                s21.intoArray(lanes, PAD);
                s2buf[a1] = laneSum();
            }
        }
        Kernel.addShifted(p, j, p.means, j * d, s0, s1buf, s2buf, st);
    }

    /**
     * Full sums of component j about its own mean over its listed vectors (a component far from the reference):
     * S0, S1 and the centred, weighted copies t and rt, then
     * the outer products ({@link Tiles#outer}). Small methods, each small enough for C2 to inline all its Vector
     * API calls.
     */
    void full(Params p, int j, SufficientStatistics st) {
        centreFull(p, j, st);
        int len = nzCount[PAD + j] * L;
        java.util.Arrays.fill(acc, 0);
        Tiles.outer(rt, t, 0, BLOCK, len, d, acc, 0, blk.step);
        int so = j * d * d;
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                st.s2[so + a * d + b] += VectorMath.laneSum(acc, (a * d + b) * L);
            }
        }
    }

    private void centreFull(Params p, int j, SufficientStatistics st) {
        int cnt = nzCount[PAD + j];
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
            sa.intoArray(lanes, PAD);
            st.s1[j * d + a0] += laneSum();
            sb.intoArray(lanes, PAD);
            st.s1[j * d + a0 + 1] += laneSum();
            sc.intoArray(lanes, PAD);
            st.s1[j * d + a0 + 2] += laneSum();
            sd.intoArray(lanes, PAD);
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
            s1.intoArray(lanes, PAD);
            st.s1[j * d + a] += laneSum();
        }
    }
}
