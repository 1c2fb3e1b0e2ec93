import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.emgmm.BackendKind;
import org.emgmm.CovarianceType;
import org.emgmm.FitListener;
import org.emgmm.GmmSettings;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.data.ArrayDataset;

/**
 * emgmm-spark against Spark MLlib's GaussianMixture (same Spark, same JVM, same cached DataFrame) and against the
 * single-machine emgmm CPU backend with as many threads as local[2] has cores (2), full covariance, time per EM
 * iteration. emgmm's two fits report each iteration's time (the pass and the M step; for Spark the whole job) to a
 * listener. After an untimed warm-up fit of each, ROUNDS rounds each run one single-machine fit and then one Spark
 * fit, so both see the same moments of a shared machine's load: per round, the median of iterations LOW+1..HIGH of
 * each fit and their ratio; the result gives the median over all rounds' iterations, the median and range of the
 * per-round ratios, and the fastest iteration of each (the best the machine allowed). MLlib's iterations are timed
 * by difference: (fit at its high count − fit at its low count) / the difference, tol 0, after an untimed warm-up fit
 * at the low count, so its initialisation and caching cancel. Also prints Spark's own latency: the median time of a
 * job of one trivial task per slot, and the CPU time (all the process's threads) per iteration of each emgmm fit.
 * Arguments: N D K PARTITIONS [LOW HIGH for emgmm] [LOW HIGH for MLlib; HIGH 0: no MLlib] [ROUNDS].
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int d = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int parts = Integer.parseInt(args[3]);
        int lo = args.length > 5 ? Integer.parseInt(args[4]) : 3;
        int hi = args.length > 5 ? Integer.parseInt(args[5]) : 13;
        int mlLo = args.length > 7 ? Integer.parseInt(args[6]) : 2;
        int mlHi = args.length > 7 ? Integer.parseInt(args[7]) : 7;
        // TASK_CPUS=2: one task of 2 threads per iteration instead of two of 1 thread
        String taskCpus = System.getenv().getOrDefault("TASK_CPUS", "1");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("emgmm-spark bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.task.cpus", taskCpus).getOrCreate();
        int rounds = args.length > 8 ? Integer.parseInt(args[8]) : 3;
        ArrayDataset data = SyntheticMixture.generate(n, d, k, 1, false);
        Dataset<Row> df = frame(spark, data.doubleArray(), n, d, parts).cache();
        df.count();

        // Single machine, the CPU backend on both cores (local[2] has 2).
        GmmSettings s = GmmSettings.builder().k(k).covarianceType(CovarianceType.FULL).tol(0).seed(1)
                .maxIter(hi).backend(BackendKind.CPU).threads(2).build();
        java.util.function.Consumer<FitListener> single = l -> new org.emgmm.GaussianMixture(s).fit(data, l);
        // emgmm on Spark.
        java.util.function.Consumer<FitListener> onSpark = l -> new org.emgmm.spark.GaussianMixture().setK(k)
                .setTol(0).setSeed(1).setMaxIter(hi).setBackend("cpu").fit(df, l);
        String load0 = load();
        single.accept(new FitListener() { });
        onSpark.accept(new FitListener() { });
        List<Double> allSingle = new ArrayList<>();
        List<Double> allSpark = new ArrayList<>();
        List<Double> cpuSingle = new ArrayList<>();
        List<Double> cpuSpark = new ArrayList<>();
        double[] ratios = new double[rounds];
        StringBuilder perRound = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            List<Double> a = iterations(lo, single, cpuSingle);
            List<Double> b = iterations(lo, onSpark, cpuSpark);
            allSingle.addAll(a);
            allSpark.addAll(b);
            ratios[r] = median(b) / median(a);
            perRound.append(String.format(Locale.ROOT, " %.1f/%.1f", median(a) * 1e3, median(b) * 1e3));
        }
        String load1 = load();
        // Spark MLlib.
        double ml = mlHi <= mlLo ? Double.NaN : perIteration(mlLo, mlLo, mlHi, it -> new GaussianMixture().setK(k)
                .setTol(0).setSeed(1).setMaxIter(it).fit(df));
        int slots = spark.sparkContext().defaultParallelism() / Integer.parseInt(taskCpus);
        double job = emptyJob(spark, Math.min(parts, slots));
        double one = median(allSingle);
        double sp = median(allSpark);
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "RESULT n=%d d=%d k=%d partitions=%d tasks=%d task-cpus=%s  emgmm-single-cpu %.4f s/iter  "
                        + "emgmm-spark %.4f s/iter  mllib %.4f s/iter  speedup-vs-mllib %.1fx  overhead-vs-single "
                        + "%.2fx (rounds %.2f-%.2f; fastest iterations %.4f / %.4f s: %.2fx)  spark-empty-job %.4f s%n",
                n, d, k, parts, Math.min(parts, slots), taskCpus, one, sp, ml, ml / sp, sorted[rounds / 2], sorted[0],
                sorted[rounds - 1], java.util.Collections.min(allSingle), java.util.Collections.min(allSpark),
                java.util.Collections.min(allSpark) / java.util.Collections.min(allSingle), job);
        System.out.printf(Locale.ROOT, "RESULT   per round single/spark ms:%s; CPU time per iteration (all threads) "
                        + "single %.4f s, spark %.4f s: %.2fx; load average %s -> %s%n", perRound, median(cpuSingle),
                median(cpuSpark), median(cpuSpark) / median(cpuSingle), load0, load1);
        spark.stop();
    }

    private static String load() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double median(List<Double> t) {
        List<Double> c = new ArrayList<>(t);
        c.sort(null);
        return c.get(c.size() / 2);
    }

    /** The times of a fit's iterations after {@code skip}, as the fit reports them to its listener. */
    private static List<Double> iterations(int skip, java.util.function.Consumer<FitListener> fit) {
        return iterations(skip, fit, null);
    }

    /**
     * Also records into {@code cpu} the CPU time the whole process spent between consecutive iterations' reports
     * (every thread: the pass, Spark's scheduler and RPC, GC, JIT), which a shared machine's load barely moves.
     */
    private static List<Double> iterations(int skip, java.util.function.Consumer<FitListener> fit, List<Double> cpu) {
        List<Double> t = new ArrayList<>();
        long[] last = {-1};
        fit.accept(new FitListener() {
            @Override
            public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
                long now = processCpuNanos();
                if (iteration > skip) {
                    t.add(nanos / 1e9);
                    if (cpu != null && last[0] >= 0) {
                        cpu.add((now - last[0]) / 1e9);
                    }
                }
                last[0] = now;
            }
        });
        return t;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double perIteration(int warm, int lo, int hi, java.util.function.IntConsumer fit) {
        fit.accept(warm); // warm-up: class loading, JIT compilation of the kernels, Spark's first jobs
        long t0 = System.nanoTime();
        fit.accept(lo);
        long t1 = System.nanoTime();
        fit.accept(hi);
        long t2 = System.nanoTime();
        return ((t2 - t1) - (t1 - t0)) / 1e9 / (hi - lo);
    }

    /** Spark's own latency on this machine: the median time of a job of {@code parts} trivial tasks. */
    private static double emptyJob(SparkSession spark, int parts) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> seeds = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            seeds.add(i);
        }
        double[] t = new double[11];
        for (int r = 0; r < t.length; r++) {
            long t0 = System.nanoTime();
            jsc.parallelize(seeds, parts).map(v -> v + 1).collect();
            t[r] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    private static Dataset<Row> frame(SparkSession spark, double[] x, int n, int d, int parts) {
        Broadcast<double[]> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(x);
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
        return spark.range(0, n, 1, parts).map((MapFunction<Long, Row>) i -> {
            double[] r = new double[d];
            System.arraycopy(b.value(), (int) (long) i * d, r, 0, d);
            return RowFactory.create(Vectors.dense(r));
        }, Encoders.row(schema));
    }
}
