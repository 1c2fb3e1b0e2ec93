package org.emgmm.bench;

import java.util.Locale;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.Precision;

/**
 * The CPU backend's limits, measured where it runs (as {@code bench/FmaPeak.java} does, but short): the fused
 * multiply-add rate of twelve independent chains per thread on all the backend's threads at once (Vector API
 * vectors when the JVM has the module, else scalar {@link Math#fma}, which is what the plain-Java kernels can reach),
 * and the read bandwidth of all threads summing a 64 MiB array. On a shared machine both follow the load, as the
 * timed iterations do. Immutable.
 */
public final class CpuPeak {
    private static final int CHAINS = 12;
    private static final int READ_DOUBLES = 8 << 20;

    private final int threads;
    private final int lanesDouble;
    private final int lanesFloat;
    private final double fmaPerSecond;
    private final double readGbs;

    private CpuPeak(int threads, int lanesDouble, int lanesFloat, double fmaPerSecond, double readGbs) {
        this.threads = threads;
        this.lanesDouble = lanesDouble;
        this.lanesFloat = lanesFloat;
        this.fmaPerSecond = fmaPerSecond;
        this.readGbs = readGbs;
    }

    /**
     * Measures (about half a second in all).
     *
     * @param threads the backend's threads (0 = all cores)
     * @return the measured limits
     */
    public static CpuPeak measure(int threads) {
        int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        boolean vector = CpuBackend.vectorAvailable();
        int ld = vector ? VectorFma.lanesDouble() : 1;
        int lf = vector ? VectorFma.lanesFloat() : 1;
        double fma = parallel(t, vector ? VectorFma::chains : CpuPeak::scalarChains, 16_000_000L) * CHAINS;
        return new CpuPeak(t, ld, lf, fma, readBandwidth(t));
    }

    /** @return threads measured */
    public int threads() {
        return threads;
    }

    /**
     * @param precision arithmetic
     * @return fma rate × lanes × 2, in GFLOP/s
     */
    public double gflops(Precision precision) {
        return fmaPerSecond * (precision == Precision.FLOAT ? lanesFloat : lanesDouble) * 2 / 1e9;
    }

    /** @return the measured read bandwidth in GB/s */
    public double gbs() {
        return readGbs;
    }

    /**
     * @param precision arithmetic
     * @return how the flops peak was obtained, in words
     */
    public String describe(Precision precision) {
        return String.format(Locale.ROOT, "measured: %.2f G %s fma/s on %d thread%s x %d lanes x 2", fmaPerSecond / 1e9,
                lanesDouble > 1 ? "vector" : "scalar", threads, threads == 1 ? "" : "s",
                precision == Precision.FLOAT ? lanesFloat : lanesDouble);
    }

    /** Calls per thread of a chain kernel, timed on all threads together; returns chain calls × reps per second. */
    private static double parallel(int threads, java.util.function.LongToDoubleFunction kernel, long reps) {
        for (int i = 0; i < 12; i++) {
            kernel.applyAsDouble(reps / 20); // compiled before it is timed
        }
        double[] sink = new double[threads];
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = new Thread(() -> sink[id] = kernel.applyAsDouble(reps));
            ts[i].start();
        }
        join(ts);
        double s = (System.nanoTime() - t0) / 1e9;
        return threads * (double) reps / s + 0 * sink[0];
    }

    private static void join(Thread[] ts) {
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the CPU peak", e);
            }
        }
    }

    private static double scalarChains(long reps) {
        double m = 0.999999;
        double c = 1e-9;
        double x0 = 0;
        double x1 = 0;
        double x2 = 0;
        double x3 = 0;
        double x4 = 0;
        double x5 = 0;
        double x6 = 0;
        double x7 = 0;
        double x8 = 0;
        double x9 = 0;
        double x10 = 0;
        double x11 = 0;
        for (long r = 0; r < reps; r++) {
            x0 = Math.fma(x0, m, c);
            x1 = Math.fma(x1, m, c);
            x2 = Math.fma(x2, m, c);
            x3 = Math.fma(x3, m, c);
            x4 = Math.fma(x4, m, c);
            x5 = Math.fma(x5, m, c);
            x6 = Math.fma(x6, m, c);
            x7 = Math.fma(x7, m, c);
            x8 = Math.fma(x8, m, c);
            x9 = Math.fma(x9, m, c);
            x10 = Math.fma(x10, m, c);
            x11 = Math.fma(x11, m, c);
        }
        return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11;
    }

    /** Read bandwidth: each thread sums its slice of one array with four accumulators; best of three passes. */
    private static double readBandwidth(int threads) {
        double[] a = new double[READ_DOUBLES];
        java.util.Arrays.fill(a, 1.0);
        double best = Double.POSITIVE_INFINITY;
        double[] sink = new double[threads];
        for (int pass = 0; pass < 4; pass++) {
            Thread[] ts = new Thread[threads];
            long t0 = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                int id = i;
                int from = (int) ((long) a.length * i / threads);
                int to = (int) ((long) a.length * (i + 1) / threads);
                ts[i] = new Thread(() -> sink[id] += sum(a, from, to));
                ts[i].start();
            }
            join(ts);
            double s = (System.nanoTime() - t0) / 1e9;
            if (pass > 0) {
                best = Math.min(best, s);
            }
        }
        return 8.0 * a.length / best / 1e9 + 0 * sink[0];
    }

    private static double sum(double[] a, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        return s0 + s1 + s2 + s3;
    }

    /** The Vector API chains; loaded only when the JVM has {@code jdk.incubator.vector}. */
    private static final class VectorFma {
        private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

        static int lanesDouble() {
            return S.length();
        }

        static int lanesFloat() {
            return FloatVector.SPECIES_PREFERRED.length();
        }

        static double chains(long reps) {
            DoubleVector m = DoubleVector.broadcast(S, 0.999999);
            DoubleVector c = DoubleVector.broadcast(S, 1e-9);
            DoubleVector x0 = DoubleVector.zero(S);
            DoubleVector x1 = x0;
            DoubleVector x2 = x0;
            DoubleVector x3 = x0;
            DoubleVector x4 = x0;
            DoubleVector x5 = x0;
            DoubleVector x6 = x0;
            DoubleVector x7 = x0;
            DoubleVector x8 = x0;
            DoubleVector x9 = x0;
            DoubleVector x10 = x0;
            DoubleVector x11 = x0;
            for (long r = 0; r < reps; r++) {
                x0 = x0.fma(m, c);
                x1 = x1.fma(m, c);
                x2 = x2.fma(m, c);
                x3 = x3.fma(m, c);
                x4 = x4.fma(m, c);
                x5 = x5.fma(m, c);
                x6 = x6.fma(m, c);
                x7 = x7.fma(m, c);
                x8 = x8.fma(m, c);
                x9 = x9.fma(m, c);
                x10 = x10.fma(m, c);
                x11 = x11.fma(m, c);
            }
            return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                    .reduceLanes(VectorOperators.ADD);
        }
    }
}
