package org.emgmm.backend;

import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.emgmm.data.Dataset;

/**
 * A backend makes one pass over the data per EM iteration and returns the additive
 * {@link org.emgmm.em.SufficientStatistics} (DESIGN.md): nothing more. The host does the M step, regularisation and
 * the convergence test. A backend owns long-lived resources (a thread pool, an OpenCL context with compiled
 * programs) and is reused across fits; close it when done.
 */
public interface Backend extends AutoCloseable {

    /** @return "cpu" or "opencl" */
    String name();

    /** @return the device it runs on, in words ("CPU, 2 threads", "NVIDIA H100 80GB HBM3 (OpenCL 3.0 CUDA)") */
    String device();

    /** @return the arithmetic precision of the per-sample pass */
    Precision precision();

    /**
     * Prepares passes over one dataset for one model shape: uploads data to a device, allocates buffers.
     *
     * @param data the samples (validated)
     * @param k number of components
     * @param type covariance type
     * @return a pass, to be closed after the fit
     */
    Pass prepare(Dataset data, int k, CovarianceType type);

    /** Releases the backend's resources. Never throws a checked exception. */
    @Override
    void close();
}
