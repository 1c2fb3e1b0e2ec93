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
 *   <li>log-densities: diag, spherical (x − μ)·p as one fma x·p − μp per feature; full, tied (x − μ)ᵀU two
 *       columns at a time, from (x − ref)ᵀU − (μ − ref)ᵀU for a component near the reference ref = Σφμ
 *       ({@link Params#ref}); for D above {@value #PRUNE_COLS} and K above 1 the block is first sorted by each
 *       sample's likeliest component (from the first columns) and a component's remaining columns are skipped for a
 *       group of samples where its log-density is certainly too low to give a responsibility above the cut
 *       ({@link #prunedFull}; the same bits as the complete sums);</li>
 *   <li>weighted sums: for the components near the reference whose responsibilities are mostly non-zero in the
 *       block, one matrix product Rᵀ·P over the block ({@link #sumsShared}): P's columns are built once per block
 *       and shared by every component (full: the products (x − ref)_a(x − ref)_b, a ≤ b; diag: the squares; then
 *       x − ref and 1), and the product runs in register tiles of three components by three columns; the sums
 *       are shifted exactly from ref to each mean once per run; a component with few listed vectors in the block
 *       (responsibilities above {@link Params#negligible}) is summed over those only. A component far from the
 *       reference relative to its spread ({@link Kernel#MAX_REFERENCE_SPREAD}) is summed about its own mean over
 *       its listed vectors.</li>
 * </ul>
 * {@code exp} is computed here from IEEE basic operations only (Cody–Waite reduction, degree-13 Taylor
 * polynomial, power-of-two scaling in the exponent bits), never by an intrinsic, so the same inputs give the same
 * bits whether the code runs interpreted or compiled; lane sums are taken in a fixed order for the same reason. No
 * method takes or returns a vector: a call C2 does not inline would box it.
 */
final class VectorDoubleKernel extends Kernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vectors per unrolled group (independent accumulators). */
    private static final int G = 4;
    private static final int VB = BLOCK / L;
    /** Columns of the shared full sums computed per panel (a multiple of the tile's three). */
    private static final int PANEL = 24;
    /** Components per tile of the shared full sums. */
    private static final int TILE_K = 3;
    /** Columns per sparse tile ({@link #tilesSparse}); a divisor of {@link #PANEL}. */
    private static final int SPARSE_COLS = 8;
    /** Padding, in elements, around the small arrays written in the hot loops (16 ≥ one 64-byte line of ints). */
    private static final int PAD = 16;
    /**
     * Columns of the full Mahalanobis sums computed for every component before the block is sorted and the rest
     * pruned ({@link #prunedFull}); even.
     */
    private static final int PRUNE_COLS = 4;
    /**
     * The last column count at which {@link #prunedFull} tests a component (every two columns from
     * {@link #PRUNE_COLS}); one that still matters then is completed at once. Well separated components are mostly
     * pruned by then; for overlapping ones each further test would cost about as much as it could save.
     */
    private static final int PRUNE_LAST = 8;
    /** (group, component) pairs pruned by {@link #prunedFull} in this JVM: a diagnostic, for the tests. */
    static final java.util.concurrent.atomic.LongAdder PRUNED = new java.util.concurrent.atomic.LongAdder();

    private final double[] rows;
    private final double[] x;
    private final double[] w;
    private final double[] lp;
    /** x − μⱼ of one component (full, far from the reference), D×B. */
    private final double[] t;
    /** Responsibility times t over a component's non-zero vectors (full, far from the reference), D×B. */
    private final double[] rt;
    /**
     * Lane scratch at {@link #PAD}: written every vector, so padded by a cache line (and more) on both sides,
     * never sharing a line with another thread's data, whatever the collector does with the heap.
     */
    private final double[] lanes = new double[L + 2 * PAD];
    private final double[] mx = new double[BLOCK];
    /** Per-sample sums of e^(z − max), then their logs. */
    private final double[] sm = new double[BLOCK];
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
    /** x − ref, D×B. */
    private final double[] tg;
    /** One panel of the shared sums' columns, {@value #PANEL}×B. */
    private final double[] pp;
    /** The run's shared sums per component and column, in lanes (K×ncol×L). */
    private final double[] accL;
    /**
     * Full: lane sums of the components summed by {@link #outerSparse} and {@link #firstSparse}, per component
     * {@link #fullStride} entries of L lanes: S2 as a D×D square (upper triangle used), then S1, then S0.
     */
    private double[] accF;
    private final int fullStride;
    private final boolean[] refUsed;
    private final int[] dense;
    /** Components near the reference whose listed vectors are fewer than half the block's. */
    private final int[] sparse;
    /** 1, but not a constant to C2 (see {@link #step}). Deliberately not final. */
    private int one = 1;
    /**
     * The vector length, read into a local as the step of the hottest loops: a step C2 cannot prove constant keeps
     * the loop uncounted, so C2 does not unroll it, and unrolled the multi-accumulator loops here spill
     * accumulators to the stack (measured: the 3×3 tile at 2.3 G fma/s unrolled with spills, 3.5 uncounted).
     * Deliberately not final.
     */
    private int step = L;
    /** Scratch for one component's sums before {@link Kernel#addShifted}: S1 (D) and S2 (D, or D×D for full). */
    private final double[] s1buf;
    private final double[] s2buf;
    /** Per component, the exp cut of the block (see {@link #expAll}); also the pruning threshold. */
    private final double[] cutJ;
    /** y's starting values per component and column (full): −(μⱼ − ref)ᵀUⱼ near the reference, else 0. */
    private final double[] yStart;
    /** Per sample of the block, the component with the best upper bound (as a double; {@link #sortBlock}). */
    private final double[] bestIdx;
    /**
     * Per component, the run's upper bound of a log-density from the block's lp after the first columns
     * ({@link #sortBlock}): ub = lp·scale + shift, −½ and logConstⱼ for a partial sum (near the reference), 1 and
     * 0 for a complete log-density (far, exact); only a heuristic, so the fma's rounding does not matter.
     */
    private final double[] ubScale;
    private final double[] ubShift;
    /** Whether some component of the run is far from the reference ({@link Params#refOk} false). */
    private boolean anyFar;
    /** The block's candidate component per sample, in sorted order after {@link #sortBlock}. */
    private final int[] cand;
    private final int[] perm;
    private final int[] candCount;
    private final int[] candPos;
    private final double[] gather;
    /** The best log-density per lane of the group in {@link #prunedFull}, at {@link #PAD}. */
    private final double[] gmax = new double[G * L + 2 * PAD];

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
        nzCount = new int[k + 2 * PAD]; // padded like lanes
        int maxCol = d * (d + 1) / 2 + d + 1;
        colA = new int[maxCol];
        colB = new int[maxCol];
        colS2 = new int[maxCol];
        tg = new double[d * BLOCK];
        pp = new double[PANEL * BLOCK];
        accL = new double[k * maxCol * L];
        fullStride = d * d + d + 1;
        refUsed = new boolean[k];
        dense = new int[k];
        sparse = new int[k];
        s1buf = new double[d];
        s2buf = new double[d * d];
        cutJ = new double[k];
        yStart = new double[k * d];
        ubScale = new double[k];
        ubShift = new double[k];
        bestIdx = new double[BLOCK];
        cand = new int[BLOCK];
        perm = new int[BLOCK];
        candCount = new int[k];
        candPos = new int[k];
        gather = new double[BLOCK];
    }

    @Override
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
        anyFar = false;
        for (int j = 0; j < k; j++) {
            anyFar |= !p.refOk[j];
        }
        if (p.full) {
            for (int j = 0; j < k; j++) {
                for (int c = 0; c < d; c++) {
                    yStart[j * d + c] = p.refOk[j] ? -p.refY[j * d + c] : 0;
                }
                ubScale[j] = p.refOk[j] ? -0.5 : 1;
                ubShift[j] = p.refOk[j] ? p.logConst[j] : 0;
            }
        }
    }

    /** Horizontal sums of the run's shared sums, shifted from the reference to each component's mean, into st. */
    @Override
    void finish(Params p, SufficientStatistics st) {
        for (int j = 0; j < k; j++) {
            if (!refUsed[j]) {
                continue;
            }
            int base = j * ncol * L;
            double s0 = 0;
            int fb = j * fullStride * L;
            for (int q = 0; q < ncol; q++) {
                double v = accL[base + q * L];
                for (int l = 1; l < L; l++) {
                    v += accL[base + q * L + l];
                }
                if (p.full) { // plus what outerSparse and firstSparse summed
                    int e = colB[q] >= 0 ? colA[q] * d + colB[q] : colA[q] >= 0 ? d * d + colA[q] : d * d + d;
                    double u = accF[fb + e * L];
                    for (int l = 1; l < L; l++) {
                        u += accF[fb + e * L + l];
                    }
                    v += u;
                }
                if (colB[q] >= 0) {
                    s2buf[colS2[q]] = v;
                } else if (colA[q] >= 0) {
                    s1buf[colA[q]] = v;
                } else {
                    s0 = v;
                }
            }
            addShifted(p, j, p.ref, 0, s0, s1buf, s2buf, st);
            java.util.Arrays.fill(accL, base, base + ncol * L, 0);
            if (p.full) {
                java.util.Arrays.fill(accF, fb, fb + fullStride * L, 0);
            }
            refUsed[j] = false;
        }
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
        if (p.anyRef) {
            for (int a = 0; a < d; a++) {
                DoubleVector rv = DoubleVector.broadcast(S, p.ref[a]);
                int o = a * BLOCK;
                for (int i = 0; i < np; i += L) {
                    DoubleVector.fromArray(S, x, o + i).sub(rv).intoArray(tg, o + i);
                }
            }
        }
        double wmax = 0;
        for (int i = 0; i < n; i++) {
            wmax = Math.max(wmax, w[i]);
        }
        for (int j = 0; j < k; j++) {
            // NaN-free: θⱼ = 0 gives −∞, wmax = 0 (nothing counts) the plain cut; always < 0, so the max stays
            cutJ[j] = wmax > 0 ? Math.max(EXP_UNDERFLOW_D, Math.log(p.negligible[j] / wmax)) : EXP_UNDERFLOW_D;
        }
        if (p.full) {
            logDensitiesFull(p, np);
        } else {
            logDensitiesDiag(p, np);
        }
        responsibilities(p, np, st);
        // Components near the reference share the block's columns (sumsShared): in 3×3 tiles where at least half
        // the block's vectors are listed, else over their listed vectors; far ones are summed about their means.
        int nv = np / L;
        int m = 0;
        int ms = 0;
        for (int j = 0; j < k; j++) {
            if (nzCount[PAD + j] == 0) {
                continue;
            }
            if (p.refOk[j]) {
                if (2 * nzCount[PAD + j] >= nv) {
                    dense[m++] = j;
                } else {
                    sparse[ms++] = j;
                }
                refUsed[j] = true;
            } else if (p.full) {
                sumsFull(p, j, st);
            } else {
                sumsDiag(p, j, st);
            }
        }
        if (m + ms > 0) {
            sumsShared(np, m, ms, p.full);
        }
    }

    /**
     * The weighted sums of the components {@code dense[0..m)} and {@code sparse[0..ms)} about the reference. For
     * tiles of three dense components, as a matrix product Rᵀ·P over the block: P's columns ({@link #colA}) are
     * the products (x − ref)_a(x − ref)_b (diag: the squares), the values (x − ref)_a and 1, built a panel at a
     * time and shared by every component; tiles of three dense components by three columns keep nine
     * accumulators in registers over the block's samples (lanes). The rest go over their listed vectors only:
     * diag through {@link #tilesSparse} (over P), full through {@link #outerSparse} and {@link #firstSparse},
     * which form the products as they go (a sorted block lists few vectors per component, so building P would
     * cost more than it saves). All add into the run's lane sums {@code accL}, {@code accF} (reduced and shifted
     * once per run, in {@link #finish}).
     */
    private void sumsShared(int np, int m, int ms, boolean full) {
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
                tiles(np, dense[g], dense[g + 1], dense[g + 2], q0, q1);
            }
            if (full) {
                continue;
            }
            // Eight columns (16 KB of the panel) at a time for every remaining component, so those columns stay
            // in L1 while the components pass over them: a component's listed vectors touch eight rows each.
            for (int qa = q0; qa < q1; qa += SPARSE_COLS) {
                int qb = Math.min(q1, qa + SPARSE_COLS);
                for (int h = g; h < m; h++) {
                    tilesSparse(dense[h], q0, qa, qb); // the one or two left over: over their listed vectors
                }
                for (int h = 0; h < ms; h++) {
                    tilesSparse(sparse[h], q0, qa, qb);
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
    }

    /**
     * Component j's second moments about the reference over its listed vectors, in tiles of two rows (a, a+1) by
     * four columns: per vector, r·t_a and r·t_a+1 times four loads of t; the columns start at a rounded down to
     * a multiple of four, so a few elements below the diagonal are summed too (never read). Columns beyond the
     * last multiple of four and an odd last row go through {@link #outerSparseEdge}.
     */
    private void outerSparse(int j) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        int fo = j * fullStride * L;
        int stp = one;
        int a = 0;
        for (; a + 1 < d; a += 2) {
            int ao = a * BLOCK;
            for (int b = a & ~3; b + 3 < d; b += 4) {
                int bo = b * BLOCK;
                DoubleVector e0 = DoubleVector.zero(S);
                DoubleVector e1 = e0;
                DoubleVector e2 = e0;
                DoubleVector e3 = e0;
                DoubleVector f0 = e0;
                DoubleVector f1 = e0;
                DoubleVector f2 = e0;
                DoubleVector f3 = e0;
                for (int v = 0; v < cnt; v += stp) {
                    int i = nz[base + v];
                    DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                    DoubleVector ra = DoubleVector.fromArray(S, tg, ao + i).mul(r);
                    DoubleVector rb = DoubleVector.fromArray(S, tg, ao + BLOCK + i).mul(r);
                    DoubleVector t0 = DoubleVector.fromArray(S, tg, bo + i);
                    DoubleVector t1 = DoubleVector.fromArray(S, tg, bo + BLOCK + i);
                    DoubleVector t2 = DoubleVector.fromArray(S, tg, bo + 2 * BLOCK + i);
                    DoubleVector t3 = DoubleVector.fromArray(S, tg, bo + 3 * BLOCK + i);
                    e0 = ra.fma(t0, e0);
                    e1 = ra.fma(t1, e1);
                    e2 = ra.fma(t2, e2);
                    e3 = ra.fma(t3, e3);
                    f0 = rb.fma(t0, f0);
                    f1 = rb.fma(t1, f1);
                    f2 = rb.fma(t2, f2);
                    f3 = rb.fma(t3, f3);
                }
                int x0 = fo + (a * d + b) * L;
                int x1 = x0 + d * L;
                DoubleVector.fromArray(S, accF, x0).add(e0).intoArray(accF, x0);
                DoubleVector.fromArray(S, accF, x0 + L).add(e1).intoArray(accF, x0 + L);
                DoubleVector.fromArray(S, accF, x0 + 2 * L).add(e2).intoArray(accF, x0 + 2 * L);
                DoubleVector.fromArray(S, accF, x0 + 3 * L).add(e3).intoArray(accF, x0 + 3 * L);
                DoubleVector.fromArray(S, accF, x1).add(f0).intoArray(accF, x1);
                DoubleVector.fromArray(S, accF, x1 + L).add(f1).intoArray(accF, x1 + L);
                DoubleVector.fromArray(S, accF, x1 + 2 * L).add(f2).intoArray(accF, x1 + 2 * L);
                DoubleVector.fromArray(S, accF, x1 + 3 * L).add(f3).intoArray(accF, x1 + 3 * L);
            }
        }
        if ((d & 3) != 0 || a < d) {
            outerSparseEdge(j);
        }
    }

    /**
     * What {@link #outerSparse} leaves: for each row a, the columns b ≥ a from the last multiple of four (and,
     * for an odd D, all of the last row), one element at a time.
     */
    private void outerSparseEdge(int j) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        int fo = j * fullStride * L;
        int stp = one;
        int last = d - (d & 1); // rows below it were paired in outerSparse
        for (int a = 0; a < d; a++) {
            int b0 = a < last ? Math.max(a, d & ~3) : a;
            for (int b = b0; b < d; b++) {
                int ao = a * BLOCK;
                int bo = b * BLOCK;
                DoubleVector e0 = DoubleVector.zero(S);
                for (int v = 0; v < cnt; v += stp) {
                    int i = nz[base + v];
                    DoubleVector ra = DoubleVector.fromArray(S, tg, ao + i).mul(DoubleVector.fromArray(S, lp, o + i));
                    e0 = ra.fma(DoubleVector.fromArray(S, tg, bo + i), e0);
                }
                int x0 = fo + (a * d + b) * L;
                DoubleVector.fromArray(S, accF, x0).add(e0).intoArray(accF, x0);
            }
        }
    }

    /** Component j's S1 (four features at a time) and S0 about the reference over its listed vectors. */
    private void firstSparse(int j) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        int fo = j * fullStride * L + d * d * L;
        int stp = one;
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

    /**
     * Columns [qa, qb) of the panel that starts at column q0, eight at a time, of one component's shared sums over
     * the component's listed vectors only (those with a responsibility above {@link Params#negligible}): for a
     * component that matters to a minority of the block, and for the one or two components {@link #tiles} leaves
     * over.
     */
    private void tilesSparse(int j, int q0, int qa, int qb) {
        int cnt = nzCount[PAD + j];
        int base = j * VB;
        int o = j * BLOCK;
        int stp = one;
        int q = qa;
        for (; q + 7 < qb; q += 8) {
            int p0 = (q - q0) * BLOCK;
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            DoubleVector a4 = a0;
            DoubleVector a5 = a0;
            DoubleVector a6 = a0;
            DoubleVector a7 = a0;
            for (int v = 0; v < cnt; v += stp) {
                int i = nz[base + v];
                DoubleVector r = DoubleVector.fromArray(S, lp, o + i);
                a0 = DoubleVector.fromArray(S, pp, p0 + i).fma(r, a0);
                a1 = DoubleVector.fromArray(S, pp, p0 + BLOCK + i).fma(r, a1);
                a2 = DoubleVector.fromArray(S, pp, p0 + 2 * BLOCK + i).fma(r, a2);
                a3 = DoubleVector.fromArray(S, pp, p0 + 3 * BLOCK + i).fma(r, a3);
                a4 = DoubleVector.fromArray(S, pp, p0 + 4 * BLOCK + i).fma(r, a4);
                a5 = DoubleVector.fromArray(S, pp, p0 + 5 * BLOCK + i).fma(r, a5);
                a6 = DoubleVector.fromArray(S, pp, p0 + 6 * BLOCK + i).fma(r, a6);
                a7 = DoubleVector.fromArray(S, pp, p0 + 7 * BLOCK + i).fma(r, a7);
            }
            int b = (j * ncol + q) * L;
            DoubleVector.fromArray(S, accL, b).add(a0).intoArray(accL, b);
            DoubleVector.fromArray(S, accL, b + L).add(a1).intoArray(accL, b + L);
            DoubleVector.fromArray(S, accL, b + 2 * L).add(a2).intoArray(accL, b + 2 * L);
            DoubleVector.fromArray(S, accL, b + 3 * L).add(a3).intoArray(accL, b + 3 * L);
            DoubleVector.fromArray(S, accL, b + 4 * L).add(a4).intoArray(accL, b + 4 * L);
            DoubleVector.fromArray(S, accL, b + 5 * L).add(a5).intoArray(accL, b + 5 * L);
            DoubleVector.fromArray(S, accL, b + 6 * L).add(a6).intoArray(accL, b + 6 * L);
            DoubleVector.fromArray(S, accL, b + 7 * L).add(a7).intoArray(accL, b + 7 * L);
        }
        for (; q < qb; q++) {
            int p0 = (q - q0) * BLOCK;
            DoubleVector a0 = DoubleVector.zero(S);
            for (int v = 0; v < cnt; v++) {
                int i = nz[base + v];
                a0 = DoubleVector.fromArray(S, lp, o + i).fma(DoubleVector.fromArray(S, pp, p0 + i), a0);
            }
            int b = (j * ncol + q) * L;
            DoubleVector.fromArray(S, accL, b).add(a0).intoArray(accL, b);
        }
    }

    /**
     * Three components by three columns of the shared sums: nine accumulators, three column loads and three
     * responsibility loads per vector of samples. (Larger tiles make C2 spill accumulators to the stack, which
     * costs more than the loads they save; this one compiles to a loop of nine fma and six loads.)
     */
    private void tiles(int np, int j0, int j1, int j2, int q0, int q1) {
        int stp = step;
        int o0 = j0 * BLOCK;
        int o1 = j1 * BLOCK;
        int o2 = j2 * BLOCK;
        int q = q0;
        for (; q + 2 < q1; q += 3) {
            int p0 = (q - q0) * BLOCK;
            int p1 = p0 + BLOCK;
            int p2 = p1 + BLOCK;
            DoubleVector a00 = DoubleVector.zero(S);
            DoubleVector a01 = a00;
            DoubleVector a02 = a00;
            DoubleVector a10 = a00;
            DoubleVector a11 = a00;
            DoubleVector a12 = a00;
            DoubleVector a20 = a00;
            DoubleVector a21 = a00;
            DoubleVector a22 = a00;
            for (int i = 0; i < np; i += stp) {
                DoubleVector c0 = DoubleVector.fromArray(S, pp, p0 + i);
                DoubleVector c1 = DoubleVector.fromArray(S, pp, p1 + i);
                DoubleVector c2 = DoubleVector.fromArray(S, pp, p2 + i);
                DoubleVector r = DoubleVector.fromArray(S, lp, o0 + i);
                a00 = r.fma(c0, a00);
                a01 = r.fma(c1, a01);
                a02 = r.fma(c2, a02);
                r = DoubleVector.fromArray(S, lp, o1 + i);
                a10 = r.fma(c0, a10);
                a11 = r.fma(c1, a11);
                a12 = r.fma(c2, a12);
                r = DoubleVector.fromArray(S, lp, o2 + i);
                a20 = r.fma(c0, a20);
                a21 = r.fma(c1, a21);
                a22 = r.fma(c2, a22);
            }
            int b0 = (j0 * ncol + q) * L;
            int b1 = (j1 * ncol + q) * L;
            int b2 = (j2 * ncol + q) * L;
            DoubleVector.fromArray(S, accL, b0).add(a00).intoArray(accL, b0);
            DoubleVector.fromArray(S, accL, b0 + L).add(a01).intoArray(accL, b0 + L);
            DoubleVector.fromArray(S, accL, b0 + 2 * L).add(a02).intoArray(accL, b0 + 2 * L);
            DoubleVector.fromArray(S, accL, b1).add(a10).intoArray(accL, b1);
            DoubleVector.fromArray(S, accL, b1 + L).add(a11).intoArray(accL, b1 + L);
            DoubleVector.fromArray(S, accL, b1 + 2 * L).add(a12).intoArray(accL, b1 + 2 * L);
            DoubleVector.fromArray(S, accL, b2).add(a20).intoArray(accL, b2);
            DoubleVector.fromArray(S, accL, b2 + L).add(a21).intoArray(accL, b2 + L);
            DoubleVector.fromArray(S, accL, b2 + 2 * L).add(a22).intoArray(accL, b2 + 2 * L);
        }
        for (; q < q1; q++) {
            int p0 = (q - q0) * BLOCK;
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            for (int i = 0; i < np; i += L) {
                DoubleVector c0 = DoubleVector.fromArray(S, pp, p0 + i);
                a0 = DoubleVector.fromArray(S, lp, o0 + i).fma(c0, a0);
                a1 = DoubleVector.fromArray(S, lp, o1 + i).fma(c0, a1);
                a2 = DoubleVector.fromArray(S, lp, o2 + i).fma(c0, a2);
            }
            int b0 = (j0 * ncol + q) * L;
            int b1 = (j1 * ncol + q) * L;
            int b2 = (j2 * ncol + q) * L;
            DoubleVector.fromArray(S, accL, b0).add(a0).intoArray(accL, b0);
            DoubleVector.fromArray(S, accL, b1).add(a1).intoArray(accL, b1);
            DoubleVector.fromArray(S, accL, b2).add(a2).intoArray(accL, b2);
        }
    }

    private void logDensitiesDiag(Params p, int np) {
        double[] up = p.diagPacked;
        int two = 2 * one; // 2, but not a constant to C2: the feature loop stays uncounted (see step)
        for (int j = 0; j < k; j++) {
            DoubleVector lc = DoubleVector.broadcast(S, p.logConst[j]);
            int u0 = 2 * j * d;
            int uEnd = u0 + 2 * d;
            int o = j * BLOCK;
            for (int i = 0; i < np; i += G * L) {
                DoubleVector m0 = DoubleVector.zero(S);
                DoubleVector m1 = m0;
                DoubleVector m2 = m0;
                DoubleVector m3 = m0;
                // (x − μ)·p as one fma x·p − μp: error ε|μp|, sklearn's expanded form ε|x·p|; (p, −μp) packed
                int xo = i;
                for (int uo = u0; uo < uEnd; uo += two, xo += BLOCK) {
                    DoubleVector pr = DoubleVector.broadcast(S, up[uo]);
                    DoubleVector nmp = DoubleVector.broadcast(S, up[uo + 1]);
                    DoubleVector u0v = DoubleVector.fromArray(S, x, xo).fma(pr, nmp);
                    DoubleVector u1v = DoubleVector.fromArray(S, x, xo + L).fma(pr, nmp);
                    DoubleVector u2v = DoubleVector.fromArray(S, x, xo + 2 * L).fma(pr, nmp);
                    DoubleVector u3v = DoubleVector.fromArray(S, x, xo + 3 * L).fma(pr, nmp);
                    m0 = u0v.fma(u0v, m0);
                    m1 = u1v.fma(u1v, m1);
                    m2 = u2v.fma(u2v, m2);
                    m3 = u3v.fma(u3v, m3);
                }
                lc.sub(m0.mul(0.5)).intoArray(lp, o + i);
                lc.sub(m1.mul(0.5)).intoArray(lp, o + i + L);
                lc.sub(m2.mul(0.5)).intoArray(lp, o + i + 2 * L);
                lc.sub(m3.mul(0.5)).intoArray(lp, o + i + 3 * L);
            }
        }
    }

    /**
     * −½‖(x − μⱼ)ᵀUⱼ‖² + log φⱼ + log det Uⱼ − ½D log 2π for every component: for a component near the reference
     * from (x − ref)ᵀUⱼ − (μⱼ − ref)ᵀUⱼ (the centred block tg serves every such component), otherwise from x − μⱼ.
     * With K > 1 and D > {@link #PRUNE_COLS}, the near components' sums are pruned ({@link #prunedFull}): here
     * they get their first {@link #PRUNE_COLS} columns only; the far ones are always complete.
     */
    private void logDensitiesFull(Params p, int np) {
        boolean prune = k > 1 && d > PRUNE_COLS;
        for (int j = 0; j < k; j++) {
            if (p.refOk[j]) {
                mahalanobis(p, j, tg, 0, np, 0, prune ? PRUNE_COLS : d, true, !prune);
            } else {
                for (int a = 0; a < d; a++) {
                    DoubleVector mu = DoubleVector.broadcast(S, p.means[j * d + a]);
                    int o = a * BLOCK;
                    for (int i = 0; i < np; i += L) {
                        DoubleVector.fromArray(S, x, o + i).sub(mu).intoArray(t, o + i);
                    }
                }
                mahalanobis(p, j, t, 0, np, 0, d, true, true);
            }
        }
        if (prune) {
            sortBlock(p, np);
            prunedFull(p, np);
        }
    }

    /**
     * Orders the block's samples by their candidate component: the one with the largest upper bound
     * logConstⱼ − ½·(the first {@link #PRUNE_COLS} columns' sum) (exact for a component far from the reference),
     * most likely the sample's largest log-density. A counting sort (stable) permutes x, tg, the weights and the
     * partial sums, so each component's samples are contiguous: the groups of {@link #prunedFull} then mostly
     * share their candidate, and a component's listed vectors are few and dense.
     */
    private void sortBlock(Params p, int np) {
        for (int i = 0; i < np; i += L) {
            DoubleVector best = DoubleVector.fromArray(S, lp, i).fma(ubScale[0], ubShift[0]);
            DoubleVector idx = DoubleVector.zero(S);
            for (int j = 1; j < k; j++) {
                DoubleVector ub = DoubleVector.fromArray(S, lp, j * BLOCK + i).fma(ubScale[j], ubShift[j]);
                VectorMask<Double> gt = ub.compare(VectorOperators.GT, best);
                best = best.blend(ub, gt);
                idx = idx.blend(j, gt);
            }
            idx.intoArray(bestIdx, i);
        }
        java.util.Arrays.fill(candCount, 0);
        for (int i = 0; i < np; i++) {
            candCount[(int) bestIdx[i]]++;
        }
        int pos = 0;
        for (int j = 0; j < k; j++) {
            candPos[j] = pos;
            pos += candCount[j];
        }
        for (int i = 0; i < np; i++) {
            int c = (int) bestIdx[i];
            int q = candPos[c]++;
            perm[q] = i;
            cand[q] = c;
        }
        for (int a = 0; a < d; a++) {
            if (anyFar) { // x serves only the components far from the reference
                permute(x, a * BLOCK, np);
            }
            permute(tg, a * BLOCK, np);
        }
        for (int j = 0; j < k; j++) {
            permute(lp, j * BLOCK, np);
        }
        permute(w, 0, np);
    }

    /** a[o + q] = a[o + perm[q]] for q below np. */
    private void permute(double[] a, int o, int np) {
        for (int q = 0; q < np; q++) {
            gather[q] = a[o + perm[q]];
        }
        System.arraycopy(gather, 0, a, o, np);
    }

    /**
     * Completes the near components' Mahalanobis sums group by group ({@value #G} vectors of sorted samples),
     * skipping what cannot matter. First the group's candidates are completed; their log-densities give, per
     * lane, a lower bound M of the sample's largest log-density. Every other component's partial sum gives an
     * upper bound ub of its log-density (the sum only grows with more columns, and rounding is monotone); when
     * ub − M is below the component's exp cut in every lane, the full computation's value would be below the cut
     * too, and exp would give exactly 0 for it ({@link #expAll}), so ub is stored instead and the remaining
     * columns are skipped; otherwise two more columns are added and the test repeated. The result is bit for bit
     * what the full sums give.
     */
    private void prunedFull(Params p, int np) {
        int gl = G * L;
        int pruned = 0;
        for (int i = 0; i < np; i += gl) {
            java.util.Arrays.fill(gmax, PAD, PAD + gl, Double.NEGATIVE_INFINITY);
            for (int j = 0; j < k; j++) {
                if (!p.refOk[j]) {
                    groupMax(j, i);
                }
            }
            for (int c = cand[i]; c <= cand[i + gl - 1]; c++) {
                if (candCount[c] > 0 && p.refOk[c]) {
                    complete(p, c, i, PRUNE_COLS);
                }
            }
            for (int j = 0; j < k; j++) {
                if (!p.refOk[j] || candCount[j] > 0 && j >= cand[i] && j <= cand[i + gl - 1]) {
                    continue;
                }
                int c = PRUNE_COLS;
                while (true) {
                    if (prune(p, j, i)) {
                        pruned++;
                        break;
                    }
                    int c2 = Math.min(d, c + 2);
                    if (c2 == d || c >= PRUNE_LAST) {
                        complete(p, j, i, c);
                        break;
                    }
                    mahalanobis(p, j, tg, i, i + gl, c, c2, false, false);
                    c = c2;
                }
            }
        }
        if (pruned > 0) {
            PRUNED.add(pruned);
        }
    }

    /** Columns [c, d) of component j's sum for the group at i, then its log-density, then the group's max. */
    private void complete(Params p, int j, int i, int c) {
        mahalanobis(p, j, tg, i, i + G * L, c, d, false, true);
        groupMax(j, i);
    }

    /** gmax = max(gmax, log-density of j) over the group at i. */
    private void groupMax(int j, int i) {
        int o = j * BLOCK + i;
        for (int g = 0; g < G * L; g += L) {
            DoubleVector.fromArray(S, gmax, PAD + g).max(DoubleVector.fromArray(S, lp, o + g))
                    .intoArray(gmax, PAD + g);
        }
    }

    /**
     * Whether the group at i is certainly negligible for component j: ub − M below the cut in every lane, ub
     * computed from the partial sum m by the operations that turn a complete sum into a log-density
     * (logConstⱼ − ½m, in {@link #mahalanobis}); if so, ub is stored as the group's
     * log-density of j.
     */
    private boolean prune(Params p, int j, int i) {
        DoubleVector lc = DoubleVector.broadcast(S, p.logConst[j]);
        double cut = cutJ[j];
        int o = j * BLOCK + i;
        DoubleVector u0 = lc.sub(DoubleVector.fromArray(S, lp, o).mul(0.5));
        DoubleVector u1 = lc.sub(DoubleVector.fromArray(S, lp, o + L).mul(0.5));
        DoubleVector u2 = lc.sub(DoubleVector.fromArray(S, lp, o + 2 * L).mul(0.5));
        DoubleVector u3 = lc.sub(DoubleVector.fromArray(S, lp, o + 3 * L).mul(0.5));
        VectorMask<Double> ok = u0.sub(DoubleVector.fromArray(S, gmax, PAD)).compare(VectorOperators.LT, cut)
                .and(u1.sub(DoubleVector.fromArray(S, gmax, PAD + L)).compare(VectorOperators.LT, cut))
                .and(u2.sub(DoubleVector.fromArray(S, gmax, PAD + 2 * L)).compare(VectorOperators.LT, cut))
                .and(u3.sub(DoubleVector.fromArray(S, gmax, PAD + 3 * L)).compare(VectorOperators.LT, cut));
        if (!ok.allTrue()) {
            return false;
        }
        u0.intoArray(lp, o);
        u1.intoArray(lp, o + L);
        u2.intoArray(lp, o + 2 * L);
        u3.intoArray(lp, o + 3 * L);
        return true;
    }

    /**
     * Adds columns [cFrom, cTo) of component j's ‖y + srcᵀUⱼ‖² (y from {@link #yStart}) into its row of lp
     * (into zero when {@code fresh}) for the samples [from, to); Uⱼ's columns two at a time (packed by
     * {@link Params#uPacked}: per column pair c, c+1 the rows r ≤ c as (U_rc, U_r,c+1), then U_c+1,c+1, so pair
     * c starts at c(c+1)/2; a last odd column as U_rc), four vectors of samples at a time: the src loads serve
     * both columns. cFrom is even; cTo is even or D. With {@code toLd}, the complete sum m is stored as the
     * log-density logConstⱼ − ½m.
     */
    private void mahalanobis(Params p, int j, double[] src, int from, int to, int cFrom, int cTo, boolean fresh,
                             boolean toLd) {
        double[] up = p.uPacked;
        int u0 = j * p.uPackedStride;
        int yo = j * d;
        int lo = j * BLOCK;
        for (int i = from; i < to; i += G * L) {
            int mo = lo + i;
            DoubleVector m0;
            DoubleVector m1;
            DoubleVector m2;
            DoubleVector m3;
            if (fresh) {
                m0 = DoubleVector.zero(S);
                m1 = m0;
                m2 = m0;
                m3 = m0;
            } else {
                m0 = DoubleVector.fromArray(S, lp, mo);
                m1 = DoubleVector.fromArray(S, lp, mo + L);
                m2 = DoubleVector.fromArray(S, lp, mo + 2 * L);
                m3 = DoubleVector.fromArray(S, lp, mo + 3 * L);
            }
            int uo = u0 + cFrom * (cFrom + 1) / 2;
            int c = cFrom;
            for (; c + 1 < cTo; c += 2) {
                DoubleVector y0 = DoubleVector.broadcast(S, yStart[yo + c]);
                DoubleVector y1 = y0;
                DoubleVector y2 = y0;
                DoubleVector y3 = y0;
                DoubleVector z0 = DoubleVector.broadcast(S, yStart[yo + c + 1]);
                DoubleVector z1 = z0;
                DoubleVector z2 = z0;
                DoubleVector z3 = z0;
                int so = i;
                int uEnd = uo + 2 * (c + 1);
                for (; uo < uEnd; uo += 2, so += BLOCK) {
                    DoubleVector u = DoubleVector.broadcast(S, up[uo]);
                    DoubleVector v = DoubleVector.broadcast(S, up[uo + 1]);
                    DoubleVector t0 = DoubleVector.fromArray(S, src, so);
                    DoubleVector t1 = DoubleVector.fromArray(S, src, so + L);
                    DoubleVector t2 = DoubleVector.fromArray(S, src, so + 2 * L);
                    DoubleVector t3 = DoubleVector.fromArray(S, src, so + 3 * L);
                    y0 = t0.fma(u, y0);
                    y1 = t1.fma(u, y1);
                    y2 = t2.fma(u, y2);
                    y3 = t3.fma(u, y3);
                    z0 = t0.fma(v, z0);
                    z1 = t1.fma(v, z1);
                    z2 = t2.fma(v, z2);
                    z3 = t3.fma(v, z3);
                }
                DoubleVector v = DoubleVector.broadcast(S, up[uo++]);
                z0 = DoubleVector.fromArray(S, src, so).fma(v, z0);
                z1 = DoubleVector.fromArray(S, src, so + L).fma(v, z1);
                z2 = DoubleVector.fromArray(S, src, so + 2 * L).fma(v, z2);
                z3 = DoubleVector.fromArray(S, src, so + 3 * L).fma(v, z3);
                m0 = z0.fma(z0, y0.fma(y0, m0));
                m1 = z1.fma(z1, y1.fma(y1, m1));
                m2 = z2.fma(z2, y2.fma(y2, m2));
                m3 = z3.fma(z3, y3.fma(y3, m3));
            }
            if (c < cTo) {
                DoubleVector y0 = DoubleVector.broadcast(S, yStart[yo + c]);
                DoubleVector y1 = y0;
                DoubleVector y2 = y0;
                DoubleVector y3 = y0;
                int so = i;
                int uEnd = uo + c + 1;
                for (; uo < uEnd; uo++, so += BLOCK) {
                    DoubleVector u = DoubleVector.broadcast(S, up[uo]);
                    y0 = DoubleVector.fromArray(S, src, so).fma(u, y0);
                    y1 = DoubleVector.fromArray(S, src, so + L).fma(u, y1);
                    y2 = DoubleVector.fromArray(S, src, so + 2 * L).fma(u, y2);
                    y3 = DoubleVector.fromArray(S, src, so + 3 * L).fma(u, y3);
                }
                m0 = y0.fma(y0, m0);
                m1 = y1.fma(y1, m1);
                m2 = y2.fma(y2, m2);
                m3 = y3.fma(y3, m3);
            }
            if (toLd) { // as prune does
                DoubleVector lc = DoubleVector.broadcast(S, p.logConst[j]);
                m0 = lc.sub(m0.mul(0.5));
                m1 = lc.sub(m1.mul(0.5));
                m2 = lc.sub(m2.mul(0.5));
                m3 = lc.sub(m3.mul(0.5));
            }
            m0.intoArray(lp, mo);
            m1.intoArray(lp, mo + L);
            m2.intoArray(lp, mo + 2 * L);
            m3.intoArray(lp, mo + 3 * L);
        }
    }

    /**
     * Replaces the log-densities by ωᵢ·responsibility, adds the block's log-likelihood and weight, and lists, per
     * component, the sample vectors where some responsibility is above {@link Params#negligible} (the listed
     * vectors). Passes over the K×B buffer: max, exp ({@link #expAll}), sum and scale; then the logs of the sums
     * ({@link #logSums}). None hands a vector to another method (a call C2 does not inline would box it).
     */
    private void responsibilities(Params p, int np, SufficientStatistics st) {
        for (int i = 0; i < np; i += L) {
            DoubleVector max = DoubleVector.fromArray(S, lp, i);
            for (int j = 1; j < k; j++) {
                max = max.max(DoubleVector.fromArray(S, lp, j * BLOCK + i));
            }
            max.intoArray(mx, i);
        }
        expAll(p, np);
        java.util.Arrays.fill(nzCount, PAD, PAD + k, 0);
        // in locals, written back once: the statistics object may share a cache line with another thread's data
        double logLik = st.logLik;
        double weightSum = st.weightSum;
        for (int i = 0; i < np; i += L) {
            DoubleVector sum = DoubleVector.fromArray(S, lp, i);
            for (int j = 1; j < k; j++) {
                sum = sum.add(DoubleVector.fromArray(S, lp, j * BLOCK + i));
            }
            DoubleVector scale = DoubleVector.fromArray(S, w, i).div(sum);
            sum.intoArray(sm, i);
            for (int j = 0; j < k; j++) {
                DoubleVector r = DoubleVector.fromArray(S, lp, j * BLOCK + i).mul(scale);
                r.intoArray(lp, j * BLOCK + i);
                if (r.compare(VectorOperators.GT, p.negligible[j]).anyTrue()) {
                    nz[j * VB + nzCount[PAD + j]++] = i;
                }
            }
        }
        logSums(np);
        for (int i = 0; i < np; i++) {
            double wi = w[i];
            if (wi != 0) {
                logLik += wi * (mx[i] + sm[i]);
                weightSum += wi;
            }
        }
        st.logLik = logLik;
        st.weightSum = weightSum;
    }

    /**
     * sm[i] = log sm[i] for the block's sums (each in [1, K]): s = 2^e·m with m in [√½, √2), log m = 2 atanh u,
     * u = (m − 1)/(m + 1), |u| ≤ 0.172, by its series to u²¹ (truncation below 1e-18), e·ln 2 in two parts;
     * IEEE operations only, like {@link #expAll}, and in a method of its own for the same reason.
     */
    private void logSums(int np) {
        DoubleVector ln2hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2lo = DoubleVector.broadcast(S, LN2_LO);
        int stp = step;
        for (int i = 0; i < np; i += stp) {
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
            e.fma(ln2hi, e.fma(ln2lo, logm)).intoArray(sm, i);
        }
    }

    /**
     * e^(z − max) in place over the K×np buffer (z the log-densities, max per sample in mx, so the exponent is
     * ≤ 0), from IEEE basic operations only: n = round(z / ln 2) by the
     * 1.5·2⁵² trick, r = z − n ln 2 in two parts (|r| ≤ ½ ln 2), e^r by its Taylor polynomial to r¹³
     * (truncation below 1e-17), times 2^n built in the exponent bits (n ≥ −1022 in the range kept); 0 below
     * a cut (no subnormals, and −∞ or garbage lanes are masked), where a whole vector below it is skipped. The
     * cut is {@link Kernel#EXP_UNDERFLOW_D}, or higher where a responsibility would be negligible anyway: below
     * ln(θⱼ / ω_max), θⱼ = {@link Params#negligible}, ω_max the block's largest weight, the sample's
     * responsibility ω e^(z − max) / Σ is below θⱼ and e^(z − max) below 2⁻⁶⁰ of the sum Σ ≥ 1 it joins.
     */
    private void expAll(Params p, int np) {
        // The constants as loop-invariant locals (a static final vector is re-read from its object every time).
        // One vector per step and no more: this method's inlined Vector API code must stay well under C2's
        // inlining budget, or C2 may leave some operations as calls that box every vector (seen with two vectors
        // per step: 6× slower in one process in ten); the out-of-order core overlaps the steps' fma chains anyway.
        DoubleVector vnegln2hi = DoubleVector.broadcast(S, NEG_LN2_HI);
        DoubleVector vnegln2lo = DoubleVector.broadcast(S, NEG_LN2_LO);
        DoubleVector vone = DoubleVector.broadcast(S, 1.0);
        DoubleVector vt2 = DoubleVector.broadcast(S, T2);
        DoubleVector vt3 = DoubleVector.broadcast(S, T3);
        DoubleVector vt4 = DoubleVector.broadcast(S, T4);
        DoubleVector vt5 = DoubleVector.broadcast(S, T5);
        DoubleVector vt6 = DoubleVector.broadcast(S, T6);
        DoubleVector vt7 = DoubleVector.broadcast(S, T7);
        DoubleVector vt8 = DoubleVector.broadcast(S, T8);
        DoubleVector vt9 = DoubleVector.broadcast(S, T9);
        DoubleVector vt10 = DoubleVector.broadcast(S, T10);
        DoubleVector vt11 = DoubleVector.broadcast(S, T11);
        DoubleVector vt12 = DoubleVector.broadcast(S, T12);
        DoubleVector vt13 = DoubleVector.broadcast(S, T13);
        LongVector bias = LongVector.broadcast(LS, 1023L);
        int stp = step;
        for (int j = 0; j < k; j++) {
            int o = j * BLOCK;
            double cut = cutJ[j];
            for (int i = 0; i < np; i += stp) {
                DoubleVector z = DoubleVector.fromArray(S, lp, o + i).sub(DoubleVector.fromArray(S, mx, i));
                VectorMask<Double> under = z.compare(VectorOperators.LT, cut);
                if (under.allTrue()) {
                    DoubleVector.zero(S).intoArray(lp, o + i);
                    continue;
                }
                // lanes below the cut are clamped to it (then zeroed), so no lane forms a subnormal or garbage
                // power of two: a multiply with a subnormal result costs a microcode assist
                z = z.max(EXP_UNDERFLOW_D);
                DoubleVector kd = z.fma(LOG2E, MAGIC);
                DoubleVector n = kd.sub(MAGIC);
                DoubleVector r = n.fma(vnegln2hi, z);
                r = n.fma(vnegln2lo, r);
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
                poly.mul(scale).blend(0.0, under).intoArray(lp, o + i);
            }
        }
    }

    /** @return the sum of {@code lanes} in lane order (a fixed order, unlike a reduction) */
    private double laneSum() {
        double s = lanes[PAD];
        for (int l = 1; l < L; l++) {
            s += lanes[PAD + l];
        }
        return s;
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
    private void sumsDiag(Params p, int j, SufficientStatistics st) {
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
        addShifted(p, j, p.means, j * d, s0, s1buf, s2buf, st);
    }

    /**
     * Full sums of component j about its own mean over its listed vectors (a component far from the reference):
     * S0, S1 and the centred, weighted copies t and rt, then
     * the outer products. Two methods, each small enough for C2 to inline all its Vector API calls.
     */
    private void sumsFull(Params p, int j, SufficientStatistics st) {
        centreFull(p, j, st);
        outerFull(j, st);
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

    private void outerFull(int j, SufficientStatistics st) {
        int cnt = nzCount[PAD + j];
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
                e0.intoArray(lanes, PAD);
                st.s2[s0] += laneSum();
                e1.intoArray(lanes, PAD);
                st.s2[s0 + 1] += laneSum();
                e2.intoArray(lanes, PAD);
                st.s2[s0 + 2] += laneSum();
                e3.intoArray(lanes, PAD);
                st.s2[s0 + 3] += laneSum();
                f0.intoArray(lanes, PAD);
                st.s2[s1] += laneSum();
                f1.intoArray(lanes, PAD);
                st.s2[s1 + 1] += laneSum();
                f2.intoArray(lanes, PAD);
                st.s2[s1 + 2] += laneSum();
                f3.intoArray(lanes, PAD);
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
                e0.intoArray(lanes, PAD);
                st.s2[so + a * d + b] += laneSum();
                f0.intoArray(lanes, PAD);
                st.s2[so + (a + 1) * d + b] += laneSum();
            }
        }
        if (a < d) {
            int ao = a * BLOCK;
            DoubleVector e0 = DoubleVector.zero(S);
            for (int q = 0; q < len; q += L) {
                e0 = DoubleVector.fromArray(S, rt, ao + q).fma(DoubleVector.fromArray(S, t, ao + q), e0);
            }
            e0.intoArray(lanes, PAD);
            st.s2[so + a * d + a] += laneSum();
        }
    }

    private static final double MAGIC = 0x1.8p52;
    private static final double SQRT2 = 1.4142135623730951;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double LOG2E = 1.4426950408889634;
    private static final double NEG_LN2_HI = -6.93147180369123816490e-01;
    private static final double NEG_LN2_LO = -1.90821492927058770002e-10;
    private static final double T2 = 1.0 / 2;
    private static final double T3 = 1.0 / 6;
    private static final double T4 = 1.0 / 24;
    private static final double T5 = 1.0 / 120;
    private static final double T6 = 1.0 / 720;
    private static final double T7 = 1.0 / 5040;
    private static final double T8 = 1.0 / 40320;
    private static final double T9 = 1.0 / 362880;
    private static final double T10 = 1.0 / 3628800;
    private static final double T11 = 1.0 / 39916800;
    private static final double T12 = 1.0 / 479001600;
    private static final double T13 = 1.0 / 6227020800.0;
}
