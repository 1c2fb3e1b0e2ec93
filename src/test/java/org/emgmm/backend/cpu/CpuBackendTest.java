package org.emgmm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.emgmm.backend.Pass;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast CPU kernels against the reference scalar E step ({@link ReferencePass}, i.e. {@link Gaussians#logJoint}),
 * for every covariance type, D and K from 1, with and without sample weights; vector against plain Java; float
 * against double; bitwise independence of the thread count; a far outlier whose responsibilities underflow.
 */
class CpuBackendTest {
    /** Double kernels against the reference: relative to the size of each array (summation order differs). */
    static final double TOL_F64 = 1e-12;
    /** Float kernels against the double reference. */
    static final double TOL_F32 = 2e-4;

    /** A random problem: data drawn around K random centres, parameters near (not at) them. */
    static final class Problem {
        final ArrayDataset data;
        final Gaussians params;

        Problem(ArrayDataset data, Gaussians params) {
            this.data = data;
            this.params = params;
        }
    }

    static Problem problem(long seed, int n, int d, int k, CovarianceType type, boolean weights) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] centres = new double[k * d];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = rnd.nextDouble(-4, 4) + 100; // an offset, so shifts matter
        }
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            int j = rnd.nextInt(k);
            for (int a = 0; a < d; a++) {
                x[i * d + a] = centres[j * d + a] + gauss(rnd) * (0.5 + a % 3 * 0.4);
            }
        }
        double[] w = null;
        if (weights) {
            w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = i % 7 == 3 ? 0 : rnd.nextDouble(0, 3);
            }
        }
        double[] wts = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            wts[j] = rnd.nextDouble(0.5, 1.5);
            sum += wts[j];
        }
        for (int j = 0; j < k; j++) {
            wts[j] /= sum;
        }
        double[] means = new double[k * d];
        for (int i = 0; i < means.length; i++) {
            means[i] = centres[i] + rnd.nextDouble(-0.3, 0.3);
        }
        double[] cov;
        switch (type) {
            case SPHERICAL:
                cov = new double[k];
                for (int j = 0; j < k; j++) {
                    cov[j] = rnd.nextDouble(0.3, 2);
                }
                break;
            case DIAG:
                cov = new double[k * d];
                for (int i = 0; i < cov.length; i++) {
                    cov[i] = rnd.nextDouble(0.3, 2);
                }
                break;
            default:
                int blocks = type == CovarianceType.FULL ? k : 1;
                cov = new double[blocks * d * d];
                for (int j = 0; j < blocks; j++) {
                    double[] a = new double[d * d];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = rnd.nextDouble(-0.5, 0.5);
                    }
                    for (int r = 0; r < d; r++) {
                        for (int c = 0; c < d; c++) {
                            double s = r == c ? 0.5 : 0;
                            for (int m = 0; m < d; m++) {
                                s += a[r * d + m] * a[c * d + m];
                            }
                            cov[j * d * d + r * d + c] = s;
                        }
                    }
                }
        }
        return new Problem(ArrayDataset.of(x, d, w), Gaussians.of(type, wts, means, cov, 0));
    }

    static double gauss(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    static SufficientStatistics run(CpuBackend b, Dataset data, Gaussians g) {
        try (Pass p = b.prepare(data, g.k, g.type)) {
            return p.accumulate(g);
        }
    }

    /** |a − b| ≤ tol · (|b| + max |ref|) element-wise; s2 of full/tied compares the upper triangle only. */
    static void assertClose(SufficientStatistics ref, SufficientStatistics got, double tol, String what) {
        assertEquals(ref.weightSum, got.weightSum, 1e-13 * Math.abs(ref.weightSum), what + " weightSum");
        assertEquals(ref.logLik, got.logLik, tol * Math.abs(ref.logLik), what + " logLik");
        close(ref.s0, got.s0, tol, what + " s0", null);
        close(ref.s1, got.s1, tol, what + " s1", null);
        close(ref.s2, got.s2, tol, what + " s2", ref.type.needsOuterProducts() ? ref.d : null);
    }

    private static void close(double[] ref, double[] got, double tol, String what, Integer fullD) {
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < ref.length; i++) {
            if (fullD != null && (i / fullD) % fullD > i % fullD) {
                continue; // lower triangle: not part of the contract
            }
            double err = Math.abs(ref[i] - got[i]);
            assertTrue(err <= tol * (Math.abs(ref[i]) + scale) && Double.isFinite(got[i]),
                    what + "[" + i + "]: expected " + ref[i] + ", got " + got[i]);
        }
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] dk = {{1, 1}, {1, 3}, {2, 2}, {3, 5}, {5, 1}, {7, 9}, {16, 4}};
        long seed = 1;
        for (CovarianceType t : CovarianceType.values()) {
            for (int[] s : dk) {
                out.add(Arguments.of(t, s[0], s[1], seed % 2 == 0, seed));
                seed++;
            }
        }
        return out.stream();
    }

    static List<Boolean> paths() {
        return CpuBackend.vectorAvailable() ? List.of(false, true) : List.of(false);
    }

    @ParameterizedTest(name = "{0} d={1} k={2} weights={3}")
    @MethodSource("shapes")
    void matchesReferenceInDouble(CovarianceType type, int d, int k, boolean weights, long seed) {
        Problem pr = problem(seed, 1337, d, k, type, weights);
        SufficientStatistics ref = ReferencePass.accumulate(pr.data, pr.params);
        for (boolean vector : paths()) {
            try (CpuBackend b = new CpuBackend(2, Precision.DOUBLE, vector)) {
                assertClose(ref, run(b, pr.data, pr.params), TOL_F64, (vector ? "vector" : "scalar") + " double");
            }
        }
    }

    @ParameterizedTest(name = "{0} d={1} k={2} weights={3}")
    @MethodSource("shapes")
    void floatIsCloseToDouble(CovarianceType type, int d, int k, boolean weights, long seed) {
        Problem pr = problem(seed, 1337, d, k, type, weights);
        SufficientStatistics ref = ReferencePass.accumulate(pr.data, pr.params);
        for (boolean vector : paths()) {
            try (CpuBackend b = new CpuBackend(2, Precision.FLOAT, vector)) {
                SufficientStatistics got = run(b, pr.data, pr.params);
                assertClose(ref, got, TOL_F32, (vector ? "vector" : "scalar") + " float");
            }
        }
    }
}
