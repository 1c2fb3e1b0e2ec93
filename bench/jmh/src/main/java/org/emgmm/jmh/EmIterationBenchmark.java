package org.emgmm.jmh;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.backend.opencl.OpenClBackend;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.MStep;
import org.emgmm.em.SufficientStatistics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One EM iteration (one {@link Pass#accumulate} — the fused E step and weighted sums over every sample — plus the
 * host M step) per backend, over N, D, K, covariance type and precision. Data generation, backend opening, OpenCL
 * context creation, kernel compilation and the upload of the data all happen in {@link #setup}; the timed call
 * ends in the blocking read of the reduced sums (inside accumulate), so the time is the device's.
 *
 * <p>The parameters stay fixed (the start), so every invocation does the same work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss8m"})
public class EmIterationBenchmark {
    /** Samples. */
    @Param({"100000"})
    public int n;
    /** Features. */
    @Param({"4", "16"})
    public int d;
    /** Components. */
    @Param({"4", "16"})
    public int k;
    /** Covariance type. */
    @Param({"diag", "full"})
    public String type;
    /** Per-sample precision. */
    @Param({"float"})
    public String precision;
    /** cpu or opencl. */
    @Param({"cpu", "opencl"})
    public String backend;

    private Backend opened;
    private Pass pass;
    private Gaussians start;

    /** Generates the data, opens the backend, compiles and uploads (all outside the timed part). */
    @Setup(Level.Trial)
    public void setup() {
        CovarianceType t = CovarianceType.parse(type);
        Precision p = Precision.parse(precision);
        ArrayDataset data = data(n, d, k);
        if ("cpu".equals(backend)) {
            opened = new CpuBackend(0, p);
        } else if ("opencl".equals(backend)) {
            String dev = System.getProperty("emgmm.device");
            opened = OpenClBackend.create(OpenClBackend.device(dev), p, 0);
        } else {
            throw new IllegalArgumentException("backend must be cpu or opencl, got " + backend);
        }
        pass = opened.prepare(data, k, t);
        start = SyntheticMixture.start(data, t, k);
        pass.accumulate(start); // first call: any lazy work (kernel arguments, JIT) before the timing
    }

    /** The last data set generated, kept for the next trial when JMH runs trials in one JVM ({@code -f 0}). */
    private static ArrayDataset cached;
    private static String cachedKey;

    private static synchronized ArrayDataset data(int n, int d, int k) {
        String key = n + "/" + d + "/" + k;
        if (!key.equals(cachedKey)) {
            cached = null; // let the old one go before making the new one
            cached = SyntheticMixture.generate(n, d, k, 42, true);
            cachedKey = key;
        }
        return cached;
    }

    /** @return the parameters after one EM iteration from the start */
    @Benchmark
    public Gaussians emIteration() {
        SufficientStatistics st = pass.accumulate(start);
        return MStep.apply(st, start.means, 1e-6, 1);
    }

    /** Releases the pass and the backend. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (pass != null) {
            pass.close();
        }
        if (opened != null) {
            opened.close();
        }
    }

    /** @return a label for logs */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s n=%d d=%d k=%d %s", backend, precision, n, d, k, type);
    }
}
