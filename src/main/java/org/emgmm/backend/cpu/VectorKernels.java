package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.emgmm.data.Dataset;

/**
 * Entry point to the Vector API kernels, reached only by reflection from {@link CpuBackend} so that a JVM without
 * the {@code jdk.incubator.vector} module never loads a class that names it.
 */
final class VectorKernels {
    private VectorKernels() {
    }

    /**
     * @param data dataset
     * @param k components
     * @param f float (true) or double arithmetic
     * @return a new kernel
     */
    static Kernel create(Dataset data, int k, boolean f) {
        return f ? new VectorFloatKernel(data, k) : new VectorDoubleKernel(data, k);
    }

    /**
     * @param data dataset
     * @param k components
     * @param f float (true) or double arithmetic
     * @return a new scoring kernel
     */
    static ScoreKernel createScore(Dataset data, int k, boolean f) {
        return f ? new VectorScoreKernelF(data, k) : new VectorScoreKernel(data, k);
    }

    /** @return the preferred vector width, e.g. "256-bit (4 doubles, 8 floats)" */
    static String describe() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() + "-bit (" + DoubleVector.SPECIES_PREFERRED.length()
                + " doubles, " + FloatVector.SPECIES_PREFERRED.length() + " floats)";
    }
}
