package org.emgmm.backend.opencl;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.OpenClPlan;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.Initializer;
import org.emgmm.em.SufficientStatistics;

/**
 * Searches the launch plan's tunables (work-group size, accumulator tasks per work-item, tile rows) for one device
 * and a set of {@link ShapeClass}es, as CLBlast's tuners do: per class, synthetic data of the class's largest shape,
 * the device class's default plan timed first, then each candidate (compiled, one warm-up pass, the fastest of
 * {@code reps} timed passes) until the class's share of the time budget is spent. A candidate whose statistics do
 * not agree with the default plan's to rounding (relative {@value #DOUBLE_AGREEMENT} in double,
 * {@value #FLOAT_AGREEMENT} in float) is rejected, as is one that fails to build or launch. The winner must beat the
 * default by {@value #MIN_GAIN_PERCENT} %, else the defaults are kept; either way the result goes to the
 * {@link TuningCache}.
 */
public final class KernelTuner {
    /** Relative agreement required of a candidate's double statistics with the default plan's. */
    static final double DOUBLE_AGREEMENT = 1e-9;
    /** Relative agreement required of a candidate's float statistics with the default plan's. */
    static final double FLOAT_AGREEMENT = 1e-3;
    /** A candidate replaces the default plan only when this much faster (timing noise). */
    static final double MIN_GAIN_PERCENT = 2;
    private static final double REG_COVAR = 1e-6;
    /** Most rows of the synthetic data (one float array: 2^30 values at the largest measured D, 128). */
    public static final long MAX_ROWS = 1L << 23;

    private final DeviceInfo device;
    private final Spec spec;

    /**
     * What to tune.
     *
     * @param precisions precisions (double only where the device has fp64)
     * @param types covariance types (diag and spherical share a class, as do full and tied)
     * @param ds feature counts; each picks its class, measured at the class's largest D
     * @param ks component counts, likewise
     * @param rows rows of the synthetic data (0 = chosen from the device and shape)
     * @param budgetSeconds time budget of the whole search, shared equally by the classes
     * @param reps timed passes per candidate (the fastest counts)
     * @param space the candidates (values 0 = default), or null for {@link #space(DeviceInfo)}
     * @param seed seed of the synthetic data
     */
    public record Spec(List<Precision> precisions, List<CovarianceType> types, List<Integer> ds, List<Integer> ks,
                       long rows, double budgetSeconds, int reps, List<OpenClPlan> space, long seed) {
        /** Validates. */
        public Spec {
            if (precisions.isEmpty() || types.isEmpty() || ds.isEmpty() || ks.isEmpty()) {
                throw new IllegalArgumentException("nothing to tune: give at least one precision, covariance, d, k");
            }
            for (int v : ds) {
                require(v >= 1, "d must be at least 1, got " + v);
            }
            for (int v : ks) {
                require(v >= 1, "k must be at least 1, got " + v);
            }
            require(rows >= 0 && rows <= MAX_ROWS, "rows must be between 0 (automatic) and " + MAX_ROWS + ", got "
                    + rows);
            require(budgetSeconds > 0 && Double.isFinite(budgetSeconds), "budget must be > 0 s, got " + budgetSeconds);
            require(reps >= 1, "reps must be at least 1, got " + reps);
        }
    }

    /**
     * The result of one shape class.
     *
     * @param shapeClass the class key
     * @param d features measured
     * @param k components measured
     * @param rows rows measured
     * @param defaultMs fastest pass of the default plan, ms
     * @param bestMs fastest pass of the chosen plan, ms (the default's when it stays)
     * @param best the chosen tunables ({@link OpenClPlan#auto()} when the defaults stay)
     * @param tried candidates timed
     * @param failed candidates that failed to build or launch
     * @param rejected candidates whose statistics disagreed with the default plan's
     * @param identical timed candidates whose statistics equal the default plan's bit for bit
     * @param budgetHit whether the budget ended the search before every candidate was tried
     * @param plan the chosen plan as the backend describes it
     * @param entry the cache entry written for it
     */
    public record Outcome(String shapeClass, int d, int k, long rows, double defaultMs, double bestMs,
                          OpenClPlan best, int tried, int failed, int rejected, int identical, boolean budgetHit,
                          String plan, TuningCache.Entry entry) {
        /** @return one line for the report */
        public String line() {
            return String.format(Locale.ROOT, "%-26s default %8.3f ms  best %8.3f ms  (%.2fx)  %s  [%d tried, %d"
                    + " failed, %d rejected, %d bit-identical to the default%s]", shapeClass, defaultMs, bestMs,
                    defaultMs / bestMs, best.isAuto() ? "defaults kept" : describe(best), tried, failed, rejected,
                    identical, budgetHit ? ", budget spent" : "");
        }
    }

    /**
     * @param device the device to tune
     * @param spec what to tune
     */
    public KernelTuner(DeviceInfo device, Spec spec) {
        this.device = device;
        this.spec = spec;
    }

    /**
     * The candidates tried when none are given: work-group sizes 32 to 1024 within the device's limit (64 and up on
     * GPUs), 1, 2, 4 or 8 accumulator tasks per item, tiles of 16, 32 or 64 rows or the default, ordered so that
     * those nearest the defaults come first (a short budget still tries one change at a time).
     *
     * @param dev the device
     * @return the candidates, the default excluded
     */
    public static List<OpenClPlan> space(DeviceInfo dev) {
        DeviceClass cls = DeviceClass.of(dev);
        long max = Math.min(1024, Math.max(1, dev.maxWorkGroupSize()));
        List<int[]> out = new ArrayList<>();
        for (int w : new int[] {0, 32, 64, 128, 256, 512, 1024}) {
            if (w > max || (w > 0 && w < 64 && dev.isGpu())) {
                continue;
            }
            if (w == cls.estepWgs && !dev.isGpu()) {
                continue; // the default (a GPU's explicit size also fixes accum's, so there it is a plan of its own)
            }
            for (int apt : new int[] {0, 1, 2, 4, 8}) {
                for (int t : new int[] {0, 16, 32, 64}) {
                    if (t > (w > 0 ? w : cls.estepWgs) || (w == 0 && apt == 0 && t == 0) || apt == cls.tasksPerItem) {
                        continue; // a tile larger than the group, the default itself, or the default's apt again
                    }
                    out.add(new int[] {w, apt, t});
                }
            }
        }
        int w0 = cls.estepWgs;
        int a0 = cls.tasksPerItem;
        out.sort(Comparator.comparingDouble((int[] c) -> distance(c[0], w0) + distance(c[1], a0)
                + (c[2] == 0 ? 0 : 1)).thenComparingInt(c -> c[0]).thenComparingInt(c -> c[1])
                .thenComparingInt(c -> c[2]));
        List<OpenClPlan> plans = new ArrayList<>();
        for (int[] c : out) {
            OpenClPlan p = OpenClPlan.auto();
            p = c[0] > 0 ? p.withWorkGroupSize(c[0]) : p;
            p = c[1] > 0 ? p.withTasksPerItem(c[1]) : p;
            plans.add(c[2] > 0 ? p.withTileRows(c[2]) : p);
        }
        return plans;
    }

    private static double distance(int v, int def) {
        return v == 0 ? 0 : Math.abs(Math.log(v) - Math.log(def)) / Math.log(2);
    }

    /**
     * Tunes every class of the spec (each class once, in order of precision, type, d, k).
     *
     * @param progress one line per class as it finishes
     * @return the outcomes
     * @throws OpenClException when the default plan itself fails on the device
     */
    public List<Outcome> run(Consumer<String> progress) {
        List<ShapeClass> classes = new ArrayList<>();
        for (Precision p : spec.precisions()) {
            if (p == Precision.DOUBLE && !device.fp64()) {
                progress.accept("skipping double: " + device.describe() + " has no fp64");
                continue;
            }
            for (CovarianceType t : spec.types()) {
                for (int d : spec.ds()) {
                    for (int k : spec.ks()) {
                        ShapeClass c = ShapeClass.of(t, p, d, k);
                        if (!classes.contains(c)) {
                            classes.add(c);
                        }
                    }
                }
            }
        }
        TuningCache.DeviceKey key = TuningCache.DeviceKey.of(device);
        List<Outcome> out = new ArrayList<>();
        double share = spec.budgetSeconds() / Math.max(1, classes.size());
        for (ShapeClass c : classes) {
            Outcome o = tune(c, key, share);
            progress.accept(o.line());
            out.add(o);
        }
        return out;
    }

    /**
     * Adds the outcomes to a cache file (replacing older entries of the same device and classes) and writes it.
     *
     * @param cache the file
     * @param outcomes what {@link #run} returned
     * @return the cache as written
     * @throws IOException when it cannot be written
     */
    public static TuningCache store(Path cache, List<Outcome> outcomes) throws IOException {
        TuningCache c = TuningCache.read(cache);
        for (Outcome o : outcomes) {
            c = c.with(o.entry());
        }
        c.write();
        return c;
    }

    private Outcome tune(ShapeClass c, TuningCache.DeviceKey key, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long rows = spec.rows() > 0 ? spec.rows() : rowsFor(c);
        CovarianceType type = c.covarianceType();
        ArrayDataset data = blobs((int) rows, c.d(), c.k(), spec.seed());
        Gaussians params = new Initializer(data, spec.seed()).initialize(c.k(), type, InitMethod.RANDOM_FROM_DATA,
                REG_COVAR, null, null, null, new SplittableRandom(spec.seed()));
        Timing def = time(PlanOverride.none(), c, data, params);
        Timing best = def;
        OpenClPlan bestPlan = OpenClPlan.auto();
        int tried = 0;
        int failed = 0;
        int rejected = 0;
        int identical = 0;
        List<OpenClPlan> space = spec.space() != null ? spec.space() : space(device);
        boolean budgetHit = false;
        for (OpenClPlan cand : space) {
            if (System.nanoTime() > deadline) {
                budgetHit = true;
                break;
            }
            Timing t;
            try {
                // as a fit will replay it from the cache: the tile an upper bound, lowered to what local memory holds
                t = time(PlanOverride.of(cand).asTuned(), c, data, params);
            } catch (OpenClException | IllegalArgumentException e) {
                failed++; // a plan the device cannot build or launch (work-group or local memory too large)
                continue;
            }
            tried++;
            if (!agree(def.stats, t.stats, c.precision() == Precision.DOUBLE ? DOUBLE_AGREEMENT : FLOAT_AGREEMENT)) {
                rejected++;
                continue;
            }
            if (sameBits(def.stats, t.stats)) {
                identical++;
            }
            if (t.ms < best.ms) {
                best = t;
                bestPlan = cand;
            }
        }
        if (best.ms > def.ms * (1 - MIN_GAIN_PERCENT / 100)) {
            best = def;
            bestPlan = OpenClPlan.auto();
        }
        TuningCache.Entry e = new TuningCache.Entry(key.platform(), key.device(), key.driver(), key.kernels(),
                c.key(), bestPlan.workGroupSize(), bestPlan.tasksPerItem(), bestPlan.tileRows(), def.ms, best.ms,
                rows, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return new Outcome(c.key(), c.d(), c.k(), rows, def.ms, best.ms, bestPlan, tried, failed, rejected,
                identical, budgetHit, best.plan, e);
    }

    /** Rows for a class: about 2e10 (GPU) or 2e8 (other devices) terms of work, within 4,096 and 2^20 rows. */
    private long rowsFor(ShapeClass c) {
        long perRow = (long) c.k() * ("full".equals(c.family()) ? (long) c.d() * (c.d() + 3) / 2 : c.d());
        double work = device.isGpu() ? 2e10 : 2e8;
        long r = (long) Math.min(1 << 20, Math.max(4096, work / perRow));
        return Math.max(4096, Math.min(r, (1L << 26) / c.d()) / 4 * 4);
    }

    private record Timing(double ms, SufficientStatistics stats, String plan) {
    }

    private Timing time(PlanOverride o, ShapeClass c, ArrayDataset data, Gaussians params) {
        try (OpenClBackend b = OpenClBackend.create(device, c.precision(), 0, o);
             Pass pass = b.prepare(data, c.k(), c.covarianceType())) {
            SufficientStatistics first = pass.accumulate(params);
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < spec.reps(); r++) {
                long t0 = System.nanoTime();
                pass.accumulate(params);
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
            return new Timing(best, first, b.describePlan(data.rows(), data.dims(), c.k(), c.covarianceType(),
                    false));
        }
    }

    static boolean agree(SufficientStatistics a, SufficientStatistics b, double rel) {
        return close(new double[] {a.logLik, a.weightSum}, new double[] {b.logLik, b.weightSum}, rel)
                && close(a.s0, b.s0, rel) && close(a.s1, b.s1, rel) && close(a.s2, b.s2, rel);
    }

    private static boolean close(double[] a, double[] b, double rel) {
        double scale = 0;
        for (double v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= rel * scale)) {
                return false;
            }
        }
        return true;
    }

    static boolean sameBits(SufficientStatistics a, SufficientStatistics b) {
        return Double.doubleToLongBits(a.logLik) == Double.doubleToLongBits(b.logLik)
                && Double.doubleToLongBits(a.weightSum) == Double.doubleToLongBits(b.weightSum)
                && Arrays.equals(a.s0, b.s0) && Arrays.equals(a.s1, b.s1) && Arrays.equals(a.s2, b.s2);
    }

    /** Gaussian blobs as float values (so both precisions read the same data), K centres in [-4, 4)^D. */
    static ArrayDataset blobs(int n, int d, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] centres = new double[k * d];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = 8 * r.nextDouble() - 4;
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int j = r.nextInt(k);
            for (int a = 0; a < d; a++) {
                x[i * d + a] = (float) (centres[j * d + a] + 0.7 * gauss(r));
            }
        }
        return ArrayDataset.of(x, d, null);
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log1p(-r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /**
     * @param p tunables
     * @return "wgs=128 apt=2 tile=32", leaving out what is unset
     */
    static String describe(OpenClPlan p) {
        StringBuilder sb = new StringBuilder();
        if (p.workGroupSize() > 0) {
            sb.append("wgs=").append(p.workGroupSize()).append(' ');
        }
        if (p.tasksPerItem() > 0) {
            sb.append("apt=").append(p.tasksPerItem()).append(' ');
        }
        if (p.tileRows() > 0) {
            sb.append("tile=").append(p.tileRows()).append(' ');
        }
        return sb.toString().trim();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
