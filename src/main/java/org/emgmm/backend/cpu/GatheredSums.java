package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.em.SufficientStatistics;

/**
 * The float vector kernel's weighted sums S0, S1, S2, in double about each component's own (double) mean, from
 * the float block's values (issue 14: float S2 made nearly singular covariances indefinite, README "Float
 * precision"). Per block and component, the samples whose responsibility is above {@link VectorParams#negligible}
 * (a scan of the component's listed float vectors, lane by lane) are gathered into the component's buffer in
 * double: r and t = x − μⱼ (one rounding in double; for full and tied also rt = r·t, one more). When a buffer is
 * full, and at the end of the run, its sums go into lane accumulators over the run ({@link #flush}: full and tied
 * through the outer-product tiles {@link Tiles#outer4}), which are reduced in lane order once per run
 * ({@link #finish}).
 *
 * <p>Why gathered samples and not the widened float block: a float vector holds twice the samples of a double
 * one, so a component's listed float vectors, widened, are about twice the double vectors the double kernel
 * lists, and the double sums over them cost more than the float pass saves. Gathered, a component's sums run over
 * about the samples that belong to it (on the benchmark's 16 well-separated components, about 16 of a block's 256
 * samples), and buffered over blocks the tiles' loops run long enough to pay for their set-up. What this leaves
 * out, per sample, is a responsibility below θⱼ, which the double kernel leaves out per vector: in all below 2⁻⁶⁰
 * of the component's weight.
 *
 * <p>Every sum's order is fixed by the run's rows (a buffer fills and flushes at the same samples whatever the
 * thread count: runs are {@link CpuBackend#chunkStarts}'s chunks), so the bits do not depend on the thread count.
 */
final class GatheredSums {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int BLOCK = Kernel.BLOCK;
    private static final int LF = VectorBlockF.L;
    private static final int VBF = VectorBlockF.VB;
    private static final int PAD = VectorBlockF.PAD;
    /**
     * Samples per component buffer (a multiple of every double vector length): the outer-product tiles then run
     * over up to 64 samples instead of a block's ~16 (their set-up and accumulator updates cost about as much as
     * 16 samples' products). Buffers and accumulators: K·D·64·16 bytes + K·D²·L·8 bytes per worker.
     */
    private static final int CAP = 64;

    private final int d;
    private final int k;
    private final float[] x;
    private final float[] lp;
    private final int[] nz;
    private final int[] nzCount;
    /** The block's gathered samples of one component: their offsets in the block (in lp). */
    private final int[] idx = new int[BLOCK];
    /** Their rows in x: the same, or where the sorted full block took them from ({@link FullDensity#order}). */
    private final int[] src = new int[BLOCK];
    /** Per component, its buffer's samples' weighted responsibilities ωᵢrᵢⱼ in double (K×CAP). */
    private final double[] r;
    /** Per component, x − μⱼ of its buffer's samples, D rows of {@link #CAP} (K×D×CAP). */
    private final double[] t;
    /** full and tied: r·(x − μⱼ), as t (made on the first full run). */
    private double[] rt;
    /** Per component, the samples in its buffer. */
    private final int[] fill;
    /** The run's lane sums per component: S0 (K×L), S1 (K×D×L), S2 (full K×D×D×L, diag K×D×L). */
    private final double[] acc0;
    private final double[] acc1;
    private double[] acc2;
    private final boolean[] used;
    /** Whether the buffers or lane sums may hold something: a run ended early (an exception) left them so. */
    private boolean dirty;
    /** The double vector length, not a constant to C2 (see {@link VectorBlock#step}). Deliberately not final. */
    private int step = L;

    GatheredSums(VectorBlockF b) {
        d = b.d;
        k = b.k;
        x = b.x;
        lp = b.lp;
        nz = b.nz;
        nzCount = b.nzCount;
        r = new double[k * CAP];
        t = new double[k * d * CAP];
        fill = new int[k];
        acc0 = new double[k * L];
        acc1 = new double[k * d * L];
        used = new boolean[k];
    }

    /** Before a run: the run's sums cleared (S2 sized for the covariance type). */
    void begin(Params p) {
        int n2 = p.full ? k * d * d * L : k * d * L;
        if (p.full && rt == null) {
            rt = new double[k * d * CAP];
        }
        if (acc2 == null || acc2.length != n2) {
            acc2 = new double[n2];
            dirty = true;
        }
        if (dirty) { // else finish left them zero
            java.util.Arrays.fill(acc2, 0);
            java.util.Arrays.fill(acc0, 0);
            java.util.Arrays.fill(acc1, 0);
            java.util.Arrays.fill(used, false);
            java.util.Arrays.fill(fill, 0);
        }
        dirty = true;
    }

    /**
     * The block's samples of every component with listed vectors into its buffer ({@code np} samples; the
     * responsibilities and the listed vectors computed).
     *
     * @param order null, or the block row of each sample of lp (a full block sorted by its candidate component,
     *     {@link FullDensity#order}; x was not permuted)
     */
    void block(Params p, VectorParams vp, int np, int[] order) {
        for (int j = 0; j < k; j++) {
            if (nzCount[PAD + j] == 0) {
                continue;
            }
            int cnt = gather(j, vp.negligibleF[j], order);
            for (int done = 0; done < cnt; ) {
                if (fill[j] == CAP) {
                    flush(p, j);
                }
                int m = Math.min(CAP - fill[j], cnt - done);
                centre(p, j, done, m);
                fill[j] += m;
                done += m;
            }
        }
    }

    /** @return how many samples of component j's listed vectors have a responsibility above {@code theta} */
    private int gather(int j, float theta, int[] order) {
        int cnt = nzCount[PAD + j];
        int base = j * VBF;
        int o = j * BLOCK;
        int c = 0;
        for (int q = 0; q < cnt; q++) {
            int v = nz[base + q];
            for (int l = 0; l < LF; l++) { // branch-free: which lanes pass is unpredictable
                idx[c] = v + l;
                c += lp[o + v + l] > theta ? 1 : 0;
            }
        }
        for (int q = 0; q < c; q++) {
            src[q] = order == null ? idx[q] : order[idx[q]];
        }
        return c;
    }

    /**
     * The gathered samples [from, from + m) at the end of component j's buffer: r, and t = x − μⱼ (widened, one
     * rounding in double). Scalar: the samples are scattered over the block; the subtraction costs nothing beside
     * the scattered loads, and saves {@link #flush} a pass over t.
     */
    private void centre(Params p, int j, int from, int m) {
        int o = j * BLOCK;
        int ro = j * CAP + fill[j] - from;
        for (int c = from; c < from + m; c++) {
            r[ro + c] = lp[o + idx[c]];
        }
        int mo = j * d;
        int a = 0;
        for (; a + 3 < d; a += 4) { // four features per index load
            int xo = a * BLOCK;
            int to = (j * d + a) * CAP + fill[j] - from;
            double mu0 = p.means[mo + a];
            double mu1 = p.means[mo + a + 1];
            double mu2 = p.means[mo + a + 2];
            double mu3 = p.means[mo + a + 3];
            for (int c = from; c < from + m; c++) {
                int i = xo + src[c];
                t[to + c] = x[i] - mu0;
                t[to + CAP + c] = x[i + BLOCK] - mu1;
                t[to + 2 * CAP + c] = x[i + 2 * BLOCK] - mu2;
                t[to + 3 * CAP + c] = x[i + 3 * BLOCK] - mu3;
            }
        }
        for (; a < d; a++) {
            int xo = a * BLOCK;
            int to = (j * d + a) * CAP + fill[j] - from;
            double mu = p.means[mo + a];
            for (int c = from; c < from + m; c++) {
                t[to + c] = x[xo + src[c]] - mu;
            }
        }
    }

    /**
     * Component j's buffer into the run's lane sums, zeros from the last sample to the end of its vector (r and t
     * = x − μⱼ, {@link #centre}); then emptied. diag and spherical in one pass over t ({@link #diagSums}); full
     * and tied store rt = r·t (one more rounding) for the outer-product tiles {@link Tiles#outer4}.
     */
    private void flush(Params p, int j) {
        int n = fill[j];
        int len = Kernel.padded(n, L);
        java.util.Arrays.fill(r, j * CAP + n, j * CAP + len, 0);
        for (int a = 0; a < d; a++) {
            int to = (j * d + a) * CAP;
            java.util.Arrays.fill(t, to + n, to + len, 0);
        }
        s0(j, len);
        if (p.full) {
            weighted(j, len);
            Tiles.outer4(rt, t, j * d * CAP, CAP, len, d, acc2, j * d * d * L, step);
        } else {
            diagSums(j, len);
        }
        fill[j] = 0;
        used[j] = true;
    }

    /** full, tied: rt = r·t and S1 += Σ rt over component j's buffer. */
    private void weighted(int j, int len) {
        int stp = step;
        int ro = j * CAP;
        for (int a = 0; a < d; a++) {
            int to = (j * d + a) * CAP;
            DoubleVector s1 = DoubleVector.zero(S);
            for (int c = 0; c < len; c += stp) {
                DoubleVector v = DoubleVector.fromArray(S, t, to + c).mul(DoubleVector.fromArray(S, r, ro + c));
                v.intoArray(rt, to + c);
                s1 = s1.add(v);
            }
            int o = (j * d + a) * L;
            DoubleVector.fromArray(S, acc1, o).add(s1).intoArray(acc1, o);
        }
    }

    /** S0 of component j's buffer into the run's lane sums. */
    private void s0(int j, int len) {
        int stp = step;
        int ro = j * CAP;
        DoubleVector s0 = DoubleVector.zero(S);
        for (int c = 0; c < len; c += stp) {
            s0 = s0.add(DoubleVector.fromArray(S, r, ro + c));
        }
        DoubleVector.fromArray(S, acc0, j * L).add(s0).intoArray(acc0, j * L);
    }

    /** diag, spherical: S1 += Σ r·t and S2 += Σ (r·t)·t over component j's buffer, nothing stored. */
    private void diagSums(int j, int len) {
        int stp = step;
        int ro = j * CAP;
        for (int a = 0; a < d; a++) {
            int to = (j * d + a) * CAP;
            DoubleVector s1 = DoubleVector.zero(S);
            DoubleVector s2 = s1;
            for (int c = 0; c < len; c += stp) {
                DoubleVector tv = DoubleVector.fromArray(S, t, to + c);
                DoubleVector v = tv.mul(DoubleVector.fromArray(S, r, ro + c));
                s1 = s1.add(v);
                s2 = v.fma(tv, s2);
            }
            int o = (j * d + a) * L;
            DoubleVector.fromArray(S, acc1, o).add(s1).intoArray(acc1, o);
            DoubleVector.fromArray(S, acc2, o).add(s2).intoArray(acc2, o);
        }
    }

    /**
     * After a run: the buffers flushed, the run's lane sums in lane order into {@code st} (already about the
     * means), and the used ones cleared for the next run.
     */
    void finish(Params p, VectorParams vp, SufficientStatistics st) {
        for (int j = 0; j < k; j++) {
            if (fill[j] > 0) {
                flush(p, j);
            }
            if (!used[j]) {
                continue;
            }
            st.s0[j] += VectorMath.laneSum(acc0, j * L);
            for (int a = 0; a < d; a++) {
                st.s1[j * d + a] += VectorMath.laneSum(acc1, (j * d + a) * L);
                if (p.full) {
                    int so = j * d * d;
                    int row = (so + a * d) * L;
                    for (int b = a; b < d; b++) {
                        st.s2[so + a * d + b] += VectorMath.laneSum(acc2, row + b * L);
                    }
                    // cleared: what Tiles.outer4 adds to in row a, the columns from a rounded down to a multiple
                    // of four (a third less than the whole D×D, and in the lines just read)
                    java.util.Arrays.fill(acc2, row + (a & ~3) * L, row + d * L, 0);
                } else {
                    st.s2[j * d + a] += VectorMath.laneSum(acc2, (j * d + a) * L);
                }
            }
            java.util.Arrays.fill(acc0, j * L, (j + 1) * L, 0);
            java.util.Arrays.fill(acc1, j * d * L, (j + 1) * d * L, 0);
            if (!p.full) {
                java.util.Arrays.fill(acc2, j * d * L, (j + 1) * d * L, 0);
            }
            used[j] = false;
        }
        dirty = false;
    }
}
