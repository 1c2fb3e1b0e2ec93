package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One worker's block buffers of the double vector kernel, shared by its parts ({@link VectorDoubleKernel} reads
 * the block and computes the responsibilities, {@link FullDensity} the full log-densities, {@link SharedSums} and
 * {@link OwnMeanSums} the weighted sums). Feature-major: row a of a D×B buffer starts at a·{@link Kernel#BLOCK}.
 */
final class VectorBlock {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int BLOCK = Kernel.BLOCK;
    /** Vectors per unrolled group (independent accumulators). */
    static final int G = 4;
    /** Vectors of samples per block. */
    static final int VB = BLOCK / L;
    /** Padding, in elements, around the small arrays written in the hot loops (16 ≥ one 64-byte line of ints). */
    static final int PAD = 16;

    final int d;
    final int k;
    /** The block's rows as read, B×D. */
    final double[] rows;
    /** The block, D×B. */
    final double[] x;
    /** The sample weights (0 for the padding). */
    final double[] w;
    /** K×B: the log-densities, then the weighted responsibilities ωᵢrᵢⱼ. */
    final double[] lp;
    /** x − μⱼ of one component (far from the reference), D×B; also scratch for the compacted sums. */
    final double[] t;
    /** Responsibility times t over a component's listed vectors, D×B. */
    final double[] rt;
    /** x − ref, D×B. */
    final double[] tg;
    /** Per sample, the largest log-density. */
    final double[] mx = new double[BLOCK];
    /** Per-sample sums of e^(z − max), then their logs. */
    final double[] sm = new double[BLOCK];
    /** Per component, the offsets of its listed vectors (some responsibility above the negligible weight). */
    final int[] nz;
    /** Per component at {@link #PAD}, the number of its listed vectors (padded: written in the hot loops). */
    final int[] nzCount;
    /** Per component, the exp cut of the block; also the pruning threshold. */
    final double[] cutJ;
    /** 1, but not a constant to C2 (see {@link #step}). Deliberately not final. */
    int one = 1;
    /**
     * The vector length, read into a local as the step of the hottest loops: a step C2 cannot prove constant keeps
     * the loop uncounted, so C2 does not unroll it, and unrolled the multi-accumulator loops here spill
     * accumulators to the stack (measured: the 3×3 tile at 2.3 G fma/s unrolled with spills, 3.5 uncounted).
     * Deliberately not final.
     */
    int step = L;

    VectorBlock(int d, int k) {
        if (BLOCK % (G * L) != 0) {
            throw new IllegalStateException("block " + BLOCK + " is not a multiple of " + G * L);
        }
        this.d = d;
        this.k = k;
        rows = new double[BLOCK * d];
        x = new double[d * BLOCK];
        w = new double[BLOCK];
        lp = new double[k * BLOCK];
        t = new double[d * BLOCK];
        rt = new double[d * BLOCK];
        tg = new double[d * BLOCK];
        nz = new int[k * VB];
        nzCount = new int[k + 2 * PAD];
        cutJ = new double[k];
    }
}
