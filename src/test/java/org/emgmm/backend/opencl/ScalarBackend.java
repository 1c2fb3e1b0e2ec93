package org.emgmm.backend.opencl;

import org.emgmm.ScalarReference;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The simplest correct backend: the tests' one scalar reference E step ({@link ScalarReference#statistics}) as a
 * {@link Backend}, so that the OpenCL tests compare against a fixed reference while the production CPU backend is
 * being optimised.
 */
final class ScalarBackend implements Backend {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return "CPU, scalar reference";
    }

    @Override
    public Precision precision() {
        return Precision.DOUBLE;
    }

    @Override
    public Pass prepare(Dataset data, int k, CovarianceType type) {
        return new Pass() {
            @Override
            public SufficientStatistics accumulate(Gaussians g) {
                return statistics(data, g);
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * @param data the samples
     * @param g parameters
     * @return the statistics of every row, accumulated in double in row order ({@link ScalarReference#statistics})
     */
    static SufficientStatistics statistics(Dataset data, Gaussians g) {
        return ScalarReference.statistics(data, g);
    }

    @Override
    public void close() {
    }
}
