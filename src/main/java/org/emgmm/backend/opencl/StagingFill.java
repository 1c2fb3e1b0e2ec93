package org.emgmm.backend.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.emgmm.data.Dataset;

/**
 * Fills host staging buffers from a {@link Dataset} with several threads: the rows of one buffer are cut into parts
 * of whole {@value #BLOCK}-row blocks, each copied (and converted to the device precision) by its own thread into
 * its own byte range. The bytes do not depend on the number of threads. Datasets are safe for concurrent reads, and
 * a memory-mapped one is read straight from its map, so the host memory used is the staging buffers plus one block
 * per thread.
 *
 * <p>The threads are daemons of one pool shared by every pass of the JVM (several devices fill at once); a task
 * never waits for another, so the pool cannot deadlock.
 */
final class StagingFill {
    /** Rows read from the dataset per step, and the granule of the parts. */
    static final int BLOCK = 16384;
    /** Threads filling one buffer: the copy is memory-bound, a few threads saturate a socket. */
    static final int THREADS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

    private static ExecutorService pool;
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[0]);

    private StagingFill() {
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "emgmm-opencl-staging");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Writes rows {@code [start, start + rows)} of the data (or of its weights) from byte 0 of {@code buf}, as floats
     * or doubles, in native byte order; returns when every part is written.
     *
     * @param data the dataset
     * @param buf the staging buffer (its position and limit are not used or changed)
     * @param start first row
     * @param rows number of rows
     * @param asFloat true for 4-byte floats, false for 8-byte doubles
     * @param weights true for the weights (one value per row), false for the features
     */
    static void fill(Dataset data, ByteBuffer buf, long start, int rows, boolean asFloat, boolean weights) {
        fill(data, buf, start, rows, asFloat, weights, THREADS);
    }

    /**
     * As {@link #fill(Dataset, ByteBuffer, long, int, boolean, boolean)} with at most {@code threads} parts (the
     * calling thread and up to {@link #THREADS} − 1 of the pool's): benchmarks compare 1 with {@link #THREADS}.
     */
    static void fill(Dataset data, ByteBuffer buf, long start, int rows, boolean asFloat, boolean weights,
                     int threads) {
        int blocks = (rows + BLOCK - 1) / BLOCK;
        int parts = Math.min(Math.min(threads, THREADS), blocks);
        if (parts <= 1) {
            part(data, buf, start, 0, rows, asFloat, weights);
            return;
        }
        int blocksPerPart = (blocks + parts - 1) / parts;
        List<Future<?>> futures = new ArrayList<>();
        int first = Math.min(rows, blocksPerPart * BLOCK);
        for (int from = first; from < rows; from += blocksPerPart * BLOCK) {
            int f = from;
            int c = Math.min(blocksPerPart * BLOCK, rows - from);
            futures.add(pool().submit(() -> part(data, buf, start, f, c, asFloat, weights)));
        }
        RuntimeException failed = null;
        try {
            part(data, buf, start, 0, first, asFloat, weights);
        } catch (RuntimeException e) {
            failed = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Error) {
                    throw (Error) c;
                }
                if (failed == null) {
                    failed = c instanceof RuntimeException ? (RuntimeException) c
                            : new IllegalStateException("filling a staging buffer failed: " + c, c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failed == null) {
                    failed = new IllegalStateException("interrupted while filling a staging buffer", e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Rows {@code [start + from, start + from + count)} to their place in the buffer, one block at a time. */
    private static void part(Dataset data, ByteBuffer buf, long start, int from, int count, boolean asFloat,
                             boolean weights) {
        int width = weights ? 1 : data.dims();
        ByteBuffer view = buf.duplicate().order(ByteOrder.nativeOrder());
        int step = Math.min(count, BLOCK);
        FloatBuffer fb = asFloat ? view.asFloatBuffer() : null;
        DoubleBuffer db = asFloat ? null : view.asDoubleBuffer();
        double[] tmpD = weights || !asFloat ? doubles(step * width) : null;
        float[] tmpF = !weights && asFloat ? floats(step * width) : null;
        for (int i = 0; i < count; i += step) {
            int c = Math.min(step, count - i);
            long row = start + from + i;
            int at = (from + i) * width;
            int len = c * width;
            if (weights) {
                data.readWeights(row, c, tmpD, 0);
            } else if (asFloat) {
                data.read(row, c, tmpF, 0);
            } else {
                data.read(row, c, tmpD, 0);
            }
            if (tmpF != null) {
                fb.put(at, tmpF, 0, len);
            } else if (db != null) {
                db.put(at, tmpD, 0, len);
            } else {
                for (int q = 0; q < len; q++) {
                    fb.put(at + q, (float) tmpD[q]);
                }
            }
        }
    }

    private static double[] doubles(int n) {
        double[] a = DOUBLES.get();
        if (a.length < n) {
            a = new double[n];
            DOUBLES.set(a);
        }
        return a;
    }

    private static float[] floats(int n) {
        float[] a = FLOATS.get();
        if (a.length < n) {
            a = new float[n];
            FLOATS.set(a);
        }
        return a;
    }
}
