package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;

/**
 * Entry point to the Vector API kernels, reached only by reflection from {@link CpuBackend} so that a JVM without
 * the {@code jdk.incubator.vector} module never loads a class that names it.
 */
final class VectorKernels {
    private VectorKernels() {
    }

    /**
     * The fit kernel of the covariance type's kind: full and tied through Uⱼ ({@link FullDoubleKernel}), diag and
     * spherical through per-feature factors ({@link DiagDoubleKernel}), or their generated float twins.
     *
     * @param data dataset
     * @param k components
     * @param type covariance type
     * @param f float (true) or double arithmetic
     * @return a new kernel, for parameters of {@code type}'s kind only
     */
    static Kernel create(Dataset data, int k, CovarianceType type, boolean f) {
        if (type.needsOuterProducts()) {
            return f ? new FullFloatKernel(data, k) : new FullDoubleKernel(data, k);
        }
        return f ? new DiagFloatKernel(data, k) : new DiagDoubleKernel(data, k);
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
