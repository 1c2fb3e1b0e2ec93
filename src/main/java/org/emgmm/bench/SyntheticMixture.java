package org.emgmm.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;

/**
 * A seeded synthetic Gaussian mixture for benchmarks: K centres uniform in [−10, 10]^D, per-component per-feature
 * standard deviations uniform in [0.5, 2], each row drawn from a uniformly chosen component (the same recipe as
 * {@code bench/sklearn/sklearn_bench.py}, which draws its own rows with numpy). The same seed gives the same rows.
 */
public final class SyntheticMixture {
    /** Rows per block of the parallel draw; part of the recipe (changing it changes the rows of a seed). */
    private static final int BLOCK_ROWS = 1 << 16;

    private SyntheticMixture() {
    }

    /**
     * @param n rows, at least 1
     * @param d features, at least 1
     * @param k components, at least 1
     * @param seed random seed
     * @param asFloat store as float (otherwise double)
     * @return the data set, row-major
     * @throws IllegalArgumentException for sizes below 1 or above what one Java array holds
     */
    public static ArrayDataset generate(int n, int d, int k, long seed, boolean asFloat) {
        if (n < 1 || d < 1 || k < 1) {
            throw new IllegalArgumentException("synthetic mixture: n, d and k must be >= 1, got n=" + n + ", d=" + d
                    + ", k=" + k);
        }
        long len = (long) n * d;
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("synthetic mixture: n*d = " + len + " values do not fit one array "
                    + "(at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[k * d];
        double[] scales = new double[k * d];
        for (int i = 0; i < k * d; i++) {
            means[i] = rnd.nextDouble(-10, 10);
        }
        for (int i = 0; i < k * d; i++) {
            scales[i] = rnd.nextDouble(0.5, 2);
        }
        double[] dv = asFloat ? null : new double[(int) len];
        float[] fv = asFloat ? new float[(int) len] : null;
        // Rows are drawn in blocks, each from its own generator seeded in order from the main one, so the rows
        // depend only on the seed (not on the thread count) and blocks can be drawn in parallel: 1e8 rows of 16
        // take seconds on a workstation instead of most of a minute.
        int blocks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
        long[] blockSeeds = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            blockSeeds[b] = rnd.nextLong();
        }
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SplittableRandom r = new SplittableRandom(blockSeeds[b]);
            double spare = Double.NaN;
            int end = (int) Math.min(n, (long) (b + 1) * BLOCK_ROWS);
            for (int i = b * BLOCK_ROWS; i < end; i++) {
                int j = r.nextInt(k);
                for (int a = 0; a < d; a++) {
                    double g;
                    if (!Double.isNaN(spare)) {
                        g = spare;
                        spare = Double.NaN;
                    } else {
                        // Box–Muller: two independent standard normals from two uniforms.
                        double u = 1 - r.nextDouble();
                        double v = r.nextDouble();
                        double rad = Math.sqrt(-2 * Math.log(u));
                        g = rad * Math.cos(2 * Math.PI * v);
                        spare = rad * Math.sin(2 * Math.PI * v);
                    }
                    double val = means[j * d + a] + scales[j * d + a] * g;
                    if (asFloat) {
                        fv[i * d + a] = (float) val;
                    } else {
                        dv[i * d + a] = val;
                    }
                }
            }
        });
        return asFloat ? ArrayDataset.of(fv, d, null) : ArrayDataset.of(dv, d, null);
    }

    /**
     * The start the benchmarks time one iteration from (JMH's EmIterationBenchmark, KernelProfileCheck): means on K
     * rows drawn with seed 7, variances 4 (full and tied: 4 on the diagonal), equal weights.
     *
     * @param data the rows
     * @param t covariance type
     * @param k components
     * @return the parameters
     */
    public static Gaussians start(ArrayDataset data, CovarianceType t, int k) {
        int d = data.dims();
        long n = data.rows();
        SplittableRandom r = new SplittableRandom(7);
        double[] means = new double[k * d];
        double[] row = new double[d];
        for (int j = 0; j < k; j++) {
            data.read(r.nextInt((int) Math.min(n, Integer.MAX_VALUE)), 1, row, 0);
            System.arraycopy(row, 0, means, j * d, d);
        }
        double[] w = new double[k];
        Arrays.fill(w, 1.0 / k);
        double[] cov = new double[Gaussians.covarianceLength(t, k, d)];
        if (t == CovarianceType.SPHERICAL || t == CovarianceType.DIAG) {
            Arrays.fill(cov, 4);
        } else {
            for (int b = 0; b < cov.length / (d * d); b++) {
                for (int a = 0; a < d; a++) {
                    cov[b * d * d + a * d + a] = 4;
                }
            }
        }
        return Gaussians.of(t, w, means, cov, 0);
    }
}
