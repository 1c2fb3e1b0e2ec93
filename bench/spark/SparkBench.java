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
 * single-machine emgmm CPU backend, full covariance, time per EM iteration. emgmm's two fits report each iteration's
 * time (the pass and the M step; for Spark the whole job) to a listener: the median of iterations LOW+1..HIGH of a
 * fit after an untimed warm-up fit. MLlib's iterations are timed by difference: (fit at its high count − fit at its
 * low count) / the difference, tol 0, after an untimed warm-up fit at the low count, so its initialisation and
 * caching cancel. Also prints Spark's own latency: the median time of a job of one trivial task per partition.
 * Arguments: N D K PARTITIONS [LOW HIGH for emgmm] [LOW HIGH for MLlib].
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
        SparkSession spark = SparkSession.builder().master("local[2]").appName("emgmm-spark bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        ArrayDataset data = SyntheticMixture.generate(n, d, k, 1, false);
        Dataset<Row> df = frame(spark, data.doubleArray(), n, d, parts).cache();
        df.count();

        // Single machine, the CPU backend on both cores.
        GmmSettings.Builder s = GmmSettings.builder().k(k).covarianceType(CovarianceType.FULL).tol(0).seed(1)
                .maxIter(hi).backend(BackendKind.CPU).threads(2);
        double single = medianIteration(lo, listener -> new org.emgmm.GaussianMixture(s.build()).fit(data, listener));
        // emgmm on Spark.
        double sp = medianIteration(lo, listener -> new org.emgmm.spark.GaussianMixture().setK(k).setTol(0).setSeed(1)
                .setMaxIter(hi).setBackend("cpu").fit(df, listener));
        // Spark MLlib.
        double ml = perIteration(mlLo, mlLo, mlHi, it -> new GaussianMixture().setK(k).setTol(0).setSeed(1)
                .setMaxIter(it).fit(df));
        double job = emptyJob(spark, parts);
        System.out.printf(Locale.ROOT, "RESULT n=%d d=%d k=%d partitions=%d  emgmm-single-cpu %.4f s/iter  "
                        + "emgmm-spark %.4f s/iter  mllib %.4f s/iter  speedup-vs-mllib %.1fx  overhead-vs-single "
                        + "%.2fx  spark-empty-job %.4f s%n", n, d, k, parts, single, sp, ml, ml / sp, sp / single, job);
        spark.stop();
    }

    /**
     * emgmm reports each iteration's time (E step pass + M step) to its listener: after an untimed warm-up fit, the
     * median over the iterations after {@code skip} of a second fit.
     */
    private static double medianIteration(int skip, java.util.function.Consumer<FitListener> fit) {
        fit.accept(new FitListener() { });
        List<Double> t = new ArrayList<>();
        fit.accept(new FitListener() {
            @Override
            public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
                if (iteration > skip) {
                    t.add(nanos / 1e9);
                }
            }
        });
        t.sort(null);
        return t.get(t.size() / 2);
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

    /** Spark's own latency on this machine: the median time of a job of one trivial task per partition. */
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
