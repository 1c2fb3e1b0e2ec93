package org.emgmm.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.emgmm.GmmSettings;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.Pass;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.Initializer;
import org.emgmm.em.MStep;
import org.emgmm.em.SufficientStatistics;

/**
 * Times EM iterations of one backend on a seeded synthetic mixture held in memory (the library side of
 * {@code emgmm bench}). One timed iteration is what a fit does per iteration: the backend's fused pass
 * ({@link Pass#accumulate}) and the host M step ({@link MStep#apply}). Data generation, backend opening (OpenCL
 * context, kernel compilation, upload in {@code prepare}) and the initialisation are outside the timed part, and
 * {@code warmup} iterations run untimed first (JIT compilation).
 */
public final class BenchRunner {
    /** regCovar used for the benchmark fits (scikit-learn's default). */
    public static final double REG_COVAR = 1e-6;

    private final Spec spec;

    /** @param spec what to run */
    public BenchRunner(Spec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("bench spec must not be null");
        }
        this.spec = spec;
    }

    /**
     * Generates the data, opens the backend, runs warm-up and timed iterations.
     *
     * @return the timings
     * @throws IllegalStateException when the backend cannot be opened (the message says why)
     */
    public Result run() {
        Spec s = spec;
        ArrayDataset data = SyntheticMixture.generate(s.n, s.d, s.k, s.seed, s.precision == Precision.FLOAT);
        GmmSettings settings = GmmSettings.builder().k(s.k).covarianceType(s.covariance).backend(s.backend)
                .precision(s.precision).threads(s.threads).device(s.device).plainJava(s.plainJava).seed(s.seed)
                .build();
        Initializer init = new Initializer(data, s.seed);
        Gaussians params = init.initialize(s.k, s.covariance, InitMethod.RANDOM_FROM_DATA, REG_COVAR, null, null,
                null, new SplittableRandom(s.seed));
        Backends.Choice choice = Backends.open(settings, data);
        try (Backend backend = choice.backend(); Pass pass = backend.prepare(data, s.k, s.covariance)) {
            double[] ms = new double[s.iters];
            double lowerBound = Double.NaN;
            for (int it = 0; it < s.warmup + s.iters; it++) {
                long t0 = System.nanoTime();
                SufficientStatistics st = pass.accumulate(params);
                params = MStep.apply(st, params.means, REG_COVAR, it + 1);
                long t1 = System.nanoTime();
                lowerBound = st.logLik / st.weightSum;
                if (it >= s.warmup) {
                    ms[it - s.warmup] = (t1 - t0) / 1e6;
                }
            }
            return new Result(s, backend.name(), backend.device(), ms, lowerBound, choice.warning());
        }
    }

    /**
     * A model of the floating-point operations of one iteration of the fused pass, counting an FMA as 2 and
     * ignoring exp/log: diag and spherical 7·N·K·D (centre, scale, square-add; centre, weight, two adds), full and
     * tied 2·N·K·D(D+1) (the triangular product (x − μ)ᵀU and the upper triangle of the weighted outer
     * products).
     *
     * @param n rows
     * @param d features
     * @param k components
     * @param type covariance type
     * @return the operation count
     */
    public static double flopsPerIteration(long n, int d, int k, CovarianceType type) {
        if (type.needsOuterProducts()) {
            return 2.0 * n * k * d * (d + 1.0);
        }
        return 7.0 * n * k * d;
    }

    /** What to benchmark. Build with {@link #builder()}; validated in {@link Builder#build()}. */
    public static final class Spec {
        final BackendKind backend;
        final int n;
        final int d;
        final int k;
        final CovarianceType covariance;
        final Precision precision;
        final int iters;
        final int warmup;
        final long seed;
        final int threads;
        final String device;
        final boolean plainJava;

        private Spec(Builder b) {
            backend = b.backend;
            n = b.n;
            d = b.d;
            k = b.k;
            covariance = b.covariance;
            precision = b.precision;
            iters = b.iters;
            warmup = b.warmup;
            seed = b.seed;
            threads = b.threads;
            device = b.device;
            plainJava = b.plainJava;
        }

        /** @return a builder with defaults: cpu, N = 100,000, D = 16, K = 16, diag, double, 5 iterations, 2 warm-up */
        public static Builder builder() {
            return new Builder();
        }
    }

    /** Builder of {@link Spec}. */
    public static final class Builder {
        private BackendKind backend = BackendKind.CPU;
        private int n = 100_000;
        private int d = 16;
        private int k = 16;
        private CovarianceType covariance = CovarianceType.DIAG;
        private Precision precision = Precision.DOUBLE;
        private int iters = 5;
        private int warmup = 2;
        private long seed = 0;
        private int threads = 0;
        private String device;
        private boolean plainJava;

        private Builder() {
        }

        /** @param v true to run the CPU backend's plain-Java kernels even with the Vector API @return this */
        public Builder plainJava(boolean v) {
            plainJava = v;
            return this;
        }

        /** @param v backend kind @return this */
        public Builder backend(BackendKind v) {
            backend = v;
            return this;
        }

        /** @param v rows @return this */
        public Builder n(int v) {
            n = v;
            return this;
        }

        /** @param v features @return this */
        public Builder d(int v) {
            d = v;
            return this;
        }

        /** @param v components @return this */
        public Builder k(int v) {
            k = v;
            return this;
        }

        /** @param v covariance type @return this */
        public Builder covariance(CovarianceType v) {
            covariance = v;
            return this;
        }

        /** @param v precision of the per-sample pass @return this */
        public Builder precision(Precision v) {
            precision = v;
            return this;
        }

        /** @param v timed iterations @return this */
        public Builder iters(int v) {
            iters = v;
            return this;
        }

        /** @param v untimed warm-up iterations @return this */
        public Builder warmup(int v) {
            warmup = v;
            return this;
        }

        /** @param v random seed of the data and the start @return this */
        public Builder seed(long v) {
            seed = v;
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

        /**
         * @return the validated spec
         * @throws IllegalArgumentException naming the bad value
         */
        public Spec build() {
            if (backend == null || covariance == null || precision == null) {
                throw new IllegalArgumentException("backend, covariance and precision must not be null");
            }
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1, got " + n);
            }
            if (d < 1) {
                throw new IllegalArgumentException("d must be >= 1, got " + d);
            }
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k);
            }
            if (k > n) {
                throw new IllegalArgumentException("k must be <= n, got k=" + k + " > n=" + n);
            }
            if ((long) n * d > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("n*d must be at most " + (Integer.MAX_VALUE - 8) + ", got "
                        + (long) n * d);
            }
            if (iters < 1) {
                throw new IllegalArgumentException("iters must be >= 1, got " + iters);
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
            }
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
            }
            return new Spec(this);
        }
    }

    /** The timings of one benchmark run. */
    public static final class Result {
        private final Spec spec;
        private final String backend;
        private final String device;
        private final double[] ms;
        private final double lowerBound;
        private final String warning;

        Result(Spec spec, String backend, String device, double[] ms, double lowerBound, String warning) {
            this.spec = spec;
            this.backend = backend;
            this.device = device;
            this.ms = ms.clone();
            this.lowerBound = lowerBound;
            this.warning = warning;
        }

        /** @return milliseconds of each timed iteration, in order */
        public double[] millis() {
            return ms.clone();
        }

        /** @return the median milliseconds per iteration */
        public double medianMillis() {
            double[] s = ms.clone();
            Arrays.sort(s);
            int m = s.length / 2;
            return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
        }

        /** @return the fastest iteration in milliseconds */
        public double minMillis() {
            return Arrays.stream(ms).min().orElse(Double.NaN);
        }

        /** @return the mean milliseconds per iteration */
        public double meanMillis() {
            return Arrays.stream(ms).average().orElse(Double.NaN);
        }

        /** @return the backend's name ("cpu", "opencl") */
        public String backend() {
            return backend;
        }

        /** @return the device, in words */
        public String device() {
            return device;
        }

        /** @return the fallback warning of an {@code auto} backend, or null */
        public String warning() {
            return warning;
        }

        /**
         * @return the result as an ordered map: ms_per_iter (median), ms_min, ms_mean, ms (all), backend, device, n,
         *     d, k, covariance, precision, iters, warmup, threads, seed, gflops (model of
         *     {@link #flopsPerIteration} at the median), bytes_per_iter (the data read once), lower_bound, java
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ms_per_iter", medianMillis());
            m.put("ms_min", minMillis());
            m.put("ms_mean", meanMillis());
            m.put("ms", ms.clone());
            m.put("backend", backend);
            m.put("device", device);
            m.put("n", spec.n);
            m.put("d", spec.d);
            m.put("k", spec.k);
            m.put("covariance", spec.covariance.jsonName());
            m.put("precision", spec.precision.name().toLowerCase(java.util.Locale.ROOT));
            m.put("iters", spec.iters);
            m.put("warmup", spec.warmup);
            m.put("threads", spec.threads == 0 ? Runtime.getRuntime().availableProcessors() : spec.threads);
            m.put("seed", spec.seed);
            m.put("gflops", flopsPerIteration(spec.n, spec.d, spec.k, spec.covariance) / (medianMillis() * 1e6));
            m.put("bytes_per_iter", (long) spec.n * spec.d * (spec.precision == Precision.FLOAT ? 4 : 8));
            m.put("lower_bound", Double.isFinite(lowerBound) ? lowerBound : null);
            m.put("java", System.getProperty("java.version"));
            if (warning != null) {
                m.put("warning", warning);
            }
            return m;
        }

        /** @return {@link #toMap()} as one line of JSON */
        public String toJson() {
            try {
                return new ObjectMapper().writeValueAsString(toMap());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the bench result as JSON", e);
            }
        }
    }
}
