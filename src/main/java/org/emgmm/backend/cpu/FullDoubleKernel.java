package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;

/**
 * The Vector API fit kernel in double for full and tied covariances: the log-densities through
 * {@link FullDensity} (two columns of Uⱼ at a time, with pruning); the rest is {@link VectorDoubleKernel}'s. Its
 * pass constants are {@link FullParams}.
 */
final class FullDoubleKernel extends VectorDoubleKernel {
    private final FullDensity density;
    /** The pass's constants, rebuilt when a run gets new Params. */
    private FullParams vp;

    FullDoubleKernel(Dataset data, int k) {
        super(data, k, true);
        density = new FullDensity(blk);
    }

    /** @return the (group, component) pairs whose log-density this kernel pruned so far (for the tests) */
    long prunedGroups() {
        return density.prunedGroups();
    }

    @Override
    VectorParams params(Params p) {
        vp = FullParams.of(p, vp, false); //#double-only
        //#float-only vp = FullParams.of(p, vp, true);
        density.begin(p, vp);
        return vp;
    }

    @Override
    void densities(Params p, int np) {
        density.compute(p, vp, np);
    }

    @Override
    int[] order() {
        return density.order();
    }
}
