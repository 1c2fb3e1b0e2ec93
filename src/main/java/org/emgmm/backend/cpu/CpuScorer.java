package org.emgmm.backend.cpu;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.emgmm.backend.Backends;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreBlock;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.ScoreTotals;
import org.emgmm.backend.Scorer;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;

/**
 * The CPU backend's scoring pass: the rows in tasks of {@value #ROWS_PER_TASK} (a partition that depends only on
 * N), scored by {@link ScoreKernel}s on the backend's thread pool, at most {@code 4 × threads} tasks in flight;
 * each finished task's block is converted on its worker and accepted by the sink on the calling thread in row
 * order, and its totals are added in that order, so the result is the same bits at any thread count. Memory beyond
 * the data: the blocks in flight, each {@value #ROWS_PER_TASK} × (K + 2) values at most.
 */
final class CpuScorer implements Scorer {
    /** Rows per task and per {@link ScoreBlock} (a multiple of {@link Kernel#BLOCK}). */
    static final int ROWS_PER_TASK = 8192;
    /** Tasks in flight per thread. */
    private static final int IN_FLIGHT_PER_THREAD = 4;

    private final Dataset data;
    private final int k;
    private final CovarianceType type;
    private final boolean withFloat;
    private final ExecutorService pool;
    private final int threads;
    private final Supplier<ScoreKernel> factory;
    private final ConcurrentLinkedQueue<ScoreKernel> kernels = new ConcurrentLinkedQueue<>();

    /**
     * @param data the samples
     * @param k components
     * @param type covariance type
     * @param withFloat whether the kernels compute in float (they need the float parameters)
     * @param pool the backend's pool, or null to run on the calling thread
     * @param threads the pool's size
     * @param factory makes one worker's kernel
     */
    CpuScorer(Dataset data, int k, CovarianceType type, boolean withFloat, ExecutorService pool, int threads,
              Supplier<ScoreKernel> factory) {
        this.data = data;
        this.k = k;
        this.type = type;
        this.withFloat = withFloat;
        this.pool = pool;
        this.threads = threads;
        this.factory = factory;
    }

    /** One task's result: its block converted, and its totals. */
    private record Done<T>(T converted, double logLik, double weightSum) {
    }

    @Override
    public <T> ScoreTotals run(Gaussians params, Set<RowOutput> outputs, ScoreSink<T> sink) {
        if (params.k != k || params.d != data.dims() || params.type != type) {
            throw new IllegalArgumentException("parameters of shape k=" + params.k + ", d=" + params.d + ", "
                    + params.type + " do not match the scorer (k=" + k + ", d=" + data.dims() + ", " + type + ")");
        }
        Params p = new Params(params, withFloat, 1.0);
        long n = data.rows();
        long tasks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        double logLik = 0;
        double weightSum = 0;
        if (pool == null || tasks == 1) {
            for (long t = 0; t < tasks; t++) {
                Done<T> r = task(p, t, outputs, sink);
                sink.accept(r.converted());
                logLik += r.logLik();
                weightSum += r.weightSum();
            }
            return new ScoreTotals(logLik, weightSum, n);
        }
        ArrayDeque<Future<Done<T>>> window = new ArrayDeque<>();
        int max = threads * IN_FLIGHT_PER_THREAD;
        long next = 0;
        try {
            while (next < tasks && window.size() < max) {
                window.add(submit(p, next++, outputs, sink));
            }
            while (!window.isEmpty()) {
                Done<T> r = window.poll().get();
                if (next < tasks) {
                    window.add(submit(p, next++, outputs, sink));
                }
                sink.accept(r.converted());
                logLik += r.logLik();
                weightSum += r.weightSum();
            }
        } catch (InterruptedException e) {
            cancel(window);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the scoring pass", e);
        } catch (ExecutionException e) {
            cancel(window);
            throw Backends.unchecked(e.getCause());
        } catch (RuntimeException | Error e) {
            cancel(window);
            throw e;
        }
        return new ScoreTotals(logLik, weightSum, n);
    }

    private <T> Future<Done<T>> submit(Params p, long t, Set<RowOutput> outputs, ScoreSink<T> sink) {
        return pool.submit(() -> task(p, t, outputs, sink));
    }

    private static <T> void cancel(ArrayDeque<Future<Done<T>>> window) {
        for (Future<Done<T>> f : window) {
            f.cancel(true);
        }
        window.clear();
    }

    private <T> Done<T> task(Params p, long t, Set<RowOutput> outputs, ScoreSink<T> sink) {
        long start = t * ROWS_PER_TASK;
        int count = (int) Math.min(ROWS_PER_TASK, data.rows() - start);
        ScoreBlock b = new ScoreBlock(start, count, k, outputs.contains(RowOutput.LOG_PROB),
                outputs.contains(RowOutput.LABEL), outputs.contains(RowOutput.PROBA));
        ScoreKernel kern = kernels.poll();
        if (kern == null) {
            kern = factory.get();
        }
        try {
            kern.run(p, b);
        } finally {
            kernels.add(kern);
        }
        return new Done<>(sink.convert(b), b.logLik(), b.weightSum());
    }

    @Override
    public void close() {
        kernels.clear();
    }
}
