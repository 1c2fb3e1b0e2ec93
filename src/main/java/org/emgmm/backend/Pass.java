package org.emgmm.backend;

import org.emgmm.em.EStep;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * Repeated E steps over one prepared dataset: each call to {@link #accumulate} is one fused pass over every sample
 * (log-densities, log-sum-exp, responsibilities and the weighted sums together) that never materialises the N×K
 * responsibility matrix. Results are deterministic: the same inputs give the same bits on every call.
 */
public interface Pass extends EStep, AutoCloseable {

    /**
     * One E step and accumulation.
     *
     * @param params current parameters; their means are the shifts of the returned statistics
     * @return the statistics of all samples
     */
    @Override
    SufficientStatistics accumulate(Gaussians params);

    /** Releases what {@link Backend#prepare} allocated. */
    @Override
    void close();
}
