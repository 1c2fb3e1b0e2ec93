package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The full and tied log-densities of the double vector kernel, −½‖(x − μⱼ)ᵀUⱼ‖² + logConstⱼ, two columns of Uⱼ
 * at a time over groups of {@value #G} vectors, and their pruning: for D above {@value #PRUNE_COLS} and K above 1
 * the block is first sorted by each sample's likeliest component (from the first columns), and a component's
 * remaining columns are skipped for a group of samples where its log-density is certainly too low to give a
 * responsibility above the cut ({@link #prunedFull}; the same bits as the complete sums).
 */
final class FullDensity {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int G = VectorBlock.G;
    private static final int PAD = VectorBlock.PAD;
    private static final int BLOCK = Kernel.BLOCK;
    /**
     * Columns of the full Mahalanobis sums computed for every component before the block is sorted and the rest
     * pruned ({@link #prunedFull}); even.
     */
    static final int PRUNE_COLS = 4;
    /**
     * The last column count at which {@link #prunedFull} tests a component (every two columns from
     * {@link #PRUNE_COLS}); one that still matters then is completed at once. Well separated components are mostly
     * pruned by then; for overlapping ones each further test would cost about as much as it could save.
     */
    private static final int PRUNE_LAST = 8;

    private final int d;
    private final int k;
    private final double[] x;
    private final double[] w;
    private final double[] lp;
    private final double[] t;
    private final double[] tg;
    private final double[] cutJ;
    /** y's starting values per component and column: −(μⱼ − ref)ᵀUⱼ near the reference, else 0. */
    private final double[] yStart;
    /** Per sample of the block, the component with the best upper bound (as a double; {@link #sortBlock}). */
    private final double[] bestIdx = new double[BLOCK];
    /**
     * Per component, the run's upper bound of a log-density from the block's lp after the first columns
     * ({@link #sortBlock}): ub = lp·scale + shift, −½ and logConstⱼ for a partial sum (near the reference), 1 and
     * 0 for a complete log-density (far, exact); only a heuristic, so the fma's rounding does not matter.
     */
    private final double[] ubScale;
    private final double[] ubShift;
    /** Whether some component of the run is far from the reference ({@link FullParams#refOk} false). */
    private boolean anyFar;
    /** The block's candidate component per sample, in sorted order after {@link #sortBlock}. */
    private final int[] cand = new int[BLOCK];
    private final int[] perm = new int[BLOCK];
    /** Whether the last block was sorted ({@link #sortBlock}). */
    private boolean sorted;
    private final int[] candCount;
    private final int[] candPos;
    private final double[] gather = new double[BLOCK];
    /** The best log-density per lane of the group in {@link #prunedFull}, at {@link #PAD}. */
    private final double[] gmax = new double[G * L + 2 * PAD];
    /** (group, component) pairs pruned by this object so far: a diagnostic, for the tests. */
    private long prunedGroups;

    FullDensity(VectorBlock b) {
        d = b.d;
        k = b.k;
        x = b.x;
        w = b.w;
        lp = b.lp;
        t = b.t;
        tg = b.tg;
        cutJ = b.cutJ;
        yStart = new double[k * d];
        ubScale = new double[k];
        ubShift = new double[k];
        candCount = new int[k];
        candPos = new int[k];
    }

    /**
     * @return where x holds the last block's q-th sample after {@link #compute}: null when x is in the block's
     *     order (not sorted, or sorted with x permuted: in the double kernel, some component far from the
     *     reference), else the sort's permutation (x not permuted; the float kernel's, always), the row of the q-th
     *     sample at q
     */
    int[] order() {
        return sorted && !anyFar ? perm : null; //#double-only
        //#float-only return sorted ? perm : null; // the float kernel never permutes x: GatheredSums reads it through perm
    }

    /** @return the (group, component) pairs pruned so far */
    long prunedGroups() {
        return prunedGroups;
    }

    /** Before a run: the starting values of the sums and the sort's bounds for the pass's parameters. */
    void begin(Params p, FullParams vp) {
        anyFar = false;
        for (int j = 0; j < k; j++) {
            anyFar |= !vp.refOk[j];
            for (int c = 0; c < d; c++) {
                yStart[j * d + c] = vp.refOk[j] ? -vp.refY[j * d + c] : 0;
            }
            ubScale[j] = vp.refOk[j] ? -0.5 : 1;
            ubShift[j] = vp.refOk[j] ? p.logConst[j] : 0;
        }
    }

    /**
     * −½‖(x − μⱼ)ᵀUⱼ‖² + log φⱼ + log det Uⱼ − ½D log 2π for every component: for a component near the reference
     * from (x − ref)ᵀUⱼ − (μⱼ − ref)ᵀUⱼ (the centred block tg serves every such component), otherwise from x − μⱼ.
     * With K > 1 and D > {@link #PRUNE_COLS}, the near components' sums are pruned ({@link #prunedFull}): here
     * they get their first {@link #PRUNE_COLS} columns only; the far ones are always complete.
     */
    void compute(Params p, FullParams vp, int np) {
        boolean prune = k > 1 && d > PRUNE_COLS;
        for (int j = 0; j < k; j++) {
            if (vp.refOk[j]) {
                mahalanobis(p, vp, j, tg, 0, np, 0, prune ? PRUNE_COLS : d, true, !prune);
            } else {
                for (int a = 0; a < d; a++) {
                    DoubleVector mu = DoubleVector.broadcast(S, p.means[j * d + a]);
                    int o = a * BLOCK;
                    for (int i = 0; i < np; i += L) {
                        DoubleVector.fromArray(S, x, o + i).sub(mu).intoArray(t, o + i);
                    }
                }
                mahalanobis(p, vp, j, t, 0, np, 0, d, true, true);
            }
        }
        sorted = prune;
        if (prune) {
            sortBlock(np);
            prunedFull(p, vp, np);
        }
    }

    /**
     * Orders the block's samples by their candidate component: the one with the largest upper bound
     * logConstⱼ − ½·(the first {@link #PRUNE_COLS} columns' sum) (exact for a component far from the reference),
     * most likely the sample's largest log-density. A counting sort (stable) permutes x, tg, the weights and the
     * partial sums, so each component's samples are contiguous: the groups of {@link #prunedFull} then mostly
     * share their candidate, and a component's listed vectors are few and dense.
     */
    private void sortBlock(int np) {
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
            if (anyFar) { // x serves only the components far from the reference (their own-mean sums) //#double-only
                permute(x, a * BLOCK, np); //#double-only
            } //#double-only
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
     * too, and exp would give exactly 0 for it ({@link VectorMath#exp}), so ub is stored instead and the remaining
     * columns are skipped; otherwise two more columns are added and the test repeated. The result is bit for bit
     * what the full sums give.
     */
    private void prunedFull(Params p, FullParams vp, int np) {
        int gl = G * L;
        int pruned = 0;
        for (int i = 0; i < np; i += gl) {
            java.util.Arrays.fill(gmax, PAD, PAD + gl, Double.NEGATIVE_INFINITY);
            for (int j = 0; j < k; j++) {
                if (!vp.refOk[j]) {
                    groupMax(j, i);
                }
            }
            for (int c = cand[i]; c <= cand[i + gl - 1]; c++) {
                if (candCount[c] > 0 && vp.refOk[c]) {
                    complete(p, vp, c, i, PRUNE_COLS);
                }
            }
            for (int j = 0; j < k; j++) {
                if (!vp.refOk[j] || candCount[j] > 0 && j >= cand[i] && j <= cand[i + gl - 1]) {
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
                        complete(p, vp, j, i, c);
                        break;
                    }
                    mahalanobis(p, vp, j, tg, i, i + gl, c, c2, false, false);
                    c = c2;
                }
            }
        }
        prunedGroups += pruned;
    }

    /** Columns [c, d) of component j's sum for the group at i, then its log-density, then the group's max. */
    private void complete(Params p, FullParams vp, int j, int i, int c) {
        mahalanobis(p, vp, j, tg, i, i + G * L, c, d, false, true);
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
    private void mahalanobis(Params p, FullParams vp, int j, double[] src, int from, int to, int cFrom, int cTo,
                             boolean fresh, boolean toLd) {
        double[] up = vp.uPacked;
        int u0 = j * vp.uPackedStride;
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
}
