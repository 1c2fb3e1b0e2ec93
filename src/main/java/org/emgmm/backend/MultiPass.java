package org.emgmm.backend;

import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * E steps of several models over one prepared dataset in one pass: the statistics that {@link Pass#accumulate}
 * would give each model alone, bit for bit, with the data read once for all of them where the backend can (the CPU
 * backend runs every model's kernel on a block of rows while the block is in cache). Model selection uses it so
 * that all the candidates still iterating share one read of the data per iteration.
 */
public interface MultiPass extends AutoCloseable {

    /**
     * One E step and accumulation for each model.
     *
     * @param models current parameters of each model (any K and covariance types, the dataset's D); each model's
     *               means are the shifts of its statistics
     * @return the statistics of all samples for each model, in the order given
     */
    SufficientStatistics[] accumulate(Gaussians[] models);

    /** Releases what the pass allocated. */
    @Override
    void close();
}
