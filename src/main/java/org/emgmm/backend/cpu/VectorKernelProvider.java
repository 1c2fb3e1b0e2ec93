package org.emgmm.backend.cpu;

import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;

/**
 * The Vector API kernels ({@link VectorKernels}) as a {@link KernelFactory} for {@link java.util.ServiceLoader}.
 * Public only because the service loader requires it; not an API.
 */
public final class VectorKernelProvider implements KernelFactory {
    /** For {@link java.util.ServiceLoader}. */
    public VectorKernelProvider() {
    }

    @Override
    public Kernel create(Dataset data, int k, CovarianceType type, boolean f) {
        return VectorKernels.create(data, k, type, f);
    }

    @Override
    public ScoreKernel createScore(Dataset data, int k, boolean f) {
        return VectorKernels.createScore(data, k, f);
    }

    @Override
    public String describe() {
        return VectorKernels.describe();
    }
}
