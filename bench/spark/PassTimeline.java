package org.emgmm.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Where the fixed cost of one emgmm-spark iteration goes, measured with {@code System.nanoTime} stamps (local mode:
 * driver and executor share one JVM and one clock). Same session as SparkBench (local[2], no UI), 4 input partitions,
 * full covariance, emgmm-spark's automatic layout. Per repetition, alternating (THREADS=1: 30 passes of each of
 * spark, single, split and taskfn, twice, with each JVM thread's CPU per pass):
 * <ul>
 *   <li>{@code single}: the single-machine pass (CpuBackend, 2 threads) over all rows;</li>
 *   <li>{@code split}: the same backend's passes over the 4 packed partitions one after the other, merged in order
 *   (what a task did before the grouped pass), without Spark;</li>
 *   <li>{@code taskFn}: the task function itself (the grouped pass over the 4 packed partitions, chunked on the
 *   whole data's grid, and the task's fold), called directly, without Spark;</li>
 *   <li>{@code spark}: {@link SparkPass#accumulate} (one Spark job);</li>
 *   <li>{@code stamped}: the same job as SparkPass runs, with stamps: submit, task function entered, task function
 *   returned, result handler called, runJob returned;</li>
 *   <li>{@code empty}: a do-nothing {@code runJob} over the same cached task partitions ({@code empty1}, the auto
 *   layout's 1 task) and over 2 cached partitions ({@code empty2}).</li>
 * </ul>
 * Arguments: N D K [REPS]. Prints lines starting with TL.
 */
public final class PassTimeline {
    private PassTimeline() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int d = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("timeline")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.task.cpus", System.getenv().getOrDefault("TASK_CPUS", "1")).getOrCreate();
        SparkContext sc = spark.sparkContext();
        if (System.getenv("LOGLEVEL") != null) { // advice measured: sc.setLogLevel("WARN")
            sc.setLogLevel(System.getenv("LOGLEVEL"));
        }
        ArrayDataset all = SyntheticMixture.generate(n, d, k, 1, false);
        Dataset<Row> df = frame(spark, all.doubleArray(), n, d, 4).cache();
        df.count();
        PackedData data = PackedData.pack(df, "features", null, false, 0);
        System.out.println("TL layout " + data.layout + ", task partitions " + data.tasks.getNumPartitions());
        Gaussians g = data.initializer(1).initialize(k, CovarianceType.FULL, InitMethod.KMEANS_PLUSPLUS, 1e-6, null, null,
                null, new SplittableRandom(1));
        Messages.Params message = new Messages.Params(g);
        CpuBackend cpu = new CpuBackend(2, Precision.DOUBLE);
        Pass single = cpu.prepare(all, k, CovarianceType.FULL);
        List<PackedPartition> parts = new ArrayList<>(data.rdd.collect());
        parts.sort((a, b) -> Integer.compare(a.index, b.index));
        List<Pass> split = new ArrayList<>();
        for (PackedPartition p : parts) {
            split.add(cpu.prepare(p.dataset(), k, CovarianceType.FULL));
        }
        CpuBackend cpu1 = new CpuBackend(1, Precision.DOUBLE);
        List<Pass> split1 = new ArrayList<>();
        for (PackedPartition p : parts) {
            split1.add(cpu1.prepare(p.dataset(), k, CovarianceType.FULL));
        }
        java.util.concurrent.ExecutorService helper = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "helper");
            th.setDaemon(true);
            return th;
        });
        RDD<PackedPartition> two = data.rdd.coalesce(2, false).rdd();
        two.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        two.count();
        SparkPass pass = new SparkPass(data, k, CovarianceType.FULL, BackendKind.CPU, Precision.DOUBLE, 64);
        // serialised sizes
        org.apache.spark.serializer.SerializerInstance ser = org.apache.spark.SparkEnv.get().closureSerializer()
                .newInstance();
        SparkPass.TaskPass task = new SparkPass.TaskPass(message, null, "x", k, d, CovarianceType.FULL,
                BackendKind.CPU, Precision.DOUBLE, data.taskThreads, true, rows(data));
        Messages.Stats[] res = task.statsOf(parts.iterator());
        org.apache.spark.serializer.SerializerInstance rser = org.apache.spark.SparkEnv.get().serializer()
                .newInstance();
        System.out.printf(Locale.ROOT, "TL sizes: task binary (RDD and function, as the DAG scheduler serialises it) "
                        + "%d B, task function %d B, params %d doubles, task result %d B%n",
                ser.serialize(new scala.Tuple2<>(data.tasks.rdd(), task), ClassTag$.MODULE$.apply(Object.class))
                        .remaining(),
                ser.serialize(task, ClassTag$.MODULE$.apply(Object.class)).remaining(), message.size(),
                rser.serialize(res, ClassTag$.MODULE$.apply(Object.class)).remaining());

        if (System.getenv("THREADS") != null) {
            for (int r = 0; r < reps; r++) {
                pass.accumulate(g);
                single.accumulate(g);
            }
            for (String mode : new String[] {"spark", "single", "split", "taskfn", "spark", "single", "split",
                "taskfn"}) {
                java.util.Map<String, Long> before = threadTicks();
                long w0 = System.nanoTime();
                for (int r = 0; r < 30; r++) {
                    if (mode.equals("spark")) {
                        pass.accumulate(g);
                    } else if (mode.equals("taskfn")) {
                        task.statsOf(parts.iterator());
                    } else if (mode.equals("split")) {
                        SufficientStatistics tot = null;
                        for (Pass p : split) {
                            SufficientStatistics x = p.accumulate(g);
                            if (tot == null) {
                                tot = x;
                            } else {
                                tot.merge(x);
                            }
                        }
                    } else if (mode.equals("par")) {
                        SufficientStatistics[] out = new SufficientStatistics[split1.size()];
                        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
                        Runnable worker = () -> {
                            for (int q; (q = next.getAndIncrement()) < out.length; ) {
                                out[q] = split1.get(q).accumulate(g);
                            }
                        };
                        java.util.concurrent.Future<?> fut = helper.submit(worker);
                        worker.run();
                        fut.get();
                        for (int q = 1; q < out.length; q++) {
                            out[0].merge(out[q]);
                        }
                    } else {
                        single.accumulate(g);
                    }
                }
                long w1 = System.nanoTime();
                java.util.Map<String, Long> after = threadTicks();
                StringBuilder sb = new StringBuilder();
                long total = 0;
                for (var en : after.entrySet()) {
                    long dlt = en.getValue() - before.getOrDefault(en.getKey(), 0L);
                    total += dlt;
                    if (dlt > 0) {
                        sb.append(String.format(Locale.ROOT, " %s=%.1f", en.getKey(), dlt * 10.0 / 30));
                    }
                }
                System.out.printf(Locale.ROOT, "TL threads %s: wall %.1f ms/pass, CPU %.1f ms/pass:%s%n", mode,
                        (w1 - w0) / 30e6, total * 10.0 / 30, sb);
            }
            spark.stop();
            return;
        }
        double[][] t = new double[12][reps];
        String[] names = {"single", "split", "spark", "stamped", "empty1", "empty2", "submit->taskIn",
            "taskRun", "taskOut->handler", "handler->return", "taskFn (no Spark)", "splitParallel"};
        for (int r = 0; r < reps; r++) {
            long a = System.nanoTime();
            single.accumulate(g);
            long b = System.nanoTime();
            SufficientStatistics tot = null;
            for (Pass p : split) {
                SufficientStatistics s = p.accumulate(g);
                if (tot == null) {
                    tot = s;
                } else {
                    new Messages.Stats(0, tot, null).merge(new Messages.Stats(1, s, null));
                }
            }
            long c = System.nanoTime();
            pass.accumulate(g);
            long e = System.nanoTime();
            Stamps st = stamped(sc, data, new SparkPass.TaskPass(new Messages.Params(g), null, "x", k, d,
                    CovarianceType.FULL, BackendKind.CPU, Precision.DOUBLE, data.taskThreads, true, rows(data)));
            long f = System.nanoTime();
            emptyJob(sc, data.tasks.rdd());
            long h = System.nanoTime();
            emptyJob(sc, two);
            long i = System.nanoTime();
            SufficientStatistics[] out = new SufficientStatistics[split1.size()];
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Runnable worker = () -> {
                for (int q; (q = next.getAndIncrement()) < out.length; ) {
                    out[q] = split1.get(q).accumulate(g);
                }
            };
            java.util.concurrent.Future<?> fut = helper.submit(worker);
            worker.run();
            fut.get();
            for (int q = 1; q < out.length; q++) {
                new Messages.Stats(0, out[0], null).merge(new Messages.Stats(1, out[q], null));
            }
            long i2 = System.nanoTime();
            t[11][r] = (i2 - i) / 1e6;
            t[0][r] = (b - a) / 1e6;
            t[1][r] = (c - b) / 1e6;
            t[2][r] = (e - c) / 1e6;
            t[3][r] = (f - e) / 1e6;
            t[4][r] = (h - f) / 1e6;
            t[5][r] = (i - h) / 1e6;
            t[6][r] = (st.taskIn - st.submit) / 1e6;
            t[7][r] = (st.taskOut - st.taskIn) / 1e6;
            t[8][r] = (st.handler - st.taskOut) / 1e6;
            t[9][r] = (st.done - st.handler) / 1e6;
            long j0 = System.nanoTime();
            task.statsOf(parts.iterator());
            t[10][r] = (System.nanoTime() - j0) / 1e6;
        }
        int from = reps / 3; // the first third: warm-up
        StringBuilder sb = new StringBuilder("TL medians (ms) of reps " + from + ".." + (reps - 1) + ":");
        for (int j = 0; j < 12; j++) {
            {
            double[] x = Arrays.copyOfRange(t[j], from, reps);
            Arrays.sort(x);
            sb.append(String.format(Locale.ROOT, "%n  %-18s median %.2f  min %.2f", names[j], x[x.length / 2], x[0]));
        }
        }
        System.out.println(sb);
        pass.close();
        spark.stop();
    }

    /** @return where the packed partitions lie, inline, for a task function made here */
    static SparkPass.Rows rows(PackedData data) {
        return new SparkPass.Rows(data.rows, data.meanWeight(), data.offsets(), null);
    }

    /** @return the n × d rows of x as a DataFrame of one vector column "features" (as SparkBench.frame) */
    static Dataset<Row> frame(SparkSession spark, double[] x, int n, int d, int parts) {
        org.apache.spark.broadcast.Broadcast<double[]> b = org.apache.spark.api.java.JavaSparkContext
                .fromSparkContext(spark.sparkContext()).broadcast(x);
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);
        return spark.range(0, n, 1, parts).map((org.apache.spark.api.java.function.MapFunction<Long, Row>) i -> {
            double[] r = new double[d];
            System.arraycopy(b.value(), (int) (long) i * d, r, 0, d);
            return org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(r));
        }, org.apache.spark.sql.Encoders.row(schema));
    }

    /** @return CPU ticks (utime + stime, 10 ms) of this process's threads, summed by name without digits */
    static java.util.Map<String, Long> threadTicks() throws java.io.IOException {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path dir : (Iterable<java.nio.file.Path>) dirs::iterator) {
                String stat;
                try {
                    stat = java.nio.file.Files.readString(dir.resolve("stat"));
                } catch (java.io.IOException e) {
                    continue;
                }
                int open = stat.indexOf('('), close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "#").replace(' ', '_');
                String[] f = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                m.merge(name, ticks, Long::sum);
            }
        }
        return m;
    }

    static final class Stamps {
        long submit;
        volatile long taskIn;
        volatile long taskOut;
        long handler;
        long done;
        long bytes;
    }

    /** Static: the task function is deserialised from the task binary, so it reports through the shared JVM. */
    static volatile Stamps current;

    static final class Stamped extends AbstractFunction2<TaskContext, scala.collection.Iterator<PackedPartition>,
            Messages.Stats[]> implements java.io.Serializable {
        private final SparkPass.TaskPass task;

        Stamped(SparkPass.TaskPass task) {
            this.task = task;
        }

        @Override
        public Messages.Stats[] apply(TaskContext context, scala.collection.Iterator<PackedPartition> it) {
            current.taskIn = System.nanoTime();
            Messages.Stats[] out = task.apply(context, it);
            current.taskOut = System.nanoTime();
            return out;
        }
    }

    static Stamps stamped(SparkContext sc, PackedData data, SparkPass.TaskPass task) {
        Stamps s = new Stamps();
        current = s;
        int tasks = data.tasks.getNumPartitions();
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(i);
        }
        s.submit = System.nanoTime();
        sc.runJob(data.tasks.rdd(), new Stamped(task), CollectionConverters.asScala(ids).toSeq(),
                new AbstractFunction2<Object, Messages.Stats[], BoxedUnit>() {
                    @Override
                    public BoxedUnit apply(Object i, Messages.Stats[] r) {
                        s.handler = System.nanoTime();
                        return BoxedUnit.UNIT;
                    }
                }, ClassTag$.MODULE$.apply(Messages.Stats[].class));
        s.done = System.nanoTime();
        return s;
    }

    static final class Nothing extends AbstractFunction2<TaskContext, scala.collection.Iterator<PackedPartition>,
            Integer> implements java.io.Serializable {
        @Override
        public Integer apply(TaskContext context, scala.collection.Iterator<PackedPartition> it) {
            return 0;
        }
    }

    static void emptyJob(SparkContext sc, RDD<PackedPartition> rdd) {
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < rdd.getNumPartitions(); i++) {
            ids.add(i);
        }
        sc.runJob(rdd, new Nothing(), CollectionConverters.asScala(ids).toSeq(),
                new AbstractFunction2<Object, Integer, BoxedUnit>() {
                    @Override
                    public BoxedUnit apply(Object i, Integer r) {
                        return BoxedUnit.UNIT;
                    }
                }, ClassTag$.MODULE$.apply(Integer.class));
    }
}
