package org.emgmm.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.emgmm.em.Initializer;

/**
 * A DataFrame's feature (and weight) columns packed once per partition into {@link PackedPartition}s, cached
 * (memory and disk) with their lineage cut, and what the driver knows of them: rows, features, total weight and each partition's first
 * global row. Packing checks every value; the first bad one is reported before any iteration.
 */
final class PackedData implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PackedData.class);
    /** One packed partition per partition of the input. */
    final JavaRDD<PackedPartition> rdd;
    /**
     * The packed partitions grouped (a {@code coalesce} without shuffle, which groups partitions cached on the same
     * executor) into the tasks of an iteration's job, as {@link #layout} chose: what an iteration's job runs over,
     * each task passing over its packed partitions one after the other. Spark's cost per task (launch, closure,
     * result) is then paid once per task rather than once per input partition.
     */
    final JavaRDD<PackedPartition> tasks;
    /** Threads of emgmm's CPU backend in each task, or 0 for the task's own cores ({@code spark.task.cpus}). */
    final int taskThreads;
    /** The layout of an iteration's tasks, in words (for logs and the model's device line). */
    final String layout;
    final long rows;
    final int dims;
    final double weightSum;
    final boolean weighted;
    private final long[] offsets;

    private PackedData(JavaRDD<PackedPartition> rdd, int maxTasks, long rows, int dims, double weightSum,
                       boolean weighted, long[] offsets) {
        this.rdd = rdd;
        org.apache.spark.SparkContext sc = rdd.context();
        int slots = taskSlots(sc);
        int executors = executors(sc);
        int cpus = Math.max(1, sc.conf().getInt("spark.task.cpus", 1));
        int executorCores = executorCores(sc, executors);
        boolean gpus = sc.conf().contains("spark.task.resource.gpu.amount");
        int count;
        if (maxTasks > 0) {
            count = maxTasks;
            taskThreads = 0;
        } else if (perExecutor(rows, dims, slots, executorCores, cpus, gpus)) {
            count = executors;
            taskThreads = executorCores;
        } else {
            count = slots;
            taskThreads = 0;
        }
        this.tasks = offsets.length > count ? rdd.coalesce(count, false) : rdd;
        int n = Math.min(count, offsets.length);
        int threads = taskThreads > 0 ? taskThreads : cpus;
        this.layout = n + (n == 1 ? " task of " : " tasks of ") + threads + (threads == 1 ? " thread" : " threads");
        this.rows = rows;
        this.dims = dims;
        this.weightSum = weightSum;
        this.weighted = weighted;
        this.offsets = offsets;
    }

    /**
     * Rows × features per task slot below which an iteration runs one task per executor, with emgmm's CPU backend
     * on all the executor's cores, instead of one task per slot: 2^24, i.e. about 1,050,000 rows of 16 features per
     * slot, a pass of up to ~0.5 s per core at K = 16 full. Below it Spark's fixed cost per task and per job (launch,
     * task binary, result, the scheduler's thread hand-offs; 15-20 ms a job in local mode on an idle machine) is a
     * visible part of an iteration, and one task per executor pays it once; above it that cost is negligible and
     * each core gets its own task, as Spark's scheduler expects ({@code spark.task.cpus}).
     */
    static final long PER_EXECUTOR_BELOW = 1L << 24;

    /**
     * Whether an iteration's job runs one task per executor, each running emgmm's CPU backend with the executor's
     * cores as threads, rather than one task per task slot: only when each slot's share of the data is small
     * ({@link #PER_EXECUTOR_BELOW}), an executor has more cores than a task ({@code spark.task.cpus}), and tasks
     * hold no GPUs (a task's GPU is its own). The statistics are the same bits either way: the packed partitions
     * are summed in partition order, and the CPU backend's pass gives the same bits at any thread count.
     *
     * @param rows rows in total
     * @param dims features
     * @param slots the cluster's task slots
     * @param executorCores cores of one executor
     * @param taskCpus {@code spark.task.cpus}
     * @param gpus whether tasks request GPUs ({@code spark.task.resource.gpu.amount})
     * @return true for one task per executor
     */
    static boolean perExecutor(long rows, int dims, int slots, int executorCores, int taskCpus, boolean gpus) {
        return !gpus && executorCores > taskCpus && rows * dims / Math.max(1, slots) < PER_EXECUTOR_BELOW;
    }

    /** The cores of a local master: N in local[N] or local[N, F], * in local[*]. */
    private static final java.util.regex.Pattern LOCAL_CORES = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)");

    /**
     * Cores of one executor: {@code spark.executor.cores} when set, else in local mode N of {@code local[N]} (all
     * processors for {@code local[*]}), else the default parallelism shared among the executors.
     *
     * @param sc the context
     * @param executors executors of the application
     * @return at least 1
     */
    static int executorCores(org.apache.spark.SparkContext sc, int executors) {
        int set = sc.conf().getInt("spark.executor.cores", 0);
        if (set > 0) {
            return set;
        }
        if (sc.isLocal()) {
            java.util.regex.Matcher m = LOCAL_CORES.matcher(sc.master());
            if (m.lookingAt()) {
                return "*".equals(m.group(1)) ? Runtime.getRuntime().availableProcessors()
                        : Math.max(1, Integer.parseInt(m.group(1)));
            }
            return 1;
        }
        return Math.max(1, sc.defaultParallelism() / executors);
    }

    /**
     * @param sc the context
     * @return executors of the application: 1 in local mode, else those registered (the driver not counted)
     */
    static int executors(org.apache.spark.SparkContext sc) {
        if (sc.isLocal()) {
            return 1;
        }
        return Math.max(1, sc.statusTracker().getExecutorInfos().length - 1);
    }

    /**
     * Packs and checks.
     *
     * @param df the data (columns already checked by {@link Schemas#checkInputs})
     * @param featuresCol features column
     * @param weightCol weight column or null
     * @param asFloat store features as float (precision float)
     * @param maxTasks tasks per pass at most (each on {@code spark.task.cpus} threads), or 0 to choose ({@link
     *     #perExecutor}: one task per executor on its cores, or one per task slot)
     * @return the packed, cached data
     * @throws IllegalArgumentException naming column, partition and row of the first bad value, or for empty data
     */
    static PackedData pack(Dataset<?> df, String featuresCol, String weightCol, boolean asFloat, int maxTasks) {
        Column[] cols = weightCol == null ? new Column[] {functions.col(featuresCol)}
                : new Column[] {functions.col(featuresCol), functions.col(weightCol).cast("double")};
        JavaRDD<Row> rows = df.select(cols).toJavaRDD();
        JavaRDD<PackedPartition> packed = rows.mapPartitionsWithIndex((index, it) ->
                List.of(PackedPartition.pack(index, it, featuresCol, weightCol, asFloat)).iterator(), true);
        packed.persist(StorageLevel.MEMORY_AND_DISK());
        cutLineage(packed);
        List<PackedPartition.Summary> sums;
        try {
            sums = new ArrayList<>(packed.map(PackedPartition.Summary::new).collect());
        } catch (RuntimeException e) {
            packed.unpersist(false);
            throw e;
        }
        sums.sort(Comparator.comparingInt(s -> s.index));
        try {
            return summarise(packed, maxTasks, sums, featuresCol, weightCol);
        } catch (RuntimeException e) {
            packed.unpersist(false);
            throw e;
        }
    }

    /**
     * Cuts the packed partitions' lineage (the query plan that made the rows), which every iteration's task binary
     * would otherwise carry, where that keeps the fit fault tolerant: with a checkpoint directory
     * ({@code SparkContext.setCheckpointDir}) the packed partitions are written there on the first pass (an executor
     * lost later is recovered from it); in local mode, where no executor can be lost without the driver, they are
     * checkpointed in the cache only ({@code localCheckpoint}). On a cluster without a checkpoint directory the
     * lineage is kept (an executor lost during the fit has its partitions recomputed from the input, and the fit
     * goes on), with a warning that says how to cut it.
     *
     * @param packed the persisted packed partitions
     * @return how, in words: "checkpoint", "local checkpoint" or "lineage kept"
     */
    static String cutLineage(JavaRDD<PackedPartition> packed) {
        org.apache.spark.SparkContext sc = packed.context();
        if (sc.getCheckpointDir().isDefined()) {
            packed.checkpoint();
            return "checkpoint";
        }
        if (sc.isLocal()) {
            packed.rdd().localCheckpoint();
            return "local checkpoint";
        }
        LOG.warn("emgmm-spark: no checkpoint directory is set, so every EM iteration's tasks carry the input's whole "
                + "lineage (an executor lost during the fit has its partitions recomputed from the input). Set one "
                + "with SparkContext.setCheckpointDir(\"hdfs:///...\") to cut the lineage after the first pass and "
                + "recover from the checkpoint.");
        return "lineage kept";
    }

    private static PackedData summarise(JavaRDD<PackedPartition> packed, int maxTasks,
                                        List<PackedPartition.Summary> sums, String featuresCol, String weightCol) {
        long n = 0;
        int d = -1;
        int dFrom = -1;
        double wsum = 0;
        long[] offsets = new long[sums.size()];
        for (PackedPartition.Summary s : sums) {
            if (s.error != null) {
                throw new IllegalArgumentException(s.error);
            }
            offsets[s.index] = n;
            if (s.rows > 0) {
                if (d < 0) {
                    d = s.dims;
                    dFrom = s.index;
                } else if (s.dims != d) {
                    throw new IllegalArgumentException("mixed vector lengths in column '" + featuresCol + "': "
                            + s.dims + " values at partition " + s.index + ", row 0, " + d + " at partition " + dFrom
                            + ", row 0");
                }
            }
            n += s.rows;
            wsum += s.weightSum;
        }
        if (n == 0) {
            throw new IllegalArgumentException("empty data: no rows in column '" + featuresCol + "'");
        }
        if (weightCol != null && !(wsum > 0)) {
            throw new IllegalArgumentException("sample weights in column '" + weightCol + "' are all zero");
        }
        return new PackedData(packed, maxTasks, n, d, wsum, weightCol != null, offsets);
    }

    /**
     * Tasks that can run at once: Spark's default parallelism (the executors' cores in total, or
     * {@code spark.default.parallelism} when set) divided by {@code spark.task.cpus}.
     *
     * @param sc the context
     * @return at least 1
     */
    static int taskSlots(org.apache.spark.SparkContext sc) {
        int cpus = Math.max(1, sc.conf().getInt("spark.task.cpus", 1));
        return Math.max(1, sc.defaultParallelism() / cpus);
    }

    /** @return each packed partition's first row's global index (a copy) */
    long[] offsets() {
        return offsets.clone();
    }

    /**
     * @return the mean sample weight Σω / N (1 without weights), as the CPU backend's single-machine pass takes it
     *     (the same sum in row order with one partition)
     */
    double meanWeight() {
        return weighted ? weightSum / rows : 1.0;
    }

    /** @return the number of Spark partitions */
    int partitions() {
        return offsets.length;
    }

    /**
     * The core's initialiser over the same rows a single-machine fit of the same data (rows in partition order)
     * would draw: the rows the core's sampling asks for are fetched from the partitions, so the start equals the
     * single-machine one. They are fetched (one Spark job) when the initialiser first reads its sample, as the
     * core's initialiser draws it: a fit from a complete start (an initial model) fetches nothing unless a
     * component collapses.
     *
     * @param seed random seed
     * @return the initialiser
     */
    Initializer initializer(long seed) {
        return new Initializer(new FetchedRows.Served(rows, dims, weighted, () -> fetchSample(seed)), seed);
    }

    /** @return the rows the core's initialiser of this seed reads, fetched from the partitions, by global row */
    private Map<Long, PackedPartition.SampledRow> fetchSample(long seed) {
        FetchedRows.Recorder rec = new FetchedRows.Recorder(rows, dims, weighted);
        new Initializer(rec, seed).draw();
        long[] wanted = rec.wanted();
        Broadcast<long[]> b = JavaSparkContext.fromSparkContext(rdd.context()).broadcast(wanted);
        long[] off = offsets;
        List<PackedPartition.SampledRow> got = rdd.flatMap(p -> p.rowsAt(off[p.index], b.value()).iterator())
                .collect();
        b.destroy();
        TreeMap<Long, PackedPartition.SampledRow> byRow = new TreeMap<>();
        for (PackedPartition.SampledRow r : got) {
            byRow.put(r.row, r);
        }
        return byRow;
    }

    @Override
    public void close() {
        rdd.unpersist(false);
    }
}
