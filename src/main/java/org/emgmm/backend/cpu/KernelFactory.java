package org.emgmm.backend.cpu;

import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;

/**
 * Where {@link CpuBackend} gets its Vector API kernels: the one provider, {@link VectorKernelProvider}, is
 * registered in {@code META-INF/services/org.emgmm.backend.cpu.KernelFactory} and found by
 * {@link java.util.ServiceLoader} only when the JVM has the {@code jdk.incubator.vector} module
 * ({@link CpuBackend#vectorAvailable()}), so a JVM without it never loads a class that names the module. The
 * plain-Java kernels need no factory.
 */
interface KernelFactory {
    /**
     * @param data dataset
     * @param k components
     * @param type covariance type: the kernel is of its kind (full and tied, or diag and spherical)
     * @param f float (true) or double arithmetic
     * @return a new fit kernel, for parameters of {@code type}'s kind
     */
    Kernel create(Dataset data, int k, CovarianceType type, boolean f);

    /**
     * @param data dataset
     * @param k components
     * @param f float (true) or double arithmetic
     * @return a new scoring kernel
     */
    ScoreKernel createScore(Dataset data, int k, boolean f);

    /** @return the vector width in words, e.g. "256-bit (4 doubles, 8 floats)" */
    String describe();
}
