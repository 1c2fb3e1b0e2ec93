package org.emgmm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.emgmm.backend.Backends;
import org.emgmm.backend.opencl.DeviceInfo;
import org.emgmm.backend.opencl.DeviceLimits;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;

/**
 * {@code emgmm bench --compare}: times every backend this machine has — the CPU backend in double and float, and
 * each OpenCL device in double (where it has cl_khr_fp64) and float — on the same problems, one {@link BenchRunner}
 * run each (so the same seeded data and start per problem, and backend opening, compilation, upload and warm-up
 * outside the timed part), and sets each time against the {@link PeakModel roofline} of its backend.
 *
 * <p>OpenCL is reached only through {@link DeviceLimits#all}, i.e. {@code OpenClBackend.devices()}; when it cannot
 * be used, the comparison has CPU rows only and {@link ComparisonReport#openClReason()} says why.
 */
public final class Comparison {
    /** Rows of the untimed run that compiles the CPU kernels of a problem shape. */
    static final int PRIME_ROWS = 50_000;
    /** Iterations of that run. */
    static final int PRIME_ITERS = 10;

    private final Settings settings;

    /** @param settings what to compare */
    public Comparison(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("comparison settings must not be null");
        }
        this.settings = settings;
    }

    /**
     * Finds the backends, measures or models their peaks, and runs every problem on every backend.
     *
     * @param progress receives one line before each backend's peaks are measured and each run (may be a no-op)
     * @return the report
     */
    public ComparisonReport run(Consumer<String> progress) {
        Settings s = settings;
        List<Target> targets = new ArrayList<>();
        progress.accept("measuring the CPU's peaks");
        CpuPeak cpu = CpuPeak.measure(s.threads);
        for (Precision p : new Precision[] {Precision.DOUBLE, Precision.FLOAT}) {
            targets.add(override(new Target("cpu", BackendKind.CPU, null, p, "CPU, " + cpu.threads() + " threads",
                    cpu.gflops(p), cpu.describe(p), cpu.gbs(), "measured: read of a 64 MiB array"), s));
        }
        String reason = null;
        if (!s.openCl) {
            reason = "OpenCL left out (Builder.openCl(false))";
        } else {
            progress.accept("listing the OpenCL devices and measuring their copy bandwidth");
            try {
                List<DeviceLimits> devices = DeviceLimits.all(s.measureCopy);
                if (devices.isEmpty()) {
                    reason = "no OpenCL platform found (is an OpenCL driver / ICD installed?)";
                }
                for (DeviceLimits d : devices) {
                    addDevice(targets, d, s);
                }
            } catch (RuntimeException | LinkageError e) {
                reason = Backends.oneLine(e);
            }
        }
        List<ComparisonReport.Run> rows = new ArrayList<>();
        Problem primed = null;
        for (Problem pr : s.problems) {
            if (primed == null || !primed.shape().equals(pr.shape())) {
                primed = pr;
                progress.accept("compiling the CPU kernels for " + pr.shape() + " (untimed)");
                prime(pr, targets, s);
            }
            for (Target t : targets) {
                progress.accept(String.format(Locale.ROOT, "%s N=%d D=%d K=%d: %s %s", pr.covariance.jsonName(),
                        pr.n, pr.d, pr.k, t.label, t.precision.name().toLowerCase(Locale.ROOT)));
                rows.add(runOne(pr, t, s));
            }
        }
        return new ComparisonReport(s, targets, rows, reason);
    }

    /**
     * Runs each CPU target {@value #PRIME_ITERS} iterations on at most {@value #PRIME_ROWS} rows of a shape, untimed,
     * so that the JIT has compiled its kernels before the first timed run (else the smallest N of a sweep would time
     * the compiler; a process's first iteration takes seconds). OpenCL targets compile their kernels when opened,
     * outside the timed part anyway.
     */
    private static void prime(Problem pr, List<Target> targets, Settings s) {
        for (Target t : targets) {
            if (t.kind != BackendKind.CPU) {
                continue;
            }
            BenchRunner.Spec spec = BenchRunner.Spec.builder().backend(t.kind).n(Math.min(pr.n, PRIME_ROWS))
                    .d(pr.d).k(Math.min(pr.k, Math.min(pr.n, PRIME_ROWS))).covariance(pr.covariance)
                    .precision(t.precision).iters(PRIME_ITERS).warmup(0).seed(s.seed).threads(s.threads).build();
            try {
                new BenchRunner(spec).run();
            } catch (RuntimeException e) {
                // the timed run of the same target will fail and report it
            }
        }
    }

    private static void addDevice(List<Target> targets, DeviceLimits l, Settings s) {
        DeviceInfo d = l.device();
        String label = "opencl" + d.index();
        for (Precision p : new Precision[] {Precision.DOUBLE, Precision.FLOAT}) {
            if (p == Precision.DOUBLE && !d.fp64()) {
                continue;
            }
            double lanes = PeakModel.lanesPerUnit(d.type(), d.vendor(), d.name(), p, l.widthFloat(), l.widthDouble());
            double gflops = PeakModel.deviceGflops(d.computeUnits(), lanes, l.clockMhz());
            String how = String.format(Locale.ROOT, "model: %d units x %.4g lanes x 2 x %d MHz", d.computeUnits(),
                    lanes, l.clockMhz());
            targets.add(override(new Target(label, BackendKind.OPENCL, Integer.toString(d.index()), p, d.describe(),
                    gflops, how, l.copyGbs(), Double.isNaN(l.copyGbs()) ? "unknown: copy not measured or failed"
                    : "measured: device-to-device copy"), s));
        }
    }

    private static Target override(Target t, Settings s) {
        String key = t.label + ":" + t.precision.name().toLowerCase(Locale.ROOT);
        Double f = s.peakGflops.get(key);
        Double b = s.peakGbs.get(key);
        return new Target(t.label, t.kind, t.deviceIndex, t.precision, t.device,
                f != null ? f : t.peakGflops, f != null ? "given (--peak-gflops)" : t.gflopsSource,
                b != null ? b : t.peakGbs, b != null ? "given (--peak-gbs)" : t.gbsSource);
    }

    private static ComparisonReport.Run runOne(Problem pr, Target t, Settings s) {
        BenchRunner.Spec spec = BenchRunner.Spec.builder().backend(t.kind).device(t.deviceIndex).n(pr.n).d(pr.d)
                .k(pr.k).covariance(pr.covariance).precision(t.precision).iters(s.iters).warmup(s.warmup)
                .seed(s.seed).threads(s.threads).build();
        try {
            return new ComparisonReport.Run(pr, t, new BenchRunner(spec).run(), null);
        } catch (RuntimeException | LinkageError e) {
            return new ComparisonReport.Run(pr, t, null, Backends.oneLine(e));
        }
    }

    /** One problem of the sweep. */
    public static final class Problem {
        final int n;
        final int d;
        final int k;
        final CovarianceType covariance;

        Problem(int n, int d, int k, CovarianceType covariance) {
            this.n = n;
            this.d = d;
            this.k = k;
            this.covariance = covariance;
        }

        /** @return rows */
        public int n() {
            return n;
        }

        /** @return features */
        public int d() {
            return d;
        }

        /** @return components */
        public int k() {
            return k;
        }

        /** @return covariance type */
        public CovarianceType covariance() {
            return covariance;
        }

        /** @return the shape without N, e.g. "diag D=16 K=16" */
        public String shape() {
            return covariance.jsonName() + " D=" + d + " K=" + k;
        }
    }

    /** One backend and precision, with the peaks its rows are measured against. */
    public static final class Target {
        final String label;
        final BackendKind kind;
        final String deviceIndex;
        final Precision precision;
        final String device;
        final double peakGflops;
        final String gflopsSource;
        final double peakGbs;
        final String gbsSource;

        Target(String label, BackendKind kind, String deviceIndex, Precision precision, String device,
               double peakGflops, String gflopsSource, double peakGbs, String gbsSource) {
            this.label = label;
            this.kind = kind;
            this.deviceIndex = deviceIndex;
            this.precision = precision;
            this.device = device;
            this.peakGflops = peakGflops;
            this.gflopsSource = gflopsSource;
            this.peakGbs = peakGbs;
            this.gbsSource = gbsSource;
        }

        /** @return "cpu", or "openclI" with I the device index of {@code emgmm devices} */
        public String label() {
            return label;
        }

        /** @return the arithmetic */
        public Precision precision() {
            return precision;
        }

        /** @return "cpu double", "opencl0 float", ... */
        public String name() {
            return label + " " + precision.name().toLowerCase(Locale.ROOT);
        }
    }

    /** What to compare. Build with {@link #builder()}; validated in {@link Builder#build()}. */
    public static final class Settings {
        final List<Problem> problems;
        final int iters;
        final int warmup;
        final long seed;
        final int threads;
        final Map<String, Double> peakGflops;
        final Map<String, Double> peakGbs;
        final boolean openCl;
        final boolean measureCopy;

        private Settings(Builder b, List<Problem> problems) {
            this.problems = List.copyOf(problems);
            iters = b.iters;
            warmup = b.warmup;
            seed = b.seed;
            threads = b.threads;
            peakGflops = Map.copyOf(b.peakGflops);
            peakGbs = Map.copyOf(b.peakGbs);
            openCl = b.openCl;
            measureCopy = b.measureCopy;
        }

        /** @return a builder: N 10⁴, 10⁵, 10⁶; D = 16; K = 16; diag; 5 iterations after 2 warm-up; seed 0 */
        public static Builder builder() {
            return new Builder();
        }

        /** @return the problems, N varying fastest */
        public List<Problem> problems() {
            return problems;
        }
    }

    /** Builder of {@link Settings}. */
    public static final class Builder {
        private List<Integer> ns = List.of(10_000, 100_000, 1_000_000);
        private List<Integer> ds = List.of(16);
        private List<Integer> ks = List.of(16);
        private List<CovarianceType> covariances = List.of(CovarianceType.DIAG);
        private int iters = 5;
        private int warmup = 2;
        private long seed;
        private int threads;
        private Map<String, Double> peakGflops = Map.of();
        private Map<String, Double> peakGbs = Map.of();
        private boolean openCl = true;
        private boolean measureCopy = true;

        private Builder() {
        }

        /** @param v rows of each problem @return this */
        public Builder ns(List<Integer> v) {
            ns = List.copyOf(v);
            return this;
        }

        /** @param v features @return this */
        public Builder ds(List<Integer> v) {
            ds = List.copyOf(v);
            return this;
        }

        /** @param v components @return this */
        public Builder ks(List<Integer> v) {
            ks = List.copyOf(v);
            return this;
        }

        /** @param v covariance types @return this */
        public Builder covariances(List<CovarianceType> v) {
            covariances = List.copyOf(v);
            return this;
        }

        /** @param v timed iterations per run @return this */
        public Builder iters(int v) {
            iters = v;
            return this;
        }

        /** @param v untimed warm-up iterations per run @return this */
        public Builder warmup(int v) {
            warmup = v;
            return this;
        }

        /** @param v seed of the data and the start @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @param v CPU threads, 0 = all cores @return this */
        public Builder threads(int v) {
            threads = v;
            return this;
        }

        /** @param v peak GFLOP/s overrides ({@link PeakModel#parseOverrides}) @return this */
        public Builder peakGflops(Map<String, Double> v) {
            peakGflops = Map.copyOf(v);
            return this;
        }

        /** @param v peak GB/s overrides ({@link PeakModel#parseOverrides}) @return this */
        public Builder peakGbs(Map<String, Double> v) {
            peakGbs = Map.copyOf(v);
            return this;
        }

        /** @param v whether to look for OpenCL devices at all @return this */
        public Builder openCl(boolean v) {
            openCl = v;
            return this;
        }

        /** @param v whether to measure each OpenCL device's copy bandwidth @return this */
        public Builder measureCopy(boolean v) {
            measureCopy = v;
            return this;
        }

        /**
         * @return the validated settings
         * @throws IllegalArgumentException naming the bad value (each problem is checked as {@link BenchRunner.Spec}
         *     checks it)
         */
        public Settings build() {
            if (ns.isEmpty() || ds.isEmpty() || ks.isEmpty() || covariances.isEmpty()) {
                throw new IllegalArgumentException("n, d, k and covariance each need at least one value");
            }
            List<Problem> problems = new ArrayList<>();
            for (CovarianceType c : covariances) {
                for (int d : ds) {
                    for (int k : ks) {
                        for (int n : ns) {
                            BenchRunner.Spec.builder().n(n).d(d).k(k).covariance(c).iters(iters).warmup(warmup)
                                    .threads(threads).build();
                            problems.add(new Problem(n, d, k, c));
                        }
                    }
                }
            }
            return new Settings(this, problems);
        }
    }
}
