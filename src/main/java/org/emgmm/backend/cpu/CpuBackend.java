package org.emgmm.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.MultiPass;
import org.emgmm.backend.Pass;
import org.emgmm.backend.Scorer;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The pure-Java backend: one fused pass per EM iteration over a fixed partition of the rows into chunks of whole
 * blocks. The partition depends only on N, never on the thread count; each chunk is accumulated block by block by
 * one thread, and the chunks' statistics are merged in chunk order, so any number of threads gives the same bits.
 *
 * <p>Per block of {@value Kernel#BLOCK} samples (transposed to feature-major): log-densities of every component,
 * responsibilities by log-sum-exp with {@code exp} skipped below the normal range, then the weighted sums S0, S1, S2
 * about the current means over the samples whose responsibility is not 0 (Bishop, PRML §9.2.2; DESIGN.md). Memory
 * beyond the data: one kernel's O(B·(D + K) + K·D) scratch per thread, and O(K·D²) statistics per chunk in flight
 * (chunks are merged in order as they complete).
 *
 * <p>Arithmetic: the Vector API ({@code jdk.incubator.vector}) when the JVM has the module, otherwise plain Java;
 * the execution setting {@link ExecutionSettings#plainJava()} forces plain Java. {@link Precision#FLOAT} does
 * the per-sample arithmetic in float (data read as float) and finishes each block's partial sums in double.
 */
public final class CpuBackend implements Backend {
    /** At most this many chunks; the partition depends only on N. */
    static final int MAX_CHUNKS = 64;

    /**
     * The chunks a pass over n rows is cut into, the same for every pass over those rows (single- or multi-model):
     * up to {@link #MAX_CHUNKS} runs of whole blocks, as even as blocks allow; the chunks' statistics are merged in
     * chunk order, so the bits depend on n alone, not on the thread count.
     *
     * @param n rows
     * @return the chunk boundaries: chunk c is rows [start[c], start[c + 1])
     */
    public static long[] chunkStarts(long n) {
        long blocks = (n + Kernel.BLOCK - 1) / Kernel.BLOCK;
        int chunks = (int) Math.max(1, Math.min(MAX_CHUNKS, blocks));
        long[] start = new long[chunks + 1];
        for (int c = 0; c <= chunks; c++) {
            start[c] = Math.min(n, (blocks * c / chunks) * Kernel.BLOCK);
        }
        return start;
    }

    private final int threads;
    private final Precision precision;
    private final boolean vector;
    private final ExecutorService pool;

    /**
     * @param threads worker threads, at least 1 (0 means all available processors)
     * @param precision arithmetic precision of the per-sample pass
     */
    public CpuBackend(int threads, Precision precision) {
        this(threads, precision, vectorAvailable());
    }

    /**
     * @param threads worker threads (0 means all available processors)
     * @param precision arithmetic precision of the per-sample pass
     * @param vector whether to use the Vector API kernels (must be {@link #vectorAvailable() available}); false
     *     runs the plain-Java kernels, which give the same results within the precision's rounding
     * @throws IllegalStateException when {@code vector} is asked for and the JVM lacks the Vector API
     */
    public CpuBackend(int threads, Precision precision, boolean vector) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        if (vector && !vectorAvailable()) {
            throw new IllegalStateException("the Vector API (module jdk.incubator.vector) is not in this JVM");
        }
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.precision = precision;
        this.vector = vector;
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "emgmm-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @return whether this JVM has the Vector API module ({@code --add-modules jdk.incubator.vector}); checked
     *     without loading any of its classes
     */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return "CPU, " + threads + (threads == 1 ? " thread" : " threads")
                + (vector ? ", Vector API " + VectorHolder.describe() : ", plain Java");
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /** @return the number of worker threads */
    public int threads() {
        return threads;
    }

    /** @return whether the Vector API kernels are in use */
    public boolean vectorized() {
        return vector;
    }

    @Override
    public Pass prepare(Dataset data, int k, CovarianceType type) {
        if (data == null || type == null) {
            throw new IllegalArgumentException("data and covariance type must not be null");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return new CpuPass(data, k, type);
    }

    /**
     * A pass over chunks the caller chooses, giving the statistics of consecutive groups of chunks: for callers that
     * add the statistics of parts of their data in an order of their own (emgmm-spark: a task's packed partitions,
     * chunked on the whole data's {@link #chunkStarts} grid, so the bits depend neither on how partitions are
     * grouped into tasks nor on the thread count). One call runs every chunk of every group on this backend's
     * threads at once; group g's statistics are its chunks' merged in chunk order. One group of {@code
     * chunkStarts(data.rows())} chunks with the data's mean weight is {@link #prepare}'s pass, bit for bit.
     *
     * @param data the rows
     * @param k number of components
     * @param type covariance type
     * @param chunkStart chunk c is rows {@code [chunkStart[c], chunkStart[c + 1])}: strictly increasing, from 0 to
     *     {@code data.rows()}
     * @param groupStart group g is chunks {@code [groupStart[g], groupStart[g + 1])}: strictly increasing, from 0 to
     *     the number of chunks
     * @param meanWeight the mean sample weight the pass assumes (1 without weights; it scales the responsibility
     *     below which a component's share of a sample is dropped)
     * @return the pass
     */
    public GroupedPass prepareGrouped(Dataset data, int k, CovarianceType type, long[] chunkStart, int[] groupStart,
                                      double meanWeight) {
        if (data == null || type == null || chunkStart == null || groupStart == null) {
            throw new IllegalArgumentException("data, covariance type, chunks and groups must not be null");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        checkBounds(chunkStart, data.rows(), "chunk starts");
        checkBounds(java.util.Arrays.stream(groupStart).asLongStream().toArray(), chunkStart.length - 1,
                "group starts");
        if (!(meanWeight > 0) || Double.isInfinite(meanWeight)) {
            throw new IllegalArgumentException("mean weight must be finite and positive, got " + meanWeight);
        }
        return new CpuPass(data, k, type, chunkStart.clone(), groupStart.clone(), meanWeight);
    }

    private static void checkBounds(long[] starts, long end, String what) {
        boolean ok = starts.length >= 2 && starts[0] == 0 && starts[starts.length - 1] == end;
        for (int i = 1; ok && i < starts.length; i++) {
            ok = starts[i] > starts[i - 1];
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " must increase strictly from 0 to " + end + ", got "
                    + java.util.Arrays.toString(starts));
        }
    }

    /** {@link #prepareGrouped}'s pass: one E step over every chunk, the statistics of each group of chunks. */
    public interface GroupedPass extends AutoCloseable {
        /**
         * @param params current parameters; their means are the shifts of the returned statistics
         * @return each group's statistics, in group order
         */
        SufficientStatistics[] accumulateGroups(Gaussians params);

        /** Releases the pass's kernels. */
        @Override
        void close();
    }

    /**
     * The scoring pass on this backend's threads and kernels (Vector API or plain Java, in its precision).
     *
     * @param data the samples
     * @param k number of components
     * @param type covariance type
     * @return the scorer; closing it leaves this backend open
     */
    @Override
    public Scorer scorer(Dataset data, int k, CovarianceType type) {
        if (data == null || type == null) {
            throw new IllegalArgumentException("data and covariance type must not be null");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        boolean f = precision == Precision.FLOAT;
        return new CpuScorer(data, k, type, f && vector, pool, threads,
                () -> vector ? VectorHolder.createScore(data, k, f) : new ScalarScoreKernel(data, k, f));
    }

    /**
     * Several models' passes in one read of the data: per chunk of rows (the same chunks as {@link #prepare}'s
     * pass), every model's kernel runs on each block while the block is in cache; each model's statistics are the
     * same bits as its own pass gives ({@link CpuMultiPass}).
     *
     * @param data the samples
     * @return the multi-model pass
     */
    @Override
    public MultiPass prepareMulti(Dataset data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return new CpuMultiPass(this, data);
    }

    /** @return the worker pool, or null with one thread (for {@link CpuMultiPass}) */
    ExecutorService pool() {
        return pool;
    }

    /**
     * @return a new kernel of this backend's kind and precision for parameters of {@code type}'s kind (for
     *     {@link CpuMultiPass} and the warm-up)
     */
    Kernel kernel(Dataset data, int k, CovarianceType type) {
        return newKernel(data, k, type);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** The Vector API kernel of the type's kind, or the plain-Java kernel (one class serves every type). */
    private Kernel newKernel(Dataset data, int k, CovarianceType type) {
        boolean f = precision == Precision.FLOAT;
        if (vector) {
            return VectorHolder.create(data, k, type, f);
        }
        return f ? new ScalarFloatKernel(data, k) : new ScalarDoubleKernel(data, k);
    }

    /**
     * Holds the Vector API kernels' factory, found by {@link ServiceLoader} on first use (only when {@code vector}
     * is on, i.e. the JVM has the module), so a JVM without the module never loads a class that names it.
     */
    private static final class VectorHolder {
        private static final KernelFactory FACTORY = ServiceLoader.load(KernelFactory.class,
                CpuBackend.class.getClassLoader()).findFirst().orElseThrow(() ->
                new IllegalStateException("the Vector API kernels are not part of this build"));

        static Kernel create(Dataset data, int k, CovarianceType type, boolean f) {
            return FACTORY.create(data, k, type, f);
        }

        static ScoreKernel createScore(Dataset data, int k, boolean f) {
            return FACTORY.createScore(data, k, f);
        }

        static String describe() {
            return FACTORY.describe();
        }
    }

    private final class CpuPass implements Pass, GroupedPass {
        private final Dataset data;
        private final int k;
        private final CovarianceType type;
        private final long[] chunkStart;
        /** Group g is chunks [groupStart[g], groupStart[g + 1]) ({@link #prepare}: one group of every chunk). */
        private final int[] groupStart;
        /** The data's mean sample weight (1 without weights), for {@link Params#meanWeight}. */
        private final double meanWeight;
        private final ConcurrentLinkedQueue<Kernel> kernels = new ConcurrentLinkedQueue<>();

        CpuPass(Dataset data, int k, CovarianceType type) {
            this(data, k, type, chunkStarts(data.rows()), null, data.hasWeights() ? meanWeight(data) : 1.0);
        }

        CpuPass(Dataset data, int k, CovarianceType type, long[] chunkStart, int[] groupStart, double meanWeight) {
            this.data = data;
            this.k = k;
            this.type = type;
            long n = data.rows();
            this.chunkStart = chunkStart;
            this.groupStart = groupStart != null ? groupStart : new int[] {0, chunkStart.length - 1};
            this.meanWeight = meanWeight;
            if (Warmup.worthIt(n, data.dims(), k, type)) {
                Kernel kern = newKernel(data, k, type);
                Warmup.run(kern, vector, k, type, precision == Precision.FLOAT, meanWeight);
                kernels.add(kern);
            }
        }

        @Override
        public SufficientStatistics accumulate(Gaussians params) {
            return accumulateGroups(params)[0];
        }

        @Override
        public SufficientStatistics[] accumulateGroups(Gaussians params) {
            if (params.k != k || params.d != data.dims() || params.type != type) {
                throw new IllegalArgumentException("parameters of shape k=" + params.k + ", d=" + params.d + ", "
                        + params.type + " do not match the prepared pass (k=" + k + ", d=" + data.dims() + ", "
                        + type + ")");
            }
            Params p = new Params(params, precision == Precision.FLOAT, meanWeight);
            int chunks = chunkStart.length - 1;
            int groups = groupStart.length - 1;
            SufficientStatistics[] out = new SufficientStatistics[groups];
            if (pool == null || chunks == 1) {
                for (int g = 0; g < groups; g++) {
                    SufficientStatistics total = chunk(p, groupStart[g]);
                    for (int c = groupStart[g] + 1; c < groupStart[g + 1]; c++) {
                        total.merge(chunk(p, c));
                    }
                    out[g] = total;
                }
                return out;
            }
            List<Future<SufficientStatistics>> fs = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                final int cc = c;
                fs.add(pool.submit(() -> chunk(p, cc)));
            }
            try {
                // merged in chunk order as they complete, so only a few chunks' statistics are alive at once
                for (int g = 0; g < groups; g++) {
                    SufficientStatistics total = fs.get(groupStart[g]).get();
                    fs.set(groupStart[g], null);
                    for (int c = groupStart[g] + 1; c < groupStart[g + 1]; c++) {
                        total.merge(fs.get(c).get());
                        fs.set(c, null);
                    }
                    out[g] = total;
                }
                return out;
            } catch (InterruptedException e) {
                fs.forEach(f -> {
                    if (f != null) {
                        f.cancel(true);
                    }
                });
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during the E step", e);
            } catch (ExecutionException e) {
                fs.forEach(f -> {
                    if (f != null) {
                        f.cancel(true);
                    }
                });
                throw Backends.unchecked(e.getCause());
            }
        }

        private SufficientStatistics chunk(Params p, int c) {
            SufficientStatistics st = new SufficientStatistics(k, data.dims(), type);
            Kernel kern = kernels.poll();
            if (kern == null) {
                kern = newKernel(data, k, type);
            }
            try {
                kern.run(p, chunkStart[c], chunkStart[c + 1], st);
            } finally {
                kernels.add(kern);
            }
            return st;
        }

        @Override
        public void close() {
            kernels.clear();
        }
    }

    /**
     * Σω / N in row order, read once per prepared pass; the single-model and the multi-model pass both take it from
     * here, so they get the same bits.
     */
    static double meanWeight(Dataset data) {
        long n = data.rows();
        double[] buf = new double[Kernel.BLOCK];
        double sum = 0;
        for (long s = 0; s < n; s += Kernel.BLOCK) {
            int count = (int) Math.min(Kernel.BLOCK, n - s);
            data.readWeights(s, count, buf, 0);
            for (int i = 0; i < count; i++) {
                sum += buf[i];
            }
        }
        return sum / n;
    }
}
