package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tile micro-kernels of the double sums, each a loop over vectors of samples with its accumulators
 * in registers, adding its lane sums into an accumulator array (vectors of L lanes): the shared sums' 3×3 tile
 * ({@link #dense}) and 1×8 tile over listed vectors ({@link #sparse}), and the one 2×4 outer-product tile
 * ({@link #outer}) of every S2 summed from centred, weighted copies. Static, array in, array out, no vector
 * crosses a call (see the package's JIT rules).
 */
final class Tiles {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int BLOCK = Kernel.BLOCK;
    private static final int VB = VectorBlock.VB;

    private Tiles() {
    }

    /**
     * As {@link #outer}, the same elements with the same bits (each still one fma chain in sample order), in tiles
     * of four rows by four columns where d is a multiple of four: per vector four rt and four t loads for sixteen
     * fma, against six loads for eight in the 2×4 tile. Sixteen accumulators and eight loads need more than AVX2's
     * 16 vector registers, so only for 512-bit vectors (AVX-512 has 32); otherwise, and for other d, it is
     * {@link #outer}. Used by the float kernel's gathered sums ({@link GatheredSums#flush}), whose outer products
     * run over buffers of up to 64 samples; the double kernel keeps {@link #outer}.
     */
    static void outer4(double[] rt, double[] t, int off, int stride, int len, int d, double[] acc, int accOff,
                       int stp) {
        if (L < 8 || (d & 3) != 0) {
            outer(rt, t, off, stride, len, d, acc, accOff, stp);
            return;
        }
        for (int a = 0; a < d; a += 4) {
            for (int b = a; b < d; b += 4) {
                tile44(rt, t, off + a * stride, off + b * stride, stride, len, acc, accOff + (a * d + b) * L, d * L,
                        stp);
            }
        }
    }

    /** One 4×4 tile of {@link #outer4}: rows from {@code ao} (rt) by columns from {@code bo} (t). */
    private static void tile44(double[] rt, double[] t, int ao, int bo, int stride, int len, double[] acc, int x0,
                               int rowStep, int stp) {
        DoubleVector e0 = DoubleVector.zero(S);
        DoubleVector e1 = e0;
        DoubleVector e2 = e0;
        DoubleVector e3 = e0;
        DoubleVector f0 = e0;
        DoubleVector f1 = e0;
        DoubleVector f2 = e0;
        DoubleVector f3 = e0;
        DoubleVector g0 = e0;
        DoubleVector g1 = e0;
        DoubleVector g2 = e0;
        DoubleVector g3 = e0;
        DoubleVector h0 = e0;
        DoubleVector h1 = e0;
        DoubleVector h2 = e0;
        DoubleVector h3 = e0;
        for (int q = 0; q < len; q += stp) {
            DoubleVector t0 = DoubleVector.fromArray(S, t, bo + q);
            DoubleVector t1 = DoubleVector.fromArray(S, t, bo + stride + q);
            DoubleVector t2 = DoubleVector.fromArray(S, t, bo + 2 * stride + q);
            DoubleVector t3 = DoubleVector.fromArray(S, t, bo + 3 * stride + q);
            DoubleVector ra = DoubleVector.fromArray(S, rt, ao + q);
            e0 = ra.fma(t0, e0);
            e1 = ra.fma(t1, e1);
            e2 = ra.fma(t2, e2);
            e3 = ra.fma(t3, e3);
            DoubleVector rb = DoubleVector.fromArray(S, rt, ao + stride + q);
            f0 = rb.fma(t0, f0);
            f1 = rb.fma(t1, f1);
            f2 = rb.fma(t2, f2);
            f3 = rb.fma(t3, f3);
            DoubleVector rc = DoubleVector.fromArray(S, rt, ao + 2 * stride + q);
            g0 = rc.fma(t0, g0);
            g1 = rc.fma(t1, g1);
            g2 = rc.fma(t2, g2);
            g3 = rc.fma(t3, g3);
            DoubleVector rd = DoubleVector.fromArray(S, rt, ao + 3 * stride + q);
            h0 = rd.fma(t0, h0);
            h1 = rd.fma(t1, h1);
            h2 = rd.fma(t2, h2);
            h3 = rd.fma(t3, h3);
        }
        int x1 = x0 + rowStep;
        int x2 = x1 + rowStep;
        int x3 = x2 + rowStep;
        DoubleVector.fromArray(S, acc, x0).add(e0).intoArray(acc, x0);
        DoubleVector.fromArray(S, acc, x0 + L).add(e1).intoArray(acc, x0 + L);
        DoubleVector.fromArray(S, acc, x0 + 2 * L).add(e2).intoArray(acc, x0 + 2 * L);
        DoubleVector.fromArray(S, acc, x0 + 3 * L).add(e3).intoArray(acc, x0 + 3 * L);
        DoubleVector.fromArray(S, acc, x1).add(f0).intoArray(acc, x1);
        DoubleVector.fromArray(S, acc, x1 + L).add(f1).intoArray(acc, x1 + L);
        DoubleVector.fromArray(S, acc, x1 + 2 * L).add(f2).intoArray(acc, x1 + 2 * L);
        DoubleVector.fromArray(S, acc, x1 + 3 * L).add(f3).intoArray(acc, x1 + 3 * L);
        DoubleVector.fromArray(S, acc, x2).add(g0).intoArray(acc, x2);
        DoubleVector.fromArray(S, acc, x2 + L).add(g1).intoArray(acc, x2 + L);
        DoubleVector.fromArray(S, acc, x2 + 2 * L).add(g2).intoArray(acc, x2 + 2 * L);
        DoubleVector.fromArray(S, acc, x2 + 3 * L).add(g3).intoArray(acc, x2 + 3 * L);
        DoubleVector.fromArray(S, acc, x3).add(h0).intoArray(acc, x3);
        DoubleVector.fromArray(S, acc, x3 + L).add(h1).intoArray(acc, x3 + L);
        DoubleVector.fromArray(S, acc, x3 + 2 * L).add(h2).intoArray(acc, x3 + 2 * L);
        DoubleVector.fromArray(S, acc, x3 + 3 * L).add(h3).intoArray(acc, x3 + 3 * L);
    }

    /**
     * Adds the upper triangle (and a few elements below it, never read) of Σ rt_a t_b over the first {@code len}
     * samples of the D rows rt and t (row a from {@code off + a·stride}) into {@code acc}, element (a, b) at {@code accOff + (a·d + b)·L} as L lane
     * sums: tiles of two rows (a, a+1) by four columns, per vector two rt loads and four t loads for eight fma; the
     * columns start at a rounded down to a multiple of four. Columns beyond the last multiple of four and an odd
     * last row one element at a time ({@link #outerEdge}). Each element is one fma chain in sample order, whatever
     * the tiling.
     *
     * @param off where row 0 of rt and t starts
     * @param stride the distance between their rows ({@link Kernel#BLOCK} for a block's D×B rows)
     * @param stp the vector length from a non-final field (the loop stays uncounted)
     */
    static void outer(double[] rt, double[] t, int off, int stride, int len, int d, double[] acc, int accOff,
                      int stp) {
        int a = 0;
        for (; a + 1 < d; a += 2) {
            int ao = off + a * stride;
            for (int b = a & ~3; b + 3 < d; b += 4) {
                int bo = off + b * stride;
                DoubleVector e0 = DoubleVector.zero(S);
                DoubleVector e1 = e0;
                DoubleVector e2 = e0;
                DoubleVector e3 = e0;
                DoubleVector f0 = e0;
                DoubleVector f1 = e0;
                DoubleVector f2 = e0;
                DoubleVector f3 = e0;
                for (int q = 0; q < len; q += stp) {
                    DoubleVector ra = DoubleVector.fromArray(S, rt, ao + q);
                    DoubleVector rb = DoubleVector.fromArray(S, rt, ao + stride + q);
                    DoubleVector t0 = DoubleVector.fromArray(S, t, bo + q);
                    DoubleVector t1 = DoubleVector.fromArray(S, t, bo + stride + q);
                    DoubleVector t2 = DoubleVector.fromArray(S, t, bo + 2 * stride + q);
                    DoubleVector t3 = DoubleVector.fromArray(S, t, bo + 3 * stride + q);
                    e0 = ra.fma(t0, e0);
                    e1 = ra.fma(t1, e1);
                    e2 = ra.fma(t2, e2);
                    e3 = ra.fma(t3, e3);
                    f0 = rb.fma(t0, f0);
                    f1 = rb.fma(t1, f1);
                    f2 = rb.fma(t2, f2);
                    f3 = rb.fma(t3, f3);
                }
                int x0 = accOff + (a * d + b) * L;
                int x1 = x0 + d * L;
                DoubleVector.fromArray(S, acc, x0).add(e0).intoArray(acc, x0);
                DoubleVector.fromArray(S, acc, x0 + L).add(e1).intoArray(acc, x0 + L);
                DoubleVector.fromArray(S, acc, x0 + 2 * L).add(e2).intoArray(acc, x0 + 2 * L);
                DoubleVector.fromArray(S, acc, x0 + 3 * L).add(e3).intoArray(acc, x0 + 3 * L);
                DoubleVector.fromArray(S, acc, x1).add(f0).intoArray(acc, x1);
                DoubleVector.fromArray(S, acc, x1 + L).add(f1).intoArray(acc, x1 + L);
                DoubleVector.fromArray(S, acc, x1 + 2 * L).add(f2).intoArray(acc, x1 + 2 * L);
                DoubleVector.fromArray(S, acc, x1 + 3 * L).add(f3).intoArray(acc, x1 + 3 * L);
            }
        }
        if ((d & 3) != 0 || a < d) {
            outerEdge(rt, t, off, stride, len, d, acc, accOff, stp);
        }
    }

    /**
     * What {@link #outer} leaves: for each row a, the columns b ≥ a from the last multiple of four (and, for an odd
     * D, all of the last row), one element at a time.
     */
    private static void outerEdge(double[] rt, double[] t, int off, int stride, int len, int d, double[] acc,
                                  int accOff, int stp) {
        int last = d - (d & 1); // rows below it were paired in outer
        for (int a = 0; a < d; a++) {
            int b0 = a < last ? Math.max(a, d & ~3) : a;
            int ao = off + a * stride;
            for (int b = b0; b < d; b++) {
                int bo = off + b * stride;
                DoubleVector e0 = DoubleVector.zero(S);
                for (int q = 0; q < len; q += stp) {
                    e0 = DoubleVector.fromArray(S, rt, ao + q).fma(DoubleVector.fromArray(S, t, bo + q), e0);
                }
                int x0 = accOff + (a * d + b) * L;
                DoubleVector.fromArray(S, acc, x0).add(e0).intoArray(acc, x0);
            }
        }
    }

    /**
     * Columns [qa, qb) of the panel that starts at column q0, eight at a time, of one component's shared sums over
     * the component's listed vectors only (those with a responsibility above {@link VectorParams#negligible}): for a
     * component that matters to a minority of the block, and for the one or two components {@link #dense} leaves
     * over.
     *
     * @param stp 1 from a non-final field (the loop over listed vectors stays uncounted)
     */
    static void sparse(double[] pp, double[] lp, double[] accL, int[] nz, int cnt, int j, int ncol, int q0, int qa,
                       int qb, int stp) {
        int base = j * VB;
        int o = j * BLOCK;
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
     *
     * @param stp the vector length from a non-final field (the loop stays uncounted: unrolled, it spills)
     */
    static void dense(double[] pp, double[] lp, double[] accL, int ncol, int np, int j0, int j1, int j2, int q0,
                      int q1, int stp) {
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
}
