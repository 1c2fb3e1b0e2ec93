package org.emgmm.config;

import java.nio.file.Path;

/**
 * What a backend is opened with: how the pass runs ({@link #execution()}) and the shape of the model it will compute
 * ({@link #k()}, {@link #covarianceType()}), which {@code auto} weighs to decide whether a GPU pays off and with which
 * an OpenCL backend prepares its pass. A fit's settings ({@code org.emgmm.GmmSettings}) are such a value, so the
 * backend packages read settings without depending on the API above them; {@link #of} makes one without a fit. The
 * other getters read {@link #execution()}.
 */
public interface BackendSettings {

    /**
     * A value of the given parts.
     *
     * @param k number of components, at least 1
     * @param covarianceType covariance type
     * @param execution how the pass runs
     * @return the settings
     * @throws IllegalArgumentException naming the parameter when k is below 1 or a part is null
     */
    static BackendSettings of(int k, CovarianceType covarianceType, ExecutionSettings execution) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (covarianceType == null || execution == null) {
            throw new IllegalArgumentException("covarianceType and execution must not be null");
        }
        return new BackendSettings() {
            @Override
            public int k() {
                return k;
            }

            @Override
            public CovarianceType covarianceType() {
                return covarianceType;
            }

            @Override
            public ExecutionSettings execution() {
                return execution;
            }
        };
    }

    /** @return number of components K */
    int k();

    /** @return covariance type */
    CovarianceType covarianceType();

    /**
     * @return the execution settings (backend, precision, threads, device, memory cap, OpenCL discovery, CPU
     *     kernels): how the fit runs, apart from what it fits
     */
    ExecutionSettings execution();

    /** @return backend choice */
    default BackendKind backend() {
        return execution().backend();
    }

    /** @return arithmetic precision of the per-sample pass */
    default Precision precision() {
        return execution().precision();
    }

    /** @return CPU worker threads, 0 = all cores */
    default int threads() {
        return execution().threads();
    }

    /** @return OpenCL device index or name fragment, or null for the default */
    default String device() {
        return execution().device();
    }

    /** @return cap on OpenCL device memory used for data, in bytes (0 = the device's own limits) */
    default long maxDeviceMemory() {
        return execution().maxDeviceMemory();
    }

    /**
     * @return whether {@link BackendKind#AUTO} may look for OpenCL devices (true by default); when false, auto runs
     *     on the CPU without loading any OpenCL runtime
     */
    default boolean openClDiscovery() {
        return execution().openClDiscovery();
    }

    /** @return explicit OpenCL launch-plan choices ({@link OpenClPlan#auto()} for none); they win over tuned values */
    default OpenClPlan openClPlan() {
        return execution().openClPlan();
    }

    /**
     * @return the tuning cache file an OpenCL fit reads ({@code emgmm tune} writes it), or null for the default: the
     *     environment variable {@code EMGMM_TUNING_CACHE}, else {@code $XDG_CACHE_HOME/emgmm/tuning.json}, else
     *     {@code ~/.cache/emgmm/tuning.json}
     */
    default Path tuningCache() {
        return execution().tuningCache();
    }

    /** @return whether an OpenCL fit reads the tuning cache (true by default) */
    default boolean tuningCacheEnabled() {
        return execution().tuningCacheEnabled();
    }
}
