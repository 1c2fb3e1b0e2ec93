package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.data.Dataset;

/**
 * The Vector API fit kernel in double for diag and spherical covariances: the log-densities (x − μ)·p as one fma
 * x·p − μp per feature, over groups of {@value #G} vectors each with its own accumulators; the rest is
 * {@link VectorDoubleKernel}'s. Its pass constants are {@link DiagParams}.
 */
final class DiagDoubleKernel extends VectorDoubleKernel {
    private static final VectorSpecies<Double> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int G = VectorBlock.G;

    /** The pass's constants, rebuilt when a run gets new Params. */
    private DiagParams vp;

    DiagDoubleKernel(Dataset data, int k) {
        super(data, k, false);
    }

    @Override
    VectorParams params(Params p) {
        vp = DiagParams.of(p, vp, false); //#double-only
        //#float-only vp = DiagParams.of(p, vp, true);
        return vp;
    }

    /**
     * −½ Σₐ ((xₐ − μⱼₐ) pⱼₐ)² + logConstⱼ per component, over groups of {@value #G} vectors with independent
     * accumulators.
     */
    @Override
    void densities(Params p, int np) {
        double[] x = blk.x;
        double[] lp = blk.lp;
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
}
