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
import org.emgmm.FitListener;
import org.emgmm.GmmSettings;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;

/**
 * emgmm-spark against Spark MLlib's GaussianMixture (same Spark, same JVM, same cached DataFrame) and against the
 * single-machine emgmm CPU backend with as many threads as local[2] has cores (2), full covariance, time per EM
 * iteration. After warm-up fits of each (environment WARMUP=n, default 6; the first, in a fresh JVM, printed as the
 * "cold" ratio), ROUNDS rounds each run one single-machine fit, one Spark fit and
 * one MLlib fit, so all three see the same moments of a shared machine's load. emgmm's two fits report each
 * iteration's time (the pass and the M step; for Spark the whole job) to a listener; MLlib's iterations are timed
 * from Spark's listener: one job per iteration ({@code collect at GaussianMixture.scala}: its E step, a
 * {@code reduceByKey} and a collect), an iteration being the time from its job's start to the next one's (the job and
 * the driver's M step). Per round: the median of emgmm's iterations LOW+1..HIGH and of MLlib's iterations
 * MLLOW+1..MLHIGH-1, and their ratios; the result gives the median over all rounds' iterations, the median and range
 * of the per-round ratios, and the fastest iteration of each (the best the machine allowed). Also prints Spark's own
 * latency: the median time of a job of one trivial task per slot, and the CPU time (all the process's threads) per
 * iteration of each emgmm fit. Arguments: N D K PARTITIONS [LOW HIGH for emgmm] [MLLOW MLHIGH for MLlib; MLHIGH 0:
 * no MLlib] [ROUNDS].
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
        SparkSession spark = session("emgmm-spark bench", taskCpus);
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
        // BASELINE_TASKS=n: also, in every round, the Spark fit with n tasks of spark.task.cpus threads (the layout
        // before the automatic one-task-per-executor rule), for an A/B in the same rounds
        int baseTasks = Integer.parseInt(System.getenv().getOrDefault("BASELINE_TASKS", "0"));
        java.util.function.Consumer<FitListener> onSparkBase = l -> withMaxTasks(new org.emgmm.spark.GaussianMixture()
                .setK(k).setTol(0).setSeed(1).setMaxIter(hi).setBackend("cpu"), baseTasks).fit(df, l);
        boolean withMl = mlHi > mlLo + 1;
        MlJobs mlJobs = new MlJobs();
        spark.sparkContext().addSparkListener(mlJobs);
        java.util.function.Supplier<List<Double>> mllib = () -> mlJobs.iterations(spark.sparkContext(), mlLo,
                () -> new GaussianMixture().setK(k).setTol(0).setSeed(1).setMaxIter(mlHi).fit(df));
        String load0 = load();
        // WARMUP=n: n fits of each first, not counted in the result (default 6: Spark's scheduler, which runs a few
        // times per job, is compiled by the JIT only after some hundred jobs; until then each job costs some
        // milliseconds more, bench/results/spark-vs-mllib.txt). The first of them, in a JVM that has run nothing,
        // is timed and printed as the "cold" ratio. MLlib gets one warm-up fit (ML_WARMUP=0: none).
        int warmups = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "6"));
        for (int w = 0; w < warmups; w++) {
            if (w == 0) {
                double a0 = median(iterations(lo, single));
                double b0 = median(iterations(lo, onSpark));
                System.out.printf(Locale.ROOT, "RESULT   cold (first fit of each in this JVM, iterations %d..%d) "
                        + "single/spark ms: %.1f/%.1f: %.2fx%n", lo + 1, hi, a0 * 1e3, b0 * 1e3, b0 / a0);
            } else {
                single.accept(new FitListener() { });
                onSpark.accept(new FitListener() { });
            }
            if (w == 0 && withMl && !"0".equals(System.getenv("ML_WARMUP"))) { // 1e6 under load: minutes
                new GaussianMixture().setK(k).setTol(0).setSeed(1).setMaxIter(Math.max(1, mlLo)).fit(df);
            }
        }
        List<Double> allMl = new ArrayList<>();
        double[] mlRatios = new double[rounds];
        List<Double> allSingle = new ArrayList<>();
        List<Double> allSpark = new ArrayList<>();
        List<Double> cpuSingle = new ArrayList<>();
        List<Double> cpuSpark = new ArrayList<>();
        double[] ratios = new double[rounds];
        StringBuilder perRound = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            // a full collection before each fit: each starts from the heap a JVM running only it would have, not
            // with the garbage of the fit before it (MLlib's per-row objects left G1 collecting old regions during
            // the next fits: at 2e5 Spark's overhead 1.41-1.64x per round with MLlib in the rounds, 1.44-1.46x
            // without, same build, 2026-12-05)
            System.gc();
            List<Double> a = iterations(lo, single, cpuSingle);
            System.gc();
            List<Double> b = iterations(lo, onSpark, cpuSpark);
            allSingle.addAll(a);
            allSpark.addAll(b);
            ratios[r] = median(b) / median(a);
            if (baseTasks > 0) {
                List<Double> base = iterations(lo, onSparkBase);
                System.out.printf(Locale.ROOT, "RESULT   round %d spark with %d tasks (baseline) %.1f ms: %.2fx single, "
                        + "automatic layout %.2fx%n", r, baseTasks, median(base) * 1e3, median(base) / median(a),
                        ratios[r]);
            }
            System.gc();
            List<Double> c = withMl ? mllib.get() : List.of(Double.NaN);
            allMl.addAll(c);
            mlRatios[r] = median(c) / median(b);
            perRound.append(String.format(Locale.ROOT, " %.1f/%.1f/%.0f", median(a) * 1e3, median(b) * 1e3,
                    median(c) * 1e3));
            System.out.printf(Locale.ROOT, "RESULT   round %d single/spark/mllib ms: %.1f/%.1f/%.0f (load %s)%n", r,
                    median(a) * 1e3, median(b) * 1e3, median(c) * 1e3, load());
        }
        String load1 = load();
        double ml = median(allMl);
        int slots = spark.sparkContext().defaultParallelism() / Integer.parseInt(taskCpus);
        double job = emptyJob(spark, Math.min(parts, slots));
        double[] floor = runJobFloor(spark, 2);
        double one = median(allSingle);
        double sp = median(allSpark);
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        double[] mlSorted = mlRatios.clone();
        java.util.Arrays.sort(mlSorted);
        System.out.printf(Locale.ROOT, "RESULT n=%d d=%d k=%d partitions=%d tasks=%s task-cpus=%s  emgmm-single-cpu %.4f s/iter  "
                        + "emgmm-spark %.4f s/iter  mllib %.4f s/iter  speedup-vs-mllib %.1fx (rounds %.1f-%.1f)  "
                        + "overhead-vs-single %.2fx (rounds %.2f-%.2f; fastest iterations %.4f / %.4f s: %.2fx)  "
                        + "spark-empty-job %.4f s%n",
                n, d, k, parts, "auto", taskCpus, one, sp, ml, mlSorted[rounds / 2], mlSorted[0],
                mlSorted[rounds - 1], sorted[rounds / 2], sorted[0], sorted[rounds - 1],
                java.util.Collections.min(allSingle), java.util.Collections.min(allSpark),
                java.util.Collections.min(allSpark) / java.util.Collections.min(allSingle), job);
        System.out.printf(Locale.ROOT, "RESULT   floor: a do-nothing runJob on 2 cached partitions %.1f ms median, %.1f ms "
                + "fastest (%d jobs, after %d warm-up jobs) against a single-machine iteration (pass and M step): %.1f ms median, %.1f ms "
                + "fastest%n", floor[0] * 1e3, floor[1] * 1e3, FLOOR_JOBS, FLOOR_JOBS, one * 1e3,
                java.util.Collections.min(allSingle) * 1e3);
        System.out.printf(Locale.ROOT, "RESULT   per round single/spark/mllib ms:%s; CPU time per iteration (all threads) "
                        + "single %.4f s, spark %.4f s: %.2fx; load average %s -> %s%n", perRound, median(cpuSingle),
                median(cpuSpark), median(cpuSpark) / median(cpuSingle), load0, load1);
        System.out.println("RESULT   emgmm-spark layout: " + new org.emgmm.spark.GaussianMixture().setK(k).setSeed(1)
                .setMaxIter(1).setBackend("cpu").fit(df).mixtureModel().device());
        spark.stop();
    }

    /** Calls the estimator's package-private {@code setMaxTasks} (tests and this A/B only). */
    private static org.emgmm.spark.GaussianMixture withMaxTasks(org.emgmm.spark.GaussianMixture gm, int tasks) {
        try {
            java.lang.reflect.Method m = gm.getClass().getDeclaredMethod("setMaxTasks", int.class);
            m.setAccessible(true);
            return (org.emgmm.spark.GaussianMixture) m.invoke(gm, tasks);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a local[2] session without UI, {@code spark.task.cpus} as given (shared with SparkProfile) */
    static SparkSession session(String app, String taskCpus) {
        return SparkSession.builder().master("local[2]").appName(app).config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.task.cpus", taskCpus).getOrCreate();
    }

    /** @return the 1-, 5- and 15-minute load averages, or "?" */
    static String load() {
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

    /**
     * MLlib's iteration jobs ({@code collect at GaussianMixture.scala}), recorded while {@link #iterations} runs a
     * fit.
     */
    static final class MlJobs extends org.apache.spark.scheduler.SparkListener {
        private final List<Long> starts = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile String group = "";
        private int fits;

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
            if (e.properties() == null || !group.equals(e.properties().getProperty("spark.jobGroup.id"))) {
                return;
            }
            scala.collection.Iterator<org.apache.spark.scheduler.StageInfo> it = e.stageInfos().iterator();
            while (it.hasNext()) {
                String nm = it.next().name();
                if (System.getenv("BENCH_DEBUG") != null) {
                    System.err.println("job " + e.jobId() + " at " + e.time() + ": " + nm);
                }
                if (nm.startsWith("collect at GaussianMixture.scala")) {
                    starts.add(e.time());
                    return;
                }
            }
        }

        /**
         * @param sc the context
         * @param skip iterations not timed (the first ones)
         * @param fit an MLlib fit of HIGH iterations
         * @return the times of its iterations skip+1..HIGH-1 in seconds (start of one iteration's job to the next)
         */
        List<Double> iterations(org.apache.spark.SparkContext sc, int skip, Runnable fit) {
            starts.clear();
            group = "emgmm-bench-mllib-" + fits++;
            sc.setJobGroup(group, "MLlib fit timed by SparkBench", false);
            try {
                fit.run();
                sc.listenerBus().waitUntilEmpty(); // the listener has seen every job of the fit
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(e);
            } finally {
                sc.clearJobGroup();
            }
            List<Long> s;
            synchronized (starts) {
                s = new ArrayList<>(starts);
            }
            System.err.println("MLlib iteration jobs: " + s.size());
            List<Double> t = new ArrayList<>();
            for (int i = skip + 1; i < s.size(); i++) {
                t.add((s.get(i) - s.get(i - 1)) / 1e3);
            }
            if (t.isEmpty()) {
                throw new IllegalStateException("no MLlib iteration jobs recorded (" + s.size() + " found)");
            }
            return t;
        }
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

    /** Jobs timed (and run before, untimed) by {@link #runJobFloor}. */
    private static final int FLOOR_JOBS = 100;

    /** A task that does nothing: not even reading its partition. */
    static final class Nothing extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
            scala.collection.Iterator<Integer>, Integer> implements java.io.Serializable {
        @Override
        public Integer apply(org.apache.spark.TaskContext context, scala.collection.Iterator<Integer> it) {
            return 0;
        }
    }

    /** Discards a task's result on the driver. */
    static final class Discard extends scala.runtime.AbstractFunction2<Object, Integer, scala.runtime.BoxedUnit> {
        @Override
        public scala.runtime.BoxedUnit apply(Object task, Integer result) {
            return scala.runtime.BoxedUnit.UNIT;
        }
    }

    /**
     * The least a Spark job costs here, the floor under any one-job-per-iteration design: {@code SparkContext.runJob}
     * (as emgmm-spark submits its passes: a named task function, no closure cleaning, one stage) of a task that does
     * nothing on each of {@code parts} cached partitions, {@link #FLOOR_JOBS} untimed jobs and then {@link
     * #FLOOR_JOBS} timed.
     *
     * @return the median and the fastest job, seconds
     */
    static double[] runJobFloor(SparkSession spark, int parts) {
        org.apache.spark.SparkContext sc = spark.sparkContext();
        List<Integer> seeds = new ArrayList<>();
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            seeds.add(i);
            ids.add(i);
        }
        org.apache.spark.rdd.RDD<Integer> rdd = JavaSparkContext.fromSparkContext(sc).parallelize(seeds, parts)
                .cache().rdd();
        rdd.count();
        scala.collection.immutable.Seq<Object> partitions = scala.jdk.javaapi.CollectionConverters.asScala(ids)
                .toSeq();
        double[] t = new double[FLOOR_JOBS];
        for (int r = 0; r < 2 * FLOOR_JOBS; r++) {
            long t0 = System.nanoTime();
            sc.runJob(rdd, new Nothing(), partitions, new Discard(), scala.reflect.ClassTag$.MODULE$.apply(
                    Integer.class));
            if (r >= FLOOR_JOBS) {
                t[r - FLOOR_JOBS] = (System.nanoTime() - t0) / 1e9;
            }
        }
        rdd.unpersist(false);
        java.util.Arrays.sort(t);
        return new double[] {t[t.length / 2], t[0]};
    }

    /** @return the n × d rows of x as a DataFrame of one vector column "features" in the given partitions */
    static Dataset<Row> frame(SparkSession spark, double[] x, int n, int d, int parts) {
        Broadcast<double[]> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(x);
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
        return spark.range(0, n, 1, parts).map((MapFunction<Long, Row>) i -> {
            double[] r = new double[d];
            System.arraycopy(b.value(), (int) (long) i * d, r, 0, d);
            return RowFactory.create(Vectors.dense(r));
        }, Encoders.row(schema));
    }
}
