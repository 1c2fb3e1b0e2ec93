package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;
import org.emgmm.em.SufficientStatistics;

/**
 * The Vector API kernel in double: reads a block, computes its log-densities, responsibilities and weighted sums
 * through its parts. Lanes run over samples (the block is feature-major, {@link VectorBlock}), so log-densities,
 * log-sum-exp and responsibilities are all lane-wise with no horizontal reductions; each group of {@value #G}
 * vectors keeps independent accumulators in registers.
 * <ul>
 *   <li>log-densities: diag, spherical (x − μ)·p as one fma x·p − μp per feature (here); full, tied
 *       {@link FullDensity} (with pruning);</li>
 *   <li>responsibilities: max, exp ({@link VectorMath#exp}), sum and scale, log of the sums
 *       ({@link VectorMath#log}), and per component the listed vectors (some responsibility above
 *       {@link VectorParams#negligible});</li>
 *   <li>weighted sums: {@link VectorSums} (the components near the reference ref = Σφμ through
 *       {@link SharedSums}, the far ones about their own means through {@link OwnMeanSums}); the float kernel
 *       generated from this source through {@link GatheredSums}.</li>
 * </ul>
 * The parts follow the package's JIT rules (package-info): no vector crosses a method call, hot methods stay
 * small.
 */
final class VectorDoubleKernel extends Kernel {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int G = VectorBlock.G;
    private static final int VB = VectorBlock.VB;
    private static final int PAD = VectorBlock.PAD;

    private final VectorBlock blk;
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
    /** The full log-densities, made on the first full run. */
    private FullDensity fullDensity;
    /** The pass's {@link VectorParams}, rebuilt when a run gets new Params. */
    private VectorParams vp;

    VectorDoubleKernel(Dataset data, int k) {
        super(data, k);
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

    /** @return the (group, component) pairs whose full log-density this kernel pruned so far (for the tests) */
    long prunedGroups() {
        return fullDensity == null ? 0 : fullDensity.prunedGroups();
    }

    @Override
    void begin(Params p) {
        vp = VectorParams.of(p, vp, false); //#double-only
        //#float-only vp = VectorParams.of(p, vp, true);
        sums.begin(p);
        if (p.full) {
            if (fullDensity == null) {
                fullDensity = new FullDensity(blk);
            }
            fullDensity.begin(p, vp);
        }
    }

    @Override
    void finish(Params p, SufficientStatistics st) {
        sums.finish(p, vp, st);
    }

    @Override
    void block(Params p, long start, int n, SufficientStatistics st) {
        int np = read(start, n);
        if (vp.anyRef) { //#double-only
        //#float-only if (vp.anyRef && p.full) { // only FullDensityF reads tg (GatheredSums centres on each mean)
            for (int a = 0; a < d; a++) {
                DoubleVector rv = DoubleVector.broadcast(S, vp.ref[a]);
                int o = a * BLOCK;
                for (int i = 0; i < np; i += L) {
                    DoubleVector.fromArray(S, x, o + i).sub(rv).intoArray(tg, o + i);
                }
            }
        }
        cuts(n);
        if (p.full) {
            fullDensity.compute(p, vp, np);
        } else {
            logDensitiesDiag(p, vp, np);
        }
        responsibilities(vp, np, st);
        sums.block(p, vp, np, st); //#double-only
        //#float-only sums.block(p, vp, np, p.full ? fullDensity.order() : null);
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

    private void logDensitiesDiag(Params p, VectorParams vp, int np) {
        double[] up = vp.diagPacked;
        int two = 2 * blk.one; // 2, but not a constant to C2: the feature loop stays uncounted (see step)
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
                if (r.compare(VectorOperators.GT, vp.negligible[j]).anyTrue()) {
                    nz[j * VB + nzCount[PAD + j]++] = i;
                }
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
