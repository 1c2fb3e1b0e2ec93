package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The Vector API fit kernels in double, what the diag ({@link DiagDoubleKernel}) and the full
 * ({@link FullDoubleKernel}) kernel share: reads a block, has the subclass compute its log-densities, then the
 * responsibilities and the weighted sums. Lanes run over samples (the block is feature-major, {@link VectorBlock}),
 * so log-densities, log-sum-exp and responsibilities are all lane-wise with no horizontal reductions.
 * <ul>
 *   <li>log-densities: the subclass's {@link #densities} (diag, spherical: {@link DiagDoubleKernel}; full, tied:
 *       {@link FullDoubleKernel} through {@link FullDensity}, with pruning);</li>
 *   <li>responsibilities: max, exp ({@link VectorMath#exp}), sum and scale, log of the sums
 *       ({@link VectorMath#log}), and per component the listed vectors (some responsibility above
 *       {@link VectorParams#negligible});</li>
 *   <li>weighted sums: {@link VectorSums} (the components near the reference ref = Σφμ through
 *       {@link SharedSums}, the far ones about their own means through {@link OwnMeanSums}); the float kernels
 *       generated from these sources through {@link GatheredSums}.</li>
 * </ul>
 * A kernel is made for one kind ({@link VectorKernels#create}) and refuses the other's parameters. The parts
 * follow the package's JIT rules (package-info): no vector crosses a method call, hot methods stay small.
 */
abstract class VectorDoubleKernel extends Kernel {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int G = VectorBlock.G;
    private static final int VB = VectorBlock.VB;
    private static final int PAD = VectorBlock.PAD;

    /** The block buffers the kernel and its parts share. */
    final VectorBlock blk;
    private final double[] rows;
    private final double[] x;
    private final double[] w;
    private final double[] lp;
    private final double[] tg;
    private final double[] mx;
    private final double[] sm;
    private final int[] nz;
    private final int[] nzCount;
    private final double[] cutJ;
    private final VectorSums sums; //#double-only
    //#float-only /** The sums, in double from the float values (issue 14). */
    //#float-only private final GatheredSums sums;
    //#float-only /** The block's weights in double (the weight total is theirs, not their float rounding's). */
    //#float-only private final double[] wd = new double[BLOCK];
    /** Whether this is the full/tied kernel (else diag/spherical): the kind of Params it accepts. */
    private final boolean full;
    /** The pass's {@link VectorParams}, rebuilt when a run gets new Params ({@link #params}). */
    private VectorParams vp;

    /**
     * @param data the samples
     * @param k components
     * @param full whether for full and tied covariances (else diag and spherical)
     */
    VectorDoubleKernel(Dataset data, int k, boolean full) {
        super(data, k);
        this.full = full;
        blk = new VectorBlock(d, k);
        rows = blk.rows;
        x = blk.x;
        w = blk.w;
        lp = blk.lp;
        tg = blk.tg;
        mx = blk.mx;
        sm = blk.sm;
        nz = blk.nz;
        nzCount = blk.nzCount;
        cutJ = blk.cutJ;
        sums = new VectorSums(blk); //#double-only
        //#float-only sums = new GatheredSums(blk);
    }

    @Override
    final void begin(Params p) {
        if (p.full != full) {
            throw new IllegalArgumentException("a " + (full ? "full/tied" : "diag/spherical")
                    + " kernel was given the other kind's parameters");
        }
        vp = params(p);
        sums.begin(p);
    }

    /**
     * Before a run: the kind's pass constants for {@code p} (rebuilt only for new Params) and its own set-up.
     *
     * @return the pass constants
     */
    abstract VectorParams params(Params p);

    /** The block's log-densities into lp, from x (and tg, centred on the reference where some component is near). */
    abstract void densities(Params p, int np);

    /** @return the order {@link GatheredSums} reads x in (null: the block's, see {@link FullDensity#order}) */
    int[] order() {
        return null;
    }

    @Override
    final void finish(Params p, SufficientStatistics st) {
        sums.finish(p, vp, st);
    }

    @Override
    final void block(Params p, long start, int n, SufficientStatistics st) {
        int np = read(start, n);
        if (vp.anyRef) { //#double-only
        //#float-only if (vp.anyRef && full) { // only FullDensityF reads tg (GatheredSums centres on each mean)
            for (int a = 0; a < d; a++) {
                DoubleVector rv = DoubleVector.broadcast(S, vp.ref[a]);
                int o = a * BLOCK;
                for (int i = 0; i < np; i += L) {
                    DoubleVector.fromArray(S, x, o + i).sub(rv).intoArray(tg, o + i);
                }
            }
        }
        cuts(n);
        densities(p, np);
        responsibilities(vp, np, st);
        sums.block(p, vp, np, st); //#double-only
        //#float-only sums.block(p, vp, np, order());
    }

    /**
     * Reads {@code n} rows from {@code start} and their weights, feature-major, padded to a whole number of groups
     * with copies of row 0 of weight 0.
     *
     * @return the padded count
     */
    private int read(long start, int n) {
        data.read(start, n, rows, 0);
        data.readWeights(start, n, w, 0); //#double-only
        //#float-only Widen.weights(data, start, n, wd, w);
        int np = padded(n, G * L);
        for (int i = 0; i < n; i++) { //#double-only
            for (int a = 0; a < d; a++) { //#double-only
                x[a * BLOCK + i] = rows[i * d + a]; //#double-only
            } //#double-only
        } //#double-only
        //#float-only for (int a = 0; a < d; a++) { // feature-major: the stores contiguous
        //#float-only     int xo = a * BLOCK;
        //#float-only     for (int i = 0, ro = a; i < n; i++, ro += d) {
        //#float-only         x[xo + i] = rows[ro];
        //#float-only     }
        //#float-only }
        for (int i = n; i < np; i++) {
            for (int a = 0; a < d; a++) {
                x[a * BLOCK + i] = x[a * BLOCK];
            }
            w[i] = 0;
        }
        return np;
    }

    /**
     * The block's exp cut per component: {@link Kernel#EXP_UNDERFLOW_D}, or higher where a responsibility would
     * be negligible anyway: below ln(θⱼ / ω_max), θⱼ = {@link VectorParams#negligible}, ω_max the block's largest
     * weight, the sample's responsibility ω e^(z − max) / Σ is below θⱼ and e^(z − max) below 2⁻⁶⁰ of the sum
     * Σ ≥ 1 it joins.
     */
    private void cuts(int n) {
        double wmax = 0;
        for (int i = 0; i < n; i++) {
            wmax = Math.max(wmax, w[i]);
        }
        for (int j = 0; j < k; j++) {
            // NaN-free: θⱼ = 0 gives −∞, wmax = 0 (nothing counts) the plain cut; always < 0, so the max stays
            cutJ[j] = wmax > 0 ? (double) Math.max(EXP_UNDERFLOW_D, Math.log(vp.negligible[j] / wmax))
                    : EXP_UNDERFLOW_D;
        }
    }

    /**
     * Replaces the log-densities by ωᵢ·responsibility, adds the block's log-likelihood and weight, and lists, per
     * component, the sample vectors where some responsibility is above {@link VectorParams#negligible} (the listed
     * vectors). Passes over the K×B buffer: max, exp ({@link VectorMath#exp}), sum and scale; then the logs of the
     * sums ({@link VectorMath#log}). None hands a vector to another method (a call C2 does not inline would box it).
     */
    private void responsibilities(VectorParams vp, int np, SufficientStatistics st) {
        for (int i = 0; i < np; i += L) {
            DoubleVector max = DoubleVector.fromArray(S, lp, i);
            for (int j = 1; j < k; j++) {
                max = max.max(DoubleVector.fromArray(S, lp, j * BLOCK + i));
            }
            max.intoArray(mx, i);
        }
        for (int j = 0; j < k; j++) {
            VectorMath.exp(lp, j * BLOCK, mx, cutJ[j], np, blk.step);
        }
        java.util.Arrays.fill(nzCount, PAD, PAD + k, 0);
        // in locals, written back once: the statistics object may share a cache line with another thread's data
        double logLik = st.logLik; //#keep
        double weightSum = st.weightSum; //#keep
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
                // without a branch (which group holds a component's rows is data, and mispredicted): the index is
                // always written at the first free slot (at most the groups before this one: within the component's
                // VB slots), and counted when any of its rows is not negligible
                int c = nzCount[PAD + j];
                nz[j * VB + c] = i;
                nzCount[PAD + j] = c + Math.min(1, r.compare(VectorOperators.GT, vp.negligible[j]).trueCount());
            }
        }
        VectorMath.log(sm, sm, np, blk.step);
        for (int i = 0; i < np; i++) {
            double wi = w[i];
            if (wi != 0) {
                logLik += wi * ((double) mx[i] + sm[i]); // in double in the float kernel too //#keep
                weightSum += wi; //#double-only
            }
        }
        //#float-only weightSum += Widen.sum(wd, np); // the weights themselves, not their float rounding
        st.logLik = logLik;
        st.weightSum = weightSum;
    }
}
