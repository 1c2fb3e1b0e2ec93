package org.emgmm;

import org.emgmm.config.BackendKind;
import org.emgmm.config.BackendSettings;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.config.InitMethod;
import org.emgmm.config.OpenClPlan;
import org.emgmm.config.Precision;

/**
 * Immutable, validated settings of a fit. Build with {@link #builder()}; every setting has scikit-learn's default
 * where scikit-learn has one. Validation happens in {@link Builder#build()}, before any work. The model settings
 * (k, covariance type, tol, regCovar, iterations, initialisation, start) are fields here; how the fit runs
 * (backend, precision, threads, device, memory cap, CPU kernels) is one {@link ExecutionSettings} value,
 * {@link #execution()}, whose fields the getters ({@link BackendSettings}' {@code backend()}, {@code precision()},
 * ...) and the builder methods of the same names read and set. As a {@link BackendSettings}, the settings open the
 * fit's backend ({@code Backends.open}).
 */
public final class GmmSettings implements BackendSettings {
    private final int k;
    private final CovarianceType covarianceType;
    private final double tol;
    private final double regCovar;
    private final int maxIter;
    private final int nInit;
    private final long seed;
    private final InitMethod init;
    private final StartParameters start;
    private final ExecutionSettings execution;

    private GmmSettings(Builder b, ExecutionSettings execution) {
        this.k = b.k;
        this.covarianceType = b.covarianceType;
        this.tol = b.tol;
        this.regCovar = b.regCovar;
        this.maxIter = b.maxIter;
        this.nInit = b.nInit;
        this.seed = b.seed;
        this.init = b.init;
        this.start = b.start;
        this.execution = execution;
    }

    /** @return a builder with the defaults: k = 1, full, tol 1e-3, regCovar 1e-6, maxIter 100, nInit 1 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings, to change some */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.k = k;
        b.covarianceType = covarianceType;
        b.tol = tol;
        b.regCovar = regCovar;
        b.maxIter = maxIter;
        b.nInit = nInit;
        b.seed = seed;
        b.init = init;
        b.start = start;
        b.execution = execution.toBuilder();
        return b;
    }

    /** @return number of components K */
    @Override
    public int k() {
        return k;
    }

    /** @return covariance type */
    @Override
    public CovarianceType covarianceType() {
        return covarianceType;
    }

    /** @return convergence threshold on the change of the mean log-likelihood */
    public double tol() {
        return tol;
    }

    /** @return non-negative regularisation added to covariance diagonals */
    public double regCovar() {
        return regCovar;
    }

    /** @return maximum EM iterations per initialisation (0 returns the initialisation) */
    public int maxIter() {
        return maxIter;
    }

    /** @return number of initialisations; the best lower bound wins */
    public int nInit() {
        return nInit;
    }

    /** @return random seed; the same seed gives the same fit whatever the thread count */
    public long seed() {
        return seed;
    }

    /** @return initialisation method for what the start does not give */
    public InitMethod init() {
        return init;
    }

    /** @return the user-given start, or null */
    public StartParameters start() {
        return start;
    }

    /**
     * @return the execution settings (backend, precision, threads, device, memory cap, OpenCL discovery, CPU
     *     kernels): how the fit runs, apart from what it fits; {@link BackendSettings}' getters of the same names
     *     read them
     */
    @Override
    public ExecutionSettings execution() {
        return execution;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private int k = 1;
        private CovarianceType covarianceType = CovarianceType.FULL;
        private double tol = 1e-3;
        private double regCovar = 1e-6;
        private int maxIter = 100;
        private int nInit = 1;
        private long seed = 0;
        private InitMethod init = InitMethod.KMEANS_PLUSPLUS;
        private StartParameters start;
        private ExecutionSettings.Builder execution = ExecutionSettings.builder();

        private Builder() {
        }

        /** @param v number of components, at least 1 @return this */
        public Builder k(int v) {
            k = v;
            return this;
        }

        /** @param v covariance type @return this */
        public Builder covarianceType(CovarianceType v) {
            covarianceType = v;
            return this;
        }

        /** @param v covariance type name (full, tied, diag, spherical) @return this */
        public Builder covarianceType(String v) {
            covarianceType = CovarianceType.parse(v);
            return this;
        }

        /** @param v convergence threshold, at least 0 @return this */
        public Builder tol(double v) {
            tol = v;
            return this;
        }

        /** @param v covariance regularisation, at least 0 @return this */
        public Builder regCovar(double v) {
            regCovar = v;
            return this;
        }

        /** @param v maximum iterations, at least 0 @return this */
        public Builder maxIter(int v) {
            maxIter = v;
            return this;
        }

        /** @param v number of initialisations, at least 1 @return this */
        public Builder nInit(int v) {
            nInit = v;
            return this;
        }

        /** @param v random seed @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param v initialisation method @return this */
        public Builder init(InitMethod v) {
            init = v;
            return this;
        }

        /**
         * A user-given start; any subset of weights, means, covariances. Missing means come from {@link #init};
         * missing weights and covariances are estimated from hard assignments of the samples to the given (or
         * initialised) means. With a complete start, {@code nInit} must be 1.
         *
         * @param v the start, or null for none
         * @return this
         */
        public Builder start(StartParameters v) {
            start = v;
            return this;
        }

        /** @param v backend choice @return this */
        public Builder backend(BackendKind v) {
            execution.backend(v);
            return this;
        }

        /** @param v per-sample arithmetic precision @return this */
        public Builder precision(Precision v) {
            execution.precision(v);
            return this;
        }

        /** @param v CPU threads, 0 = all cores @return this */
        public Builder threads(int v) {
            execution.threads(v);
            return this;
        }

        /** @param v OpenCL device index or name fragment, null for the default @return this */
        public Builder device(String v) {
            execution.device(v);
            return this;
        }

        /**
         * Whether {@link BackendKind#AUTO} may look for OpenCL devices (default true). Listing the devices loads every
         * installed OpenCL runtime into the process, and runtimes that embed LLVM (PoCL, Oclgrind, ROCm, Intel's,
         * Mesa's) replace the JVM's signal handlers unless the JVM was started with {@code libjsig} preloaded (see
         * the README). On Linux auto looks only where the machine has a GPU device node (see the README, "No OpenCL
         * search where there is no GPU"). With false, auto never loads an OpenCL runtime and runs on the CPU; an
         * explicit {@link BackendKind#OPENCL} is not affected.
         *
         * @param v false to keep auto away from OpenCL
         * @return this
         */
        public Builder openClDiscovery(boolean v) {
            execution.openClDiscovery(v);
            return this;
        }

        /** @param v cap on device memory for data in bytes, 0 = no cap @return this */
        public Builder maxDeviceMemory(long v) {
            execution.maxDeviceMemory(v);
            return this;
        }

        /**
         * @param v true to run the CPU backend's plain-Java kernels even when the JVM has the Vector API (what the
         *     system property {@code emgmm.cpu.scalar} used to do)
         * @return this
         */
        public Builder plainJava(boolean v) {
            execution.plainJava(v);
            return this;
        }

        /**
         * Replaces every execution setting at once.
         *
         * @param v execution settings
         * @return this
         */
        public Builder execution(ExecutionSettings v) {
            if (v == null) {
                throw new IllegalArgumentException("execution settings must not be null");
            }
            execution = v.toBuilder();
            return this;
        }

        /**
         * Explicit OpenCL launch-plan choices (work-group size, tasks per item, tile rows, scratch rows, staging);
         * what is set wins over the tuning cache and the device's defaults. Changes results only to rounding.
         *
         * @param v the choices, {@link OpenClPlan#auto()} for none
         * @return this
         */
        public Builder openClPlan(OpenClPlan v) {
            execution.openClPlan(v);
            return this;
        }

        /** @param v the tuning cache file to read, null for the default location @return this */
        public Builder tuningCache(java.nio.file.Path v) {
            execution.tuningCache(v);
            return this;
        }

        /** @param v false to ignore the tuning cache (the device's defaults, or {@link #openClPlan}) @return this */
        public Builder tuningCacheEnabled(boolean v) {
            execution.tuningCacheEnabled(v);
            return this;
        }

        /**
         * @return the validated settings
         * @throws IllegalArgumentException naming the parameter and its bad value
         */
        public GmmSettings build() {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, got " + k);
            }
            if (covarianceType == null) {
                throw new IllegalArgumentException("covarianceType must not be null");
            }
            if (!(tol >= 0) || Double.isInfinite(tol)) {
                throw new IllegalArgumentException("tol must be a finite number >= 0, got " + tol);
            }
            if (!(regCovar >= 0) || Double.isInfinite(regCovar)) {
                throw new IllegalArgumentException("regCovar must be a finite number >= 0, got " + regCovar);
            }
            if (maxIter < 0) {
                throw new IllegalArgumentException("maxIter must be >= 0, got " + maxIter);
            }
            if (nInit < 1) {
                throw new IllegalArgumentException("nInit must be at least 1, got " + nInit);
            }
            ExecutionSettings e = execution.build();
            if (init == null) {
                throw new IllegalArgumentException("init, backend and precision must not be null");
            }
            return new GmmSettings(this, e);
        }
    }
}
