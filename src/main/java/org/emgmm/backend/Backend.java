package org.emgmm.backend;

import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
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

    /**
     * Opens scoring passes over one dataset (score, predict, BIC and AIC after a fit), in this backend's precision.
     * This default scores on the CPU backend ({@link Backends#cpu}, all cores), which the
     * returned scorer owns and closes; a backend with its own scoring pass overrides it.
     *
     * @param data the samples
     * @param k number of components
     * @param type covariance type
     * @return the scorer, to be closed after use
     */
    default Scorer scorer(Dataset data, int k, CovarianceType type) {
        Backend cpu = Backends.cpu(0, precision());
        try {
            return new OwningScorer(cpu.scorer(data, k, type), cpu);
        } catch (RuntimeException | Error e) {
            cpu.close();
            throw e;
        }
    }

    /**
     * Prepares passes that accumulate several models at once over one dataset ({@link MultiPass}), each model's
     * statistics the same bits as its own {@link #prepare}d pass would give. This default runs one such pass per
     * model shape, one after the other; a backend that can read the data once for all models overrides it.
     *
     * @param data the samples (validated)
     * @return the multi-model pass, to be closed after use
     */
    default MultiPass prepareMulti(Dataset data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return new LoopingMultiPass(this, data);
    }

    /** Releases the backend's resources. Never throws a checked exception. */
    @Override
    void close();
}
