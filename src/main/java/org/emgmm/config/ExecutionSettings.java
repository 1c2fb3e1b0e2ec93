package org.emgmm.config;

/**
 * Immutable, validated settings of how a pass runs — which backend, in what precision, on how many threads, on which
 * device, within how much device memory, with which CPU kernels — as opposed to what is fitted (the model settings
 * of {@link org.emgmm.GmmSettings}: k, covariance type, tol, regCovar, iterations, initialisation). A fit's model
 * settings decide its result; these decide where and how fast it runs (and, for precision and the CPU kernels, the
 * rounding). {@link BackendSettings#execution()} holds one (a fit's settings are BackendSettings);
 * {@link org.emgmm.GmmSettings.Builder}'s {@code backend}, {@code precision}, {@code threads}, {@code device},
 * {@code maxDeviceMemory}, {@code openClDiscovery}, {@code plainJava}, {@code openClPlan}, {@code tuningCache} and
 * {@code tuningCacheEnabled} set its fields.
 */
public final class ExecutionSettings {
    /** The defaults: auto backend, double, all cores, default device, no memory cap, discovery on, vector kernels. */
    public static final ExecutionSettings DEFAULTS = builder().build();

    private final BackendKind backend;
    private final Precision precision;
    private final int threads;
    private final String device;
    private final long maxDeviceMemory;
    private final boolean openClDiscovery;
    private final boolean plainJava;
    private final OpenClPlan openClPlan;
    private final java.nio.file.Path tuningCache;
    private final boolean tuningCacheEnabled;

    private ExecutionSettings(Builder b) {
        this.backend = b.backend;
        this.precision = b.precision;
        this.threads = b.threads;
        this.device = b.device;
        this.maxDeviceMemory = b.maxDeviceMemory;
        this.openClDiscovery = b.openClDiscovery;
        this.plainJava = b.plainJava;
        this.openClPlan = b.openClPlan;
        this.tuningCache = b.tuningCache;
        this.tuningCacheEnabled = b.tuningCacheEnabled;
    }

    /** @return a builder with the defaults ({@link #DEFAULTS}) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings, to change some */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.backend = backend;
        b.precision = precision;
        b.threads = threads;
        b.device = device;
        b.maxDeviceMemory = maxDeviceMemory;
        b.openClDiscovery = openClDiscovery;
        b.plainJava = plainJava;
        b.openClPlan = openClPlan;
        b.tuningCache = tuningCache;
        b.tuningCacheEnabled = tuningCacheEnabled;
        return b;
    }

    /** @return backend choice */
    public BackendKind backend() {
        return backend;
    }

    /** @return arithmetic precision of the per-sample pass */
    public Precision precision() {
        return precision;
    }

    /** @return CPU worker threads, 0 = all cores */
    public int threads() {
        return threads;
    }

    /** @return OpenCL device index or name fragment, or null for the default */
    public String device() {
        return device;
    }

    /** @return cap on OpenCL device memory used for data, in bytes (0 = the device's own limits) */
    public long maxDeviceMemory() {
        return maxDeviceMemory;
    }

    /**
     * @return whether {@link BackendKind#AUTO} may look for OpenCL devices (true by default); when false, auto runs
     *     on the CPU without loading any OpenCL runtime
     */
    public boolean openClDiscovery() {
        return openClDiscovery;
    }

    /**
     * @return whether the CPU backend runs its plain-Java kernels even when the JVM has the Vector API (false by
     *     default; the results agree within the precision's rounding). This was the system property
     *     {@code emgmm.cpu.scalar}.
     */
    public boolean plainJava() {
        return plainJava;
    }

    /** @return explicit OpenCL launch-plan choices ({@link OpenClPlan#auto()} for none); they win over tuned values */
    public OpenClPlan openClPlan() {
        return openClPlan;
    }

    /**
     * @return the tuning cache file an OpenCL fit reads ({@code emgmm tune} writes it), or null for the default: the
     *     environment variable {@code EMGMM_TUNING_CACHE}, else {@code $XDG_CACHE_HOME/emgmm/tuning.json}, else
     *     {@code ~/.cache/emgmm/tuning.json}
     */
    public java.nio.file.Path tuningCache() {
        return tuningCache;
    }

    /** @return whether an OpenCL fit reads the tuning cache (true by default) */
    public boolean tuningCacheEnabled() {
        return tuningCacheEnabled;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private BackendKind backend = BackendKind.AUTO;
        private Precision precision = Precision.DOUBLE;
        private int threads = 0;
        private String device;
        private long maxDeviceMemory = 0;
        private boolean openClDiscovery = true;
        private boolean plainJava = false;
        private OpenClPlan openClPlan = OpenClPlan.auto();
        private java.nio.file.Path tuningCache;
        private boolean tuningCacheEnabled = true;

        private Builder() {
        }

        /** @param v backend choice @return this */
        public Builder backend(BackendKind v) {
            backend = v;
            return this;
        }

        /** @param v per-sample arithmetic precision @return this */
        public Builder precision(Precision v) {
            precision = v;
            return this;
        }

        /** @param v CPU threads, 0 = all cores @return this */
        public Builder threads(int v) {
            threads = v;
            return this;
        }

        /** @param v OpenCL device index or name fragment, null for the default @return this */
        public Builder device(String v) {
            device = v;
            return this;
        }

        /** @param v cap on device memory for data in bytes, 0 = no cap @return this */
        public Builder maxDeviceMemory(long v) {
            maxDeviceMemory = v;
            return this;
        }

        /**
         * @param v false to keep {@link BackendKind#AUTO} away from OpenCL (see
         *     {@link org.emgmm.GmmSettings.Builder#openClDiscovery})
         * @return this
         */
        public Builder openClDiscovery(boolean v) {
            openClDiscovery = v;
            return this;
        }

        /** @param v true to run the CPU backend's plain-Java kernels even with the Vector API @return this */
        public Builder plainJava(boolean v) {
            plainJava = v;
            return this;
        }

        /** @param v explicit OpenCL launch-plan choices (never null; {@link OpenClPlan#auto()} for none) @return this */
        public Builder openClPlan(OpenClPlan v) {
            openClPlan = v;
            return this;
        }

        /** @param v the tuning cache file to read, or null for the default location @return this */
        public Builder tuningCache(java.nio.file.Path v) {
            tuningCache = v;
            return this;
        }

        /** @param v false to ignore the tuning cache (the device's defaults, or {@link #openClPlan}) @return this */
        public Builder tuningCacheEnabled(boolean v) {
            tuningCacheEnabled = v;
            return this;
        }

        /**
         * @return the validated settings
         * @throws IllegalArgumentException naming the parameter and its bad value
         */
        public ExecutionSettings build() {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
            }
            if (maxDeviceMemory < 0) {
                throw new IllegalArgumentException("maxDeviceMemory must be >= 0, got " + maxDeviceMemory);
            }
            if (openClPlan == null) {
                throw new IllegalArgumentException("openClPlan must not be null (OpenClPlan.auto() for none)");
            }
            if (backend == null || precision == null) {
                throw new IllegalArgumentException("backend and precision must not be null");
            }
            return new ExecutionSettings(this);
        }
    }
}
