package org.emgmm.em;

/**
 * What {@link EmLoop} needs from a backend: one E step and accumulation over all the data, returning the additive
 * {@link SufficientStatistics} (DESIGN.md). A backend's {@link org.emgmm.backend.Pass} is one; the fit loop depends
 * on this interface only, so the EM package does not depend on the backend package.
 */
@FunctionalInterface
public interface EStep {
    /**
     * One E step and accumulation.
     *
     * @param params current parameters; their means are the shifts of the returned statistics
     * @return the statistics of all samples
     */
    SufficientStatistics accumulate(Gaussians params);
}
