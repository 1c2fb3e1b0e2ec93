package org.emgmm.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * One EM pass over a cluster, as a core {@link Pass}, so the core's {@link org.emgmm.em.EmLoop} runs unchanged:
 * one Spark job per iteration. The parameters travel in the job's closure (which Spark broadcasts once per job with
 * the task binary) or, above {@link #CLOSURE_LIMIT} bytes, in a broadcast of their own; there is one task per
 * executor (on the executor's cores) or one per task slot ({@link PackedData#perExecutor}), each running emgmm's
 * backend pass over its cached packed partitions one after the other and returning one {@link SufficientStatistics}
 * per packed partition; the packed partitions' statistics are added in partition order (directly on the driver up
 * to {@link #FAN_IN} partitions, else first in groups of consecutive partitions on the executors), so the sum
 * depends neither on which task finishes first nor on how partitions are grouped into tasks. Never N×K: a task
 * holds its partitions and one set of statistics per partition.
 */
final class SparkPass implements Pass {
    /** Up to this many partial sums are added on the driver; more are first added in groups on the executors. */
    static final int FAN_IN = 64;
    /**
     * Parameters up to this many doubles (512 KiB, under Spark's 1000 KiB warning for a task binary; K=16 full up to
     * D=63) go in the job's closure; larger ones in a broadcast of their own, created and destroyed each iteration.
     */
    static final int CLOSURE_LIMIT = 1 << 16;
    /** Spark's local properties that name a job's call site ({@code org.apache.spark.util.CallSite}). */
    private static final String CALL_SITE_SHORT = "callSite.short";
    private static final String CALL_SITE_LONG = "callSite.long";

    private final PackedData data;
    private final int k;
    private final CovarianceType type;
    private final BackendKind backend;
    private final Precision precision;
    private final String fitId = UUID.randomUUID().toString();
    private final TreeSet<String> backends = new TreeSet<>();
    private final int fanIn;
    /** The partitions' first global rows, broadcast once per fit when there are more than {@link #fanIn}. */
    private Broadcast<long[]> offsets;

    /**
     * @param data packed, cached data
     * @param k components
     * @param type covariance type
     * @param backend backend param of the tasks
     * @param precision precision param
     * @param fanIn partial sums added on the driver at most ({@link #FAN_IN}; smaller in tests)
     */
    SparkPass(PackedData data, int k, CovarianceType type, BackendKind backend, Precision precision, int fanIn) {
        this.data = data;
        this.k = k;
        this.type = type;
        this.backend = backend;
        this.precision = precision;
        this.fanIn = Math.max(2, fanIn);
    }

    @Override
    public SufficientStatistics accumulate(Gaussians params) {
        Messages.Params message = new Messages.Params(params);
        Broadcast<Messages.Params> b = message.size() <= CLOSURE_LIMIT ? null
                : JavaSparkContext.fromSparkContext(data.rdd.context()).broadcast(message);
        try {
            boolean direct = data.partitions() <= fanIn;
            if (!direct && offsets == null) {
                offsets = JavaSparkContext.fromSparkContext(data.rdd.context()).broadcast(data.offsets());
            }
            TaskPass task = new TaskPass(b == null ? message : null, b, fitId, k, data.dims, type, backend, precision,
                    data.taskThreads, direct, new Rows(data.rows, data.meanWeight(), direct ? data.offsets() : null,
                            offsets));
            Messages.Stats total = direct ? runInOrder(task)
                    : sumInOrder(data.tasks.mapPartitions(it -> Arrays.asList(task.statsOf(it)).iterator(), true),
                            data.partitions(), fanIn);
            backends.addAll(total.backends);
            return total.toStatistics();
        } finally {
            if (b != null) {
                b.destroy();
            }
        }
    }

    /**
     * One job of one task per Spark partition of {@link PackedData#tasks}, through {@code SparkContext.runJob}
     * with the task function itself (no RDD of its own per iteration), and the packed partitions' statistics added
     * in partition order on the driver. Spark's {@code ClosureCleaner} reads with ASM the class file of every Scala
     * closure a job is given ({@code JavaRDD.mapPartitions} and {@code collect} wrap theirs in two, declared in
     * Spark's largest classes); a {@link TaskPass} is a named class, which it leaves alone. The job's call site is
     * set rather than found by walking the driver's stack.
     */
    private Messages.Stats runInOrder(TaskPass task) {
        SparkContext sc = data.rdd.context();
        int tasks = data.tasks.getNumPartitions();
        List<Object> ids = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            ids.add(i);
        }
        Messages.Stats[][] results = new Messages.Stats[tasks][];
        String shortForm = sc.getLocalProperty(CALL_SITE_SHORT);
        String longForm = sc.getLocalProperty(CALL_SITE_LONG);
        sc.setLocalProperty(CALL_SITE_SHORT, "emgmm EM pass");
        sc.setLocalProperty(CALL_SITE_LONG, "emgmm EM pass over " + data.partitions() + " packed partitions (fit "
                + fitId + ")");
        try {
            sc.runJob(data.tasks.rdd(), task, CollectionConverters.asScala(ids).toSeq(), new Collect(results),
                    ClassTag$.MODULE$.apply(Messages.Stats[].class));
        } finally {
            sc.setLocalProperty(CALL_SITE_SHORT, shortForm);
            sc.setLocalProperty(CALL_SITE_LONG, longForm);
        }
        List<Messages.Stats> all = new ArrayList<>();
        for (Messages.Stats[] r : results) {
            all.addAll(List.of(r));
        }
        return mergeSorted(all);
    }

    /**
     * Where the packed partitions lie in the whole data, for {@link TaskChunks}: N, the mean sample weight (the CPU
     * backend's Σω / N) and each partition's first global row, inline (up to {@link #FAN_IN} partitions) or in a
     * broadcast made once per fit. Read by a task only when it prepares its pass (the first iteration).
     */
    static final class Rows implements Serializable {
        private static final long serialVersionUID = 1L;
        final long total;
        final double meanWeight;
        private final long[] offsets;
        private final Broadcast<long[]> broadcast;

        Rows(long total, double meanWeight, long[] offsets, Broadcast<long[]> broadcast) {
            this.total = total;
            this.meanWeight = meanWeight;
            this.offsets = offsets;
            this.broadcast = broadcast;
        }

        /** @param partition a packed partition's index @return its first row's global index */
        long offset(int partition) {
            return (offsets != null ? offsets : broadcast.value())[partition];
        }
    }

    /**
     * What a task runs: emgmm's prepared pass over its packed partitions, one {@link Messages.Stats} per packed
     * partition. The parameters travel inside it (in the job's task binary) or in a broadcast. On the CPU backend
     * the task's partitions are one grouped pass of the backend's threads, chunked on the whole data's chunk grid
     * ({@link TaskChunks}); other backends pass over each partition in turn.
     *
     * <p>With {@code foldPrefix} (only where the driver itself adds all the task results in partition order, {@link
     * #runInOrder}) a task that holds packed partitions 0, 1, ..., m-1 adds them itself, in that order, and returns
     * one {@link Messages.Stats}: the same additions in the same order as the driver's, so the same bits, with a
     * task result one m-th the size (in local mode and with one task per executor: one set of statistics instead of
     * one per partition, 35 KB instead of 140 KB at K=16, D=16 full, serialised by the task, deserialised on the
     * driver). Any other task's partitions are returned one by one: folding them in the task would change the
     * order of the driver's additions.
     */
    static final class TaskPass extends AbstractFunction2<TaskContext, scala.collection.Iterator<PackedPartition>,
            Messages.Stats[]> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Messages.Params params;
        private final Broadcast<Messages.Params> broadcast;
        private final String fitId;
        private final int k;
        private final int d;
        private final CovarianceType type;
        private final BackendKind backend;
        private final Precision precision;
        private final int threads;
        private final boolean foldPrefix;
        private final Rows rows;

        TaskPass(Messages.Params params, Broadcast<Messages.Params> broadcast, String fitId, int k, int d,
                 CovarianceType type, BackendKind backend, Precision precision, int threads, boolean foldPrefix,
                 Rows rows) {
            this.params = params;
            this.broadcast = broadcast;
            this.fitId = fitId;
            this.k = k;
            this.d = d;
            this.type = type;
            this.backend = backend;
            this.precision = precision;
            this.threads = threads;
            this.foldPrefix = foldPrefix;
            this.rows = rows;
        }

        @Override
        public Messages.Stats[] apply(TaskContext context, scala.collection.Iterator<PackedPartition> it) {
            return statsOf(CollectionConverters.asJava(it));
        }

        /**
         * @param it a task's packed partitions
         * @return their statistics in partition order, or (with {@code foldPrefix}, for partitions 0..m-1) their sum
         */
        Messages.Stats[] statsOf(Iterator<PackedPartition> it) {
            Messages.Params ps = params != null ? params : broadcast.value();
            List<PackedPartition> parts = new ArrayList<>();
            it.forEachRemaining(parts::add);
            parts.sort(Comparator.comparingInt(p -> p.index));
            Backend b = parts.isEmpty() ? null : TaskBackends.taskBackend(backend, precision, threads);
            List<Messages.Stats> out = new ArrayList<>();
            if (b instanceof CpuBackend cpu) {
                out.addAll(grouped(parts, ps, cpu));
            } else {
                for (PackedPartition p : parts) {
                    out.add(partition(p, ps, fitId, k, d, type, b));
                }
            }
            if (foldPrefix) {
                if (prefix(out)) {
                    return new Messages.Stats[] {mergeSorted(out)};
                }
            }
            return out.toArray(new Messages.Stats[0]);
        }

        /**
         * One grouped pass of the CPU backend over the task's partitions that hold rows of positive weight.
         *
         * @param parts the task's partitions, by index
         * @return their statistics, in the same order
         */
        private List<Messages.Stats> grouped(List<PackedPartition> parts, Messages.Params ps, CpuBackend cpu) {
            List<PackedPartition> used = new ArrayList<>();
            StringBuilder key = new StringBuilder();
            for (PackedPartition p : parts) {
                if (p.contributes()) {
                    used.add(p);
                    key.append(p.index).append(',');
                }
            }
            SufficientStatistics[] st = new SufficientStatistics[0];
            String description = TaskBackends.describe(cpu);
            if (!used.isEmpty()) {
                CpuBackend.GroupedPass pass = TaskBackends.grouped(fitId, key.toString(), cpu, c -> {
                    long[] from = new long[used.size()];
                    int[] n = new int[used.size()];
                    List<org.emgmm.data.Dataset> sets = new ArrayList<>();
                    for (int i = 0; i < used.size(); i++) {
                        from[i] = rows.offset(used.get(i).index);
                        n[i] = used.get(i).rows;
                        sets.add(used.get(i).dataset());
                    }
                    TaskChunks chunks = TaskChunks.of(rows.total, from, n);
                    return c.prepareGrouped(new TaskChunks.Concatenated(sets), k, type, chunks.chunkStart,
                            chunks.groupStart, rows.meanWeight);
                });
                st = pass.accumulateGroups(ps.gaussians());
            }
            List<Messages.Stats> out = new ArrayList<>();
            int u = 0;
            for (PackedPartition p : parts) {
                out.add(p.contributes() ? new Messages.Stats(p.index, st[u++], description)
                        : new Messages.Stats(p.index, new SufficientStatistics(k, d, type), null));
            }
            return out;
        }
    }

    /**
     * @param sorted one task's per-partition statistics, sorted by partition
     * @return whether they are those of partitions 0, 1, ..., size-1 (their sum in order is then the driver's first
     *     additions)
     */
    static boolean prefix(List<Messages.Stats> sorted) {
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).index != i) {
                return false;
            }
        }
        return !sorted.isEmpty();
    }

    /** The job's result handler (on the driver): each task's statistics into its slot. */
    private static final class Collect extends AbstractFunction2<Object, Messages.Stats[], BoxedUnit> {
        private final Messages.Stats[][] results;

        Collect(Messages.Stats[][] results) {
            this.results = results;
        }

        @Override
        public BoxedUnit apply(Object task, Messages.Stats[] stats) {
            results[(Integer) task] = stats;
            return BoxedUnit.UNIT;
        }
    }

    /** @return the backends the tasks used so far, in words */
    List<String> backends() {
        return new ArrayList<>(backends);
    }

    private static Messages.Stats partition(PackedPartition p, Messages.Params params, String fitId, int k, int d,
                                            CovarianceType type, Backend backend) {
        if (!p.contributes()) {
            return new Messages.Stats(p.index, new SufficientStatistics(k, d, type), null);
        }
        TaskBackends.Prepared prepared = TaskBackends.pass(fitId, p.index, p.dataset(), k, type, backend);
        SufficientStatistics st = prepared.accumulate(params.gaussians());
        return new Messages.Stats(p.index, st, prepared.description);
    }

    /**
     * Adds per-partition statistics in partition order.
     *
     * @param per one element per packed partition
     * @param parts number of packed partitions
     * @param fanIn most partial sums added on the driver
     * @return the total
     */
    static Messages.Stats sumInOrder(JavaRDD<Messages.Stats> per, int parts, int fanIn) {
        List<Messages.Stats> partial;
        if (parts <= fanIn) {
            partial = per.collect();
        } else {
            int groupSize = (parts + fanIn - 1) / fanIn;
            int groups = (parts + groupSize - 1) / groupSize;
            partial = per.mapToPair(s -> new Tuple2<>(s.index / groupSize, s)).groupByKey(groups)
                    .map(g -> mergeSorted(g._2())).collect();
        }
        return mergeSorted(partial);
    }

    private static Messages.Stats mergeSorted(Iterable<Messages.Stats> in) {
        List<Messages.Stats> list = new ArrayList<>();
        in.forEach(list::add);
        list.sort(Comparator.comparingInt(s -> s.index));
        Messages.Stats total = list.get(0);
        for (int i = 1; i < list.size(); i++) {
            total.merge(list.get(i));
        }
        return total;
    }

    /** Releases the prepared passes of this fit on the executors that hold the cached partitions. */
    @Override
    public void close() {
        String id = fitId;
        data.tasks.foreachPartition(it -> TaskBackends.release(id));
        if (offsets != null) {
            offsets.destroy();
        }
    }
}
