package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.StartParameters;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;

/**
 * {@code bench/gpu-check.sh}'s fit of data larger than one allocation (issue 11): float data of D = 64 made on the
 * fly from a hash of the row index (K = 16 blobs of unit variance, centres uniform in [−5, 5]⁶⁴; nothing is held on
 * the host but the staging buffers), N rows such that the data is 1.1 times the device's
 * CL_DEVICE_MAX_MEM_ALLOC_SIZE, fitted diag in float for 5 iterations from the true parameters moved by 0.5 in
 * every coordinate. Prints the plan, the preparation time (kernels, the parallel fill and upload) and ms per
 * iteration. Exit status 1 unless the data is resident in at least two buffers, the lower bound never decreases
 * (beyond 1e-6 relative, float), and every fitted mean is within six standard errors (1/√(N/K) each) plus 0.005
 * of its blob's centre in every coordinate (on an H200 about 10⁷ samples per blob: a bound of 0.007; rows of a
 * buffer read as another's would move them by whole units). Exit status 2 when the device cannot hold such data
 * resident (then it would stream).
 *
 * <p>Arguments: {@code [device] [rows] [maxAllocationBytes]}; rows 0 = from the allocation limit; the last forces a
 * smaller buffer limit (a smoke run on PoCL: {@code 0 400000 33554432}).
 */
public final class LargeDataCheck {
    static final int D = 64;
    static final int K = 16;

    private LargeDataCheck() {
    }

    /**
     * @param args device selector, rows (0 = 1.1 × the allocation limit), allocation cap in bytes (0 = none)
     */
    public static void main(String[] args) {
        DeviceInfo dev = OpenClBackend.device(args.length > 0 ? args[0] : null);
        long alloc = args.length > 2 ? Long.parseLong(args[2]) : 0;
        long limit = alloc > 0 ? Math.min(alloc, dev.maxAlloc()) : dev.maxAlloc();
        long rowBytes = (long) D * Float.BYTES;
        long n = args.length > 1 && Long.parseLong(args[1]) > 0 ? Long.parseLong(args[1])
                : (long) (1.1 * limit / rowBytes);
        System.out.println("device " + dev);
        System.out.printf(Locale.ROOT, "data N=%d D=%d float: %.2f GB, one allocation %.2f GB, global %.2f GB%n", n,
                D, n * rowBytes / 1e9, limit / 1e9, dev.globalMemory() / 1e9);
        if (n * rowBytes <= limit || n * rowBytes > KernelPlan.GLOBAL_FRACTION * dev.globalMemory()) {
            System.out.println("SKIP: this device cannot hold data larger than one allocation resident");
            System.exit(2);
        }
        HashedBlobs data = new HashedBlobs(n);
        double[] w = new double[K];
        double[] mu = new double[K * D];
        double[] var = new double[K * D];
        for (int j = 0; j < K; j++) {
            w[j] = 1.0 / K;
            for (int a = 0; a < D; a++) {
                mu[j * D + a] = data.centre(j, a) + 0.5;
                var[j * D + a] = 1.5;
            }
        }
        GmmSettings s = GmmSettings.builder().k(K).covarianceType(CovarianceType.DIAG).precision(Precision.FLOAT)
                .maxIter(5).tol(0).start(new StartParameters(w, mu, var)).build();
        List<Long> nanos = new ArrayList<>();
        MixtureModel m;
        try (OpenClBackend b = OpenClBackend.create(List.of(dev), Precision.FLOAT, 0, alloc, PlanOverride.none())) {
            String plan = b.describePlan(n, D, K, CovarianceType.DIAG, false);
            System.out.println("plan " + plan);
            if (!plan.contains("resident in ")) {
                System.out.println("FAIL: the data would not be resident in several buffers");
                System.exit(1);
            }
            long t0 = System.nanoTime();
            b.preload(data, K, CovarianceType.DIAG);
            System.out.printf(Locale.ROOT, "prepared (kernels, fill, upload) in %.2f s%n",
                    (System.nanoTime() - t0) / 1e9);
            m = new GaussianMixture(s).fit(data, b, new FitListener() {
                @Override
                public void iteration(int init, int iteration, double lowerBound, double change, long ns) {
                    nanos.add(ns);
                    System.out.printf(Locale.ROOT, "iteration %d: lower bound %.8f, %.1f ms%n", iteration, lowerBound,
                            ns / 1e6);
                }
            });
        }
        boolean ok = true;
        double[] h = m.lowerBoundHistory();
        for (int i = 1; i < h.length; i++) {
            if (h[i] < h[i - 1] - 1e-6 * Math.abs(h[i - 1])) {
                System.out.printf(Locale.ROOT, "FAIL: lower bound decreased at iteration %d: %.8f -> %.8f%n", i + 1,
                        h[i - 1], h[i]);
                ok = false;
            }
        }
        double worst = 0;
        double[] fitted = m.meansFlat();
        for (int j = 0; j < K; j++) {
            for (int a = 0; a < D; a++) {
                worst = Math.max(worst, Math.abs(fitted[j * D + a] - data.centre(j, a)));
            }
        }
        // six standard errors of a blob's mean (unit variance, about N/K samples), plus 0.005 for float sums
        double bound = 6 / Math.sqrt((double) n / K) + 0.005;
        System.out.printf(Locale.ROOT, "largest |fitted mean - centre| %.5f (bound %.5f)%n", worst, bound);
        ok &= worst <= bound;
        nanos.sort(null);
        if (!nanos.isEmpty()) {
            System.out.printf(Locale.ROOT, "median iteration %.1f ms (N=%d D=%d K=%d diag float)%n",
                    nanos.get(nanos.size() / 2) / 1e6, n, D, K);
        }
        System.out.println(ok ? "OK" : "FAIL");
        System.exit(ok ? 0 : 1);
    }

    /** Rows made from a hash of their index: blob {@code hash % K}, unit-variance noise (Irwin–Hall of four). */
    static final class HashedBlobs implements Dataset {
        private static final double SCALE = Math.sqrt(3.0) / 65536.0;
        private final long n;
        private final double[] centres = new double[K * D];

        HashedBlobs(long n) {
            this.n = n;
            for (int i = 0; i < centres.length; i++) {
                centres[i] = 10 * ((mix(0x5eedL + i) >>> 11) * 0x1.0p-53) - 5;
            }
        }

        double centre(int j, int a) {
            return centres[j * D + a];
        }

        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }

        @Override
        public long rows() {
            return n;
        }

        @Override
        public int dims() {
            return D;
        }

        @Override
        public boolean isFloat() {
            return true;
        }

        /** @return the value of row {@code row}, feature {@code a}, in blob {@code j} */
        private double value(long row, int j, int a) {
            long h = mix(row * D + a + 0x632be59bd9b4e019L);
            double u = (h & 0xffff) + ((h >>> 16) & 0xffff) + ((h >>> 32) & 0xffff) + (h >>> 48);
            // four uniforms on [0, 65536): mean 131070, variance 4/12 · 65536²
            return (float) (centres[j * D + a] + (u - 131070) * SCALE);
        }

        private static int blob(long row) {
            return (int) ((mix(row * 0x9e3779b97f4a7c15L) >>> 1) % K);
        }

        @Override
        public void read(long start, int count, double[] dst, int off) {
            for (int i = 0; i < count; i++) {
                int j = blob(start + i);
                for (int a = 0; a < D; a++) {
                    dst[off + i * D + a] = value(start + i, j, a);
                }
            }
        }

        @Override
        public void read(long start, int count, float[] dst, int off) {
            for (int i = 0; i < count; i++) {
                int j = blob(start + i);
                for (int a = 0; a < D; a++) {
                    dst[off + i * D + a] = (float) value(start + i, j, a);
                }
            }
        }

        @Override
        public boolean hasWeights() {
            return false;
        }

        @Override
        public void readWeights(long start, int count, double[] dst, int off) {
            java.util.Arrays.fill(dst, off, off + count, 1.0);
        }

        @Override
        public String describe() {
            return "hashed blobs " + n + "x" + D;
        }
    }
}
