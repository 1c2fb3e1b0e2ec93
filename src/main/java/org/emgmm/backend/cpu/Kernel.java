package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * One worker's scratch space and per-block arithmetic: reads rows in blocks of {@link #BLOCK} samples, transposes
 * them to feature-major (so every inner loop runs over contiguous samples), computes the log-densities of the block
 * for every component, the responsibilities by log-sum-exp, and adds the block's weighted sums into the chunk's
 * statistics. Nothing of size N×K is ever held: the buffers are D×B and K×B. A kernel is used by one thread at a
 * time; its result depends only on the rows it is given, never on the thread that runs it.
 */
abstract class Kernel {
    /** Samples per block (a multiple of every vector length and unroll factor used). */
    static final int BLOCK = 256;
    /**
     * Below this, e^z is taken as 0 in double: e^−708 is about the smallest normal double (2.2e-308), and arithmetic
     * on subnormal numbers costs x86 processors some hundred cycles per operation. A responsibility dropped so is
     * below 1e-307 (relative to the sample's weight), far under double rounding of any sum it would join.
     */
    static final double EXP_UNDERFLOW_D = -708.0;
    /** Below this, e^z is taken as 0 in float: e^−87 is about the smallest normal float (1.2e-38). */
    static final float EXP_UNDERFLOW_F = -87.0f;

    /**
     * The vector kernels sum about a reference m shared by every component and shift to each component's mean
     * exactly (the double kernel about the mixture's mean Σφμ, {@link VectorParams#ref}; the float kernel's diag sums
     * about each block's mean); that loses about the squared distance from m to μ in units of the component's
     * spread (its Mahalanobis distance squared; for the float kernel the largest ((m − μ)/σ)² of a feature) times
     * the rounding of summing about μ directly. A component further than this (a tight component far from the
     * data's centre) is summed about its own mean instead.
     */
    static final double MAX_REFERENCE_SPREAD = 1e4;

    final Dataset data;
    final int d;
    final int k;

    Kernel(Dataset data, int k) {
        this.data = data;
        this.d = data.dims();
        this.k = k;
    }

    /**
     * Accumulates rows {@code [start, end)} block by block, in order, into {@code st}.
     *
     * @param p the E step constants
     * @param start first row
     * @param end one past the last row
     * @param st the chunk's statistics (zeroed by the caller)
     */
    final void run(Params p, long start, long end, SufficientStatistics st) {
        begin(p);
        for (long s = start; s < end; s += BLOCK) {
            int count = (int) Math.min(BLOCK, end - s);
            block(p, s, count, st);
        }
        finish(p, st);
    }

    /** Before the first block of a run: clears whatever a kernel accumulates across blocks. */
    void begin(Params p) {
    }

    /** After the last block of a run: adds whatever the kernel accumulated across blocks into {@code st}. */
    void finish(Params p, SufficientStatistics st) {
    }

    /** One block of {@code count ≤ BLOCK} rows from {@code start}. */
    abstract void block(Params p, long start, int count, SufficientStatistics st);

    /**
     * The number of samples to process for a block of {@code count}: rounded up to a multiple of {@code unit}; the
     * padding rows repeat row 0 of the block with weight 0, so they add nothing.
     */
    static int padded(int count, int unit) {
        return (count + unit - 1) / unit * unit;
    }

    /**
     * Adds one block's sums of component j, taken about a reference m (per feature), into the statistics about
     * the component's double mean c, by exact algebra: with e = m − c, S1 = S1' + e S0 and
     * S2 = S2' + 2 e S1' + e² S0 (diag), or S2 = S2' + e S1'ᵀ + S1' eᵀ + S0 e eᵀ (outer products, upper
     * triangle).
     * The float kernels sum about the float-rounded means; the vector kernels' shared sums about a common reference,
     * one centred copy of the block serves every component.
     *
     * @param p parameters (the double means c)
     * @param j component
     * @param ref the reference, D values from {@code refOff}
     * @param refOff offset of the reference in {@code ref}
     * @param s0 block sum of responsibilities
     * @param s1 block sums about the reference, length D
     * @param s2 block second moments about the reference, length D (diag) or D×D (full, upper triangle)
     * @param st statistics to add into
     */
    static void addShifted(Params p, int j, double[] ref, int refOff, double s0, double[] s1, double[] s2,
                           SufficientStatistics st) {
        int d = p.d;
        st.s0[j] += s0;
        if (!p.full) {
            for (int a = 0; a < d; a++) {
                double e = ref[refOff + a] - p.means[j * d + a];
                st.s1[j * d + a] += s1[a] + e * s0;
                st.s2[j * d + a] += s2[a] + 2 * e * s1[a] + e * e * s0;
            }
            return;
        }
        int so = j * d * d;
        for (int a = 0; a < d; a++) {
            double ea = ref[refOff + a] - p.means[j * d + a];
            st.s1[j * d + a] += s1[a] + ea * s0;
            for (int b = a; b < d; b++) {
                double eb = ref[refOff + b] - p.means[j * d + b];
                st.s2[so + a * d + b] += s2[a * d + b] + ea * s1[b] + eb * s1[a] + ea * eb * s0;
            }
        }
    }
}
