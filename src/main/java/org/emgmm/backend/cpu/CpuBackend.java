package org.emgmm.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The pure-Java backend: a fixed partition of the rows into chunks (independent of the thread count, so any number
 * of threads gives the same bits), each chunk accumulated block by block by one thread, chunks merged in order.
 * Memory beyond the data: O(chunks · K · D²).
 */
public final class CpuBackend implements Backend {
    /** Rows per block read from the dataset. */
    static final int BLOCK_ROWS = 1024;
    /** At most this many chunks; the partition depends only on N. */
    static final int MAX_CHUNKS = 64;

    private final int threads;
    private final Precision precision;
    private final ExecutorService pool;

    /**
     * @param threads worker threads, at least 1 (0 means all available processors)
     * @param precision arithmetic precision of the per-sample pass
     */
    public CpuBackend(int threads, Precision precision) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
        }
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.precision = precision;
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "emgmm-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return "CPU, " + threads + (threads == 1 ? " thread" : " threads");
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /** @return the number of worker threads */
    public int threads() {
        return threads;
    }

    @Override
    public Pass prepare(Dataset data, int k, CovarianceType type) {
        return new CpuPass(data, k, type);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private final class CpuPass implements Pass {
        private final Dataset data;
        private final int k;
        private final CovarianceType type;
        private final long[] chunkStart;

        CpuPass(Dataset data, int k, CovarianceType type) {
            this.data = data;
            this.k = k;
            this.type = type;
            long n = data.rows();
            long blocks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
            int chunks = (int) Math.min(MAX_CHUNKS, blocks);
            chunkStart = new long[chunks + 1];
            for (int c = 0; c <= chunks; c++) {
                chunkStart[c] = Math.min(n, (blocks * c / chunks) * BLOCK_ROWS);
            }
        }

        @Override
        public SufficientStatistics accumulate(Gaussians params) {
            int chunks = chunkStart.length - 1;
            SufficientStatistics[] parts = new SufficientStatistics[chunks];
            if (pool == null || chunks == 1) {
                for (int c = 0; c < chunks; c++) {
                    parts[c] = chunk(params, c);
                }
            } else {
                List<Future<SufficientStatistics>> fs = new ArrayList<>(chunks);
                for (int c = 0; c < chunks; c++) {
                    final int cc = c;
                    fs.add(pool.submit(() -> chunk(params, cc)));
                }
                try {
                    for (int c = 0; c < chunks; c++) {
                        parts[c] = fs.get(c).get();
                    }
                } catch (InterruptedException e) {
                    fs.forEach(f -> f.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during the E step", e);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    throw new IllegalStateException(cause);
                }
            }
            SufficientStatistics total = parts[0];
            for (int c = 1; c < chunks; c++) {
                total.merge(parts[c]);
            }
            return total;
        }

        private SufficientStatistics chunk(Gaussians g, int c) {
            int d = data.dims();
            SufficientStatistics st = new SufficientStatistics(k, d, type);
            double[] x = new double[BLOCK_ROWS * d];
            double[] w = new double[BLOCK_ROWS];
            double[] lp = new double[k];
            double[] tmp = new double[d];
            boolean outer = type.needsOuterProducts();
            for (long start = chunkStart[c]; start < chunkStart[c + 1]; start += BLOCK_ROWS) {
                int count = (int) Math.min(BLOCK_ROWS, chunkStart[c + 1] - start);
                data.read(start, count, x, 0);
                data.readWeights(start, count, w, 0);
                for (int i = 0; i < count; i++) {
                    double wi = w[i];
                    if (wi == 0) {
                        continue;
                    }
                    int off = i * d;
                    double lse = g.logJoint(x, off, tmp, lp);
                    st.logLik += wi * lse;
                    st.weightSum += wi;
                    for (int j = 0; j < k; j++) {
                        double r = wi * Math.exp(lp[j] - lse);
                        if (r == 0) {
                            continue;
                        }
                        st.s0[j] += r;
                        for (int a = 0; a < d; a++) {
                            tmp[a] = x[off + a] - g.means[j * d + a];
                            st.s1[j * d + a] += r * tmp[a];
                        }
                        if (outer) {
                            int o = j * d * d;
                            for (int a = 0; a < d; a++) {
                                double ra = r * tmp[a];
                                for (int b = a; b < d; b++) {
                                    st.s2[o + a * d + b] += ra * tmp[b];
                                }
                            }
                        } else {
                            for (int a = 0; a < d; a++) {
                                st.s2[j * d + a] += r * tmp[a] * tmp[a];
                            }
                        }
                    }
                }
            }
            return st;
        }

        @Override
        public void close() {
            // nothing held beyond the backend's pool
        }
    }
}
