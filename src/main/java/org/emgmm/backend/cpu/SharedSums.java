package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.em.SufficientStatistics;

/**
 * The double vector kernel's weighted sums of the components near the reference ({@link VectorParams#refOk}),
 * about the reference: per block into lane sums over the whole run ({@code accL}, {@code accF}), reduced in lane
 * order and shifted exactly to each component's mean once per run ({@link #finish}). The block's listed components
 * are split into dense ones (at least half the block's vectors listed), summed as a matrix product in register
 * tiles ({@link Tiles#dense}), and sparse ones, summed over their listed vectors only.
 */
final class SharedSums {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int BLOCK = Kernel.BLOCK;
    private static final int VB = VectorBlock.VB;
    private static final int PAD = VectorBlock.PAD;
    /** Columns of the shared full sums computed per panel (a multiple of the tile's three). */
    private static final int PANEL = 24;
    /** Components per tile of the shared full sums. */
    private static final int TILE_K = 3;
    /** Columns per sparse tile ({@link Tiles#sparse}); a divisor of {@link #PANEL}. */
    private static final int SPARSE_COLS = 8;

    private final VectorBlock blk;
    private final int d;
    private final int k;
    private final double[] lp;
    private final double[] tg;
    private final int[] nz;
    private final int[] nzCount;
    /**
     * The columns of the shared sums: full/tied the d(d+1)/2 products (x − ref)_a(x − ref)_b, a ≤ b, then the d
     * values (x − ref)_a, then 1; diag/spherical the d values, the d squares, then 1. Set per run
     * ({@link #begin}); the arrays are sized for full.
     */
    private int ncol;
    /** Column q: (x − ref)_a(x − ref)_b for a = colA[q], b = colB[q] ≥ 0; (x − ref)_a for b = −1; 1 for a = −1. */
    private final int[] colA;
    private final int[] colB;
    /** Where column q's sum goes: s2buf[colS2[q]] for a product, s1buf[colA[q]] for a value. */
    private final int[] colS2;
    /** One panel of the shared sums' columns, {@value #PANEL}×B. */
    private final double[] pp = new double[PANEL * BLOCK];
    /** The run's shared sums per component and column, in lanes (K×ncol×L). */
    private final double[] accL;
    /**
     * Full: lane sums of the components summed by {@link #outerSparse} and {@link #firstSparse}, per component
     * {@link #fullStride} entries of L lanes: S2 as a D×D square (upper triangle used), then S1, then S0.
     */
    private double[] accF;
    private final int fullStride;
    private final boolean[] refUsed;
    /** The block's components near the reference whose listed vectors are at least half the block's. */
    private final int[] dense;
    private int m;
    /** The block's components near the reference whose listed vectors are fewer than half the block's. */
    private final int[] sparse;
    private int ms;
    /** Scratch for one component's sums before {@link Kernel#addShifted}: S1 (D) and S2 (D, or D×D for full). */
    private final double[] s1buf;
    private final double[] s2buf;

    SharedSums(VectorBlock b) {
        blk = b;
        d = b.d;
        k = b.k;
        lp = b.lp;
        tg = b.tg;
        nz = b.nz;
        nzCount = b.nzCount;
        int maxCol = d * (d + 1) / 2 + d + 1;
        colA = new int[maxCol];
        colB = new int[maxCol];
        colS2 = new int[maxCol];
        accL = new double[k * maxCol * L];
        fullStride = d * d + d + 1;
        refUsed = new boolean[k];
        dense = new int[k];
        sparse = new int[k];
        s1buf = new double[d];
        s2buf = new double[d * d];
    }

    /** Before a run: the columns for the covariance type, and the run's sums cleared. */
    void begin(Params p) {
        int q = 0;
        if (p.full) {
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    colA[q] = a;
                    colB[q] = b;
                    colS2[q++] = a * d + b;
                }
            }
        } else {
            for (int a = 0; a < d; a++) {
                colA[q] = a;
                colB[q] = a;
                colS2[q++] = a;
            }
        }
        for (int a = 0; a < d; a++) {
            colA[q] = a;
            colB[q++] = -1;
        }
        colA[q] = -1;
        colB[q++] = -1;
        ncol = q;
        java.util.Arrays.fill(accL, 0);
        if (p.full) { // allocated on first use: only the full kernels need it
            if (accF == null) {
                accF = new double[k * fullStride * L];
            } else {
                java.util.Arrays.fill(accF, 0);
            }
        }
        java.util.Arrays.fill(refUsed, false);
        m = 0;
        ms = 0;
    }

    /**
     * Lists component j for this block's sums: dense when its listed vectors are at least half of the block's
     * {@code nv}.
     */
    void add(int j, int nv) {
        if (2 * nzCount[PAD + j] >= nv) {
            dense[m++] = j;
        } else {
            sparse[ms++] = j;
        }
        refUsed[j] = true;
    }

    /**
     * The weighted sums of the components listed by {@link #add}, about the reference. For tiles of three dense
     * components, as a matrix product Rᵀ·P over the block: P's columns ({@link #colA}) are the products
     * (x − ref)_a(x − ref)_b (diag: the squares), the values (x − ref)_a and 1, built a panel at a time and shared
     * by every component; tiles of three dense components by three columns ({@link Tiles#dense}) keep nine
     * accumulators in registers over the block's samples (lanes). The rest go over their listed vectors only:
     * diag through {@link Tiles#sparse} (over P), full through {@link #outerSparse} and {@link #firstSparse},
     * which form the products as they go (a sorted block lists few vectors per component, so building P would
     * cost more than it saves). All add into the run's lane sums {@code accL}, {@code accF} (reduced and shifted
     * once per run, in {@link #finish}).
     */
    void sums(int np, boolean full) {
        if (m + ms == 0) {
            return;
        }
        int mt = full ? m / TILE_K * TILE_K : 0;
        for (int q0 = 0; q0 < ncol && (!full || mt > 0); q0 += PANEL) {
            int q1 = Math.min(ncol, q0 + PANEL);
            for (int q = q0; q < q1; q++) {
                int po = (q - q0) * BLOCK;
                int ao = colA[q] * BLOCK;
                if (colA[q] < 0) {
                    java.util.Arrays.fill(pp, po, po + np, 1.0);
                } else if (colB[q] < 0) {
                    System.arraycopy(tg, ao, pp, po, np);
                } else {
                    int bo = colB[q] * BLOCK;
                    for (int i = 0; i < np; i += L) {
                        DoubleVector.fromArray(S, tg, ao + i).mul(DoubleVector.fromArray(S, tg, bo + i))
                                .intoArray(pp, po + i);
                    }
                }
            }
            int g = 0;
            for (; g + TILE_K <= m; g += TILE_K) {
                Tiles.dense(pp, lp, accL, ncol, np, dense[g], dense[g + 1], dense[g + 2], q0, q1, blk.step);
            }
            if (full) {
                continue;
            }
            // Eight columns (16 KB of the panel) at a time for every remaining component, so those columns stay
            // in L1 while the components pass over them: a component's listed vectors touch eight rows each.
            for (int qa = q0; qa < q1; qa += SPARSE_COLS) {
                int qb = Math.min(q1, qa + SPARSE_COLS);
                for (int h = g; h < m; h++) {
                    sparse(dense[h], q0, qa, qb); // the one or two left over: over their listed vectors
                }
                for (int h = 0; h < ms; h++) {
                    sparse(sparse[h], q0, qa, qb);
                }
            }
        }
        if (full) {
            for (int h = mt; h < m + ms; h++) {
                int j = h < m ? dense[h] : sparse[h - m];
                outerSparse(j);
                firstSparse(j);
            }
        }
        m = 0;
        ms = 0;
    }

    /** Columns [qa, qb) of component j's shared sums over its listed vectors ({@link Tiles#sparse}). */
    private void sparse(int j, int q0, int qa, int qb) {
        Tiles.sparse(pp, lp, accL, nz, nzCount[PAD + j], j, ncol, q0, qa, qb, blk.one);
    }

    /**
     * Component j's second moments about the reference over its listed vectors: the listed vectors of x − ref and
     * of r·(x − ref) copied together (t, rt), then their outer products ({@link Tiles#outer}).
     */
    private void outerSparse(int j) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        double[] t = blk.t;
        double[] rt = blk.rt;
        for (int a = 0; a < d; a++) {
            int ao = a * BLOCK;
            for (int v = 0; v < cnt; v++) {
                int i = nz[base + v];
                DoubleVector tv = DoubleVector.fromArray(S, tg, ao + i);
                tv.intoArray(t, ao + v * L);
                tv.mul(DoubleVector.fromArray(S, lp, o + i)).intoArray(rt, ao + v * L);
            }
        }
        Tiles.outer(rt, t, 0, BLOCK, cnt * L, d, accF, j * fullStride * L, blk.step);
    }

    /** Component j's S1 (four features at a time) and S0 about the reference over its listed vectors. */
    private void firstSparse(int j) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        int fo = j * fullStride * L + d * d * L;
        int stp = blk.one;
        int b = 0;
        for (; b + 3 < d; b += 4) {
            int bo = b * BLOCK;
            DoubleVector e0 = DoubleVector.zero(S);
            DoubleVector e1 = e0;
            DoubleVector e2 = e0;
            DoubleVector e3 = e0;
            for (int v = 0; v < cnt; v += stp) {
                int i = nz[base + v];
                DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                e0 = r.fma(DoubleVector.fromArray(S, tg, bo + i), e0);
                e1 = r.fma(DoubleVector.fromArray(S, tg, bo + BLOCK + i), e1);
                e2 = r.fma(DoubleVector.fromArray(S, tg, bo + 2 * BLOCK + i), e2);
                e3 = r.fma(DoubleVector.fromArray(S, tg, bo + 3 * BLOCK + i), e3);
            }
            int x0 = fo + b * L;
            DoubleVector.fromArray(S, accF, x0).add(e0).intoArray(accF, x0);
            DoubleVector.fromArray(S, accF, x0 + L).add(e1).intoArray(accF, x0 + L);
            DoubleVector.fromArray(S, accF, x0 + 2 * L).add(e2).intoArray(accF, x0 + 2 * L);
            DoubleVector.fromArray(S, accF, x0 + 3 * L).add(e3).intoArray(accF, x0 + 3 * L);
        }
        for (; b <= d; b++) { // the last features one at a time, then S0 (b = d: the responsibilities alone)
            int bo = b * BLOCK;
            DoubleVector e0 = DoubleVector.zero(S);
            for (int v = 0; v < cnt; v += stp) {
                int i = nz[base + v];
                DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                e0 = b < d ? r.fma(DoubleVector.fromArray(S, tg, bo + i), e0) : e0.add(r);
            }
            int x0 = fo + b * L;
            DoubleVector.fromArray(S, accF, x0).add(e0).intoArray(accF, x0);
        }
    }

    /** Horizontal sums of the run's shared sums, shifted from the reference to each component's mean, into st. */
    void finish(Params p, VectorParams vp, SufficientStatistics st) {
        for (int j = 0; j < k; j++) {
            if (!refUsed[j]) {
                continue;
            }
            int base = j * ncol * L;
            double s0 = 0;
            int fb = j * fullStride * L;
            for (int q = 0; q < ncol; q++) {
                double v = VectorMath.laneSum(accL, base + q * L);
                if (p.full) { // plus what outerSparse and firstSparse summed
                    int e = colB[q] >= 0 ? colA[q] * d + colB[q] : colA[q] >= 0 ? d * d + colA[q] : d * d + d;
                    v += VectorMath.laneSum(accF, fb + e * L);
                }
                if (colB[q] >= 0) {
                    s2buf[colS2[q]] = v;
                } else if (colA[q] >= 0) {
                    s1buf[colA[q]] = v;
                } else {
                    s0 = v;
                }
            }
            Kernel.addShifted(p, j, vp.ref, 0, s0, s1buf, s2buf, st);
            java.util.Arrays.fill(accL, base, base + ncol * L, 0);
            if (p.full) {
                java.util.Arrays.fill(accF, fb, fb + fullStride * L, 0);
            }
            refUsed[j] = false;
        }
    }
}
