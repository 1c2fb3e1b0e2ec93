package org.emgmm.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.emgmm.backend.Backends;
import org.emgmm.backend.MultiPass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The CPU backend's {@link MultiPass}: the rows are split into the same chunks as the single-model pass (they
 * depend only on N), and for each chunk every model's kernel runs {@code begin}, then each block of
 * {@value Kernel#BLOCK} rows in turn for every model (the block read from memory once, then from cache), then
 * {@code finish}. A kernel's state is its own, so each model sees the same sequence of operations as in its own
 * pass, and the chunks' statistics are merged in chunk order as there: the same bits as
 * {@link CpuBackend#prepare}'s pass, at any thread count and with any other models beside it.
 */
final class CpuMultiPass implements MultiPass {
    private final CpuBackend backend;
    private final Dataset data;
    private final boolean single;
    private final long[] chunkStart;
    /** The data's mean sample weight (1 without weights), for {@link Params#negligible}, as the single pass. */
    private final double meanWeight;
    /**
     * Idle kernels by K and kind ({@link #key}: a kernel serves the covariance types of its kind, full and tied or
     * diag and spherical).
     */
    private final Map<Integer, ConcurrentLinkedQueue<Kernel>> kernels = new ConcurrentHashMap<>();

    CpuMultiPass(CpuBackend backend, Dataset data) {
        this.backend = backend;
        this.data = data;
        this.single = backend.precision() == Precision.FLOAT;
        chunkStart = CpuBackend.chunkStarts(data.rows());
        meanWeight = data.hasWeights() ? CpuBackend.meanWeight(data) : 1.0;
    }

    @Override
    public SufficientStatistics[] accumulate(Gaussians[] models) {
        if (models == null || models.length == 0) {
            throw new IllegalArgumentException("no models to accumulate");
        }
        Params[] p = new Params[models.length];
        for (int i = 0; i < models.length; i++) {
            Gaussians g = models[i];
            if (g.d != data.dims()) {
                throw new IllegalArgumentException("model " + i + " has d = " + g.d + ", the data " + data.dims());
            }
            warmUp(g);
            p[i] = new Params(g, single, meanWeight);
        }
        int chunks = chunkStart.length - 1;
        ExecutorService pool = backend.pool();
        if (pool == null || chunks == 1) {
            SufficientStatistics[] total = chunk(models, p, 0);
            for (int c = 1; c < chunks; c++) {
                merge(total, chunk(models, p, c));
            }
            return total;
        }
        List<Future<SufficientStatistics[]>> fs = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            final int cc = c;
            fs.add(pool.submit(() -> chunk(models, p, cc)));
        }
        try {
            SufficientStatistics[] total = fs.get(0).get();
            for (int c = 1; c < chunks; c++) {
                merge(total, fs.get(c).get());
                fs.set(c, null);
            }
            return total;
        } catch (InterruptedException e) {
            cancel(fs);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the E step", e);
        } catch (ExecutionException e) {
            cancel(fs);
            throw Backends.unchecked(e.getCause());
        }
    }

    private static void cancel(List<Future<SufficientStatistics[]>> fs) {
        fs.forEach(f -> {
            if (f != null) {
                f.cancel(true);
            }
        });
    }

    private static void merge(SufficientStatistics[] into, SufficientStatistics[] more) {
        for (int i = 0; i < into.length; i++) {
            into[i].merge(more[i]);
        }
    }

    /** The JIT warm-up the single-model pass does when prepared, once per JVM and kind of kernel. */
    private void warmUp(Gaussians g) {
        if (Warmup.worthIt(data.rows(), data.dims(), g.k, g.type)) {
            Kernel kern = take(g.k, g.type);
            try {
                Warmup.run(kern, backend.vectorized(), g.k, g.type, single, meanWeight);
            } finally {
                kernels.get(key(g.k, g.type)).add(kern);
            }
        }
    }

    private Kernel take(int k, CovarianceType type) {
        Kernel kern = kernels.computeIfAbsent(key(k, type), x -> new ConcurrentLinkedQueue<>()).poll();
        return kern != null ? kern : backend.kernel(data, k, type);
    }

    /** The idle kernels' key: K and whether the type is of the full kind. */
    private static int key(int k, CovarianceType type) {
        return 2 * k + (type.needsOuterProducts() ? 1 : 0);
    }

    /** Chunk c for every model: each block once from memory, then from cache for the other models. */
    private SufficientStatistics[] chunk(Gaussians[] models, Params[] p, int c) {
        int n = models.length;
        Kernel[] ks = new Kernel[n];
        SufficientStatistics[] st = new SufficientStatistics[n];
        try {
            for (int i = 0; i < n; i++) {
                ks[i] = take(models[i].k, models[i].type);
                st[i] = new SufficientStatistics(models[i].k, data.dims(), models[i].type);
                ks[i].begin(p[i]);
            }
            long end = chunkStart[c + 1];
            for (long s = chunkStart[c]; s < end; s += Kernel.BLOCK) {
                int count = (int) Math.min(Kernel.BLOCK, end - s);
                for (int i = 0; i < n; i++) {
                    ks[i].block(p[i], s, count, st[i]);
                }
            }
            for (int i = 0; i < n; i++) {
                ks[i].finish(p[i], st[i]);
            }
        } finally {
            for (int i = 0; i < n; i++) {
                if (ks[i] != null) {
                    kernels.get(key(models[i].k, models[i].type)).add(ks[i]);
                }
            }
        }
        return st;
    }

    @Override
    public void close() {
        kernels.clear();
    }
}
