package org.emgmm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.emgmm.Tolerances;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast CPU kernels against the reference scalar E step ({@link ReferencePass}, i.e. {@link org.emgmm.ScalarReference}),
 * for every covariance type, D and K from 1, with and without sample weights; vector against plain Java; float
 * against double; bitwise independence of the thread count; a far outlier whose responsibilities underflow.
 */
class CpuBackendTest {
    /** Double kernels against the reference: relative to the size of each array (summation order differs). */
    static final double TOL_F64 = Tolerances.KERNEL_F64;
    /** Float kernels against the double reference. */
    static final double TOL_F32 = Tolerances.KERNEL_F32;

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

    static void assertBitwise(SufficientStatistics a, SufficientStatistics b, String what) {
        assertEquals(Double.doubleToRawLongBits(a.logLik), Double.doubleToRawLongBits(b.logLik), what + " logLik");
        assertEquals(Double.doubleToRawLongBits(a.weightSum), Double.doubleToRawLongBits(b.weightSum),
                what + " weightSum");
        assertArrayEquals(a.s0, b.s0, 0.0, what + " s0");
        assertArrayEquals(a.s1, b.s1, 0.0, what + " s1");
        assertArrayEquals(a.s2, b.s2, 0.0, what + " s2");
    }

    @Test
    void vectorAndScalarPathsAgree() {
        assumeTrue(CpuBackend.vectorAvailable(), "no Vector API in this JVM");
        for (CovarianceType type : CovarianceType.values()) {
            Problem pr = problem(42, 5000, 6, 7, type, true);
            for (Precision prec : Precision.values()) {
                try (CpuBackend v = new CpuBackend(2, prec, true); CpuBackend s = new CpuBackend(2, prec, false)) {
                    assertTrue(v.vectorized() && !s.vectorized());
                    assertTrue(v.device().contains("Vector API") && s.device().contains("plain Java"), v.device());
                    // float: both round the same float arithmetic differently (fma, exp); double: ~1e-15
                    assertClose(run(s, pr.data, pr.params), run(v, pr.data, pr.params),
                            prec == Precision.DOUBLE ? TOL_F64 : 1e-5, type + " " + prec);
                }
            }
        }
    }

    @Test
    void sameBitsWhateverTheThreadCountAndOnEveryCall() {
        // 40,000 rows: 157 blocks in 64 chunks, so threads really share the work.
        for (CovarianceType type : new CovarianceType[] {CovarianceType.FULL, CovarianceType.DIAG}) {
            Problem pr = problem(7, 40_000, 5, 4, type, true);
            for (boolean vector : paths()) {
                for (Precision prec : Precision.values()) {
                    SufficientStatistics one;
                    try (CpuBackend b = new CpuBackend(1, prec, vector)) {
                        one = run(b, pr.data, pr.params);
                    }
                    for (int threads : new int[] {2, 3, 8}) {
                        try (CpuBackend b = new CpuBackend(threads, prec, vector);
                             Pass p = b.prepare(pr.data, pr.params.k, type)) {
                            String what = type + " " + prec + (vector ? " vector " : " scalar ") + threads;
                            assertBitwise(one, p.accumulate(pr.params), what + " threads, call 1");
                            assertBitwise(one, p.accumulate(pr.params), what + " threads, call 2");
                        }
                    }
                }
            }
        }
    }

    @Test
    void farOutlierStaysFiniteAndGoesToItsNearestComponent() {
        // Two 1-D components at 0 and 10 (unit variance), and a point at 1e4: its log-densities are about -5e7, so
        // every exp underflows unless taken relative to the maximum. Reference by hand: the outlier belongs to the
        // component at 10 with responsibility 1 (the other is exp(-(1e4^2 - 9990^2)/2) = exp(-99950) = 0).
        double[] x = {-0.5, 0.3, 0.1, 9.6, 10.2, 10.4, 1e4};
        ArrayDataset data = ArrayDataset.of(x, 1, null);
        Gaussians g = Gaussians.of(CovarianceType.DIAG, new double[] {0.5, 0.5}, new double[] {0, 10},
                new double[] {1, 1}, 0);
        SufficientStatistics ref = ReferencePass.accumulate(data, g);
        for (boolean vector : paths()) {
            for (Precision prec : Precision.values()) {
                try (CpuBackend b = new CpuBackend(1, prec, vector)) {
                    SufficientStatistics st = run(b, data, g);
                    String what = (vector ? "vector " : "scalar ") + prec;
                    assertTrue(Double.isFinite(st.logLik) && Double.isFinite(st.s2[1]), what);
                    // log p(outlier) = log ½ − ½ log 2π − ½ (1e4 − 10)²
                    double lpOut = Math.log(0.5) - 0.5 * Math.log(2 * Math.PI) - 0.5 * 9990.0 * 9990.0;
                    assertEquals(ref.logLik, st.logLik, (prec == Precision.DOUBLE ? 1e-12 : 1e-6) * -lpOut, what);
                    assertTrue(st.logLik < lpOut, what);
                    assertEquals(3.0, st.s0[0], prec == Precision.DOUBLE ? 1e-12 : 1e-5, what + " s0[0]");
                    assertEquals(4.0, st.s0[1], prec == Precision.DOUBLE ? 1e-12 : 1e-5, what + " s0[1]");
                    assertEquals(ref.s2[1], st.s2[1], (prec == Precision.DOUBLE ? 1e-12 : 1e-5) * ref.s2[1], what);
                }
            }
        }
    }

    @Test
    void floatPathReallyComputesInFloat() {
        // Data at 1000 + small noise: in float the squared distances lose digits that double keeps, so float and
        // double must differ (more than double rounding), while staying within float tolerance.
        Problem pr = problem(3, 2000, 3, 2, CovarianceType.DIAG, false);
        double[] x = new double[2000 * 3];
        pr.data.read(0, 2000, x, 0);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 1e-3 + 1000;
        }
        ArrayDataset data = ArrayDataset.of(x, 3, null);
        double[] means = pr.params.means.clone();
        for (int i = 0; i < means.length; i++) {
            means[i] = means[i] * 1e-3 + 1000;
        }
        double[] cov = pr.params.covariances.clone();
        for (int i = 0; i < cov.length; i++) {
            cov[i] *= 1e-6;
        }
        Gaussians g = Gaussians.of(CovarianceType.DIAG, pr.params.weights, means, cov, 0);
        SufficientStatistics ref = ReferencePass.accumulate(data, g);
        for (boolean vector : paths()) {
            try (CpuBackend f = new CpuBackend(2, Precision.FLOAT, vector)) {
                SufficientStatistics st = run(f, data, g);
                double rel = Math.abs(st.logLik - ref.logLik) / Math.abs(ref.logLik);
                assertTrue(rel > 1e-9 && rel < 1e-3, "float logLik relative difference " + rel);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend(-1, Precision.DOUBLE));
        Problem pr = problem(1, 100, 2, 2, CovarianceType.DIAG, false);
        try (CpuBackend b = new CpuBackend(1, Precision.DOUBLE)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> b.prepare(pr.data, 0, CovarianceType.DIAG));
            assertTrue(e.getMessage().contains("k"), e.getMessage());
            try (Pass p = b.prepare(pr.data, 3, CovarianceType.DIAG)) {
                e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> p.accumulate(pr.params));
                assertTrue(e.getMessage().contains("k=2"), e.getMessage());
            }
        }
    }

    @Test
    void tightComponentFarFromTheOthersKeepsItsVariance() {
        // Rows alternate between a unit cluster at 0 and a cluster of standard deviation 1e-3 at 1000: summed about
        // a common block reference near 500, the tight one's second moment would cancel by a factor 1e11.
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 3000;
        double[] x = new double[n * 2];
        for (int i = 0; i < n; i++) {
            boolean tight = i % 2 == 1;
            for (int a = 0; a < 2; a++) {
                x[i * 2 + a] = tight ? 1000 + 1e-3 * gauss(rnd) : gauss(rnd);
            }
        }
        ArrayDataset data = ArrayDataset.of(x, 2, null);
        for (CovarianceType type : new CovarianceType[] {CovarianceType.DIAG, CovarianceType.SPHERICAL,
                CovarianceType.FULL}) {
            double[] cov = type == CovarianceType.DIAG ? new double[] {1, 1, 1e-6, 1e-6}
                    : type == CovarianceType.SPHERICAL ? new double[] {1, 1e-6}
                    // full: the double kernel's shared sums are about Σ φ μ (near 500), 700 000 tight standard
                    // deviations from the tight component, which must be summed about its own mean instead
                    : new double[] {1, 0.2, 0.2, 1, 1e-6, 2e-7, 2e-7, 1e-6};
            Gaussians g = Gaussians.of(type, new double[] {0.5, 0.5}, new double[] {0.01, -0.02, 1000.0001, 999.9999},
                    cov, 0);
            SufficientStatistics ref = ReferencePass.accumulate(data, g);
            for (boolean vector : paths()) {
                try (CpuBackend b = new CpuBackend(2, Precision.DOUBLE, vector)) {
                    SufficientStatistics st = run(b, data, g);
                    int[] tightS2 = type == CovarianceType.FULL ? new int[] {4, 5, 7} : new int[] {2, 3};
                    for (int a : tightS2) {
                        assertEquals(ref.s2[a], st.s2[a], 1e-10 * Math.abs(ref.s2[a]), type + " tight s2[" + a + "]");
                    }
                    assertClose(ref, st, TOL_F64, type + (vector ? " vector" : " scalar"));
                }
            }
        }
    }

    @Test
    void separatedClustersInSortedRowsMatchTheReference() {
        // Three unit clusters 50 apart in 3-D, rows sorted by cluster, plus a fourth component between two of them:
        // each block's responsibilities are 0 (underflow) for the clusters it does not hold, so the kernels sum
        // some components over a few vectors about their own means and the others through the shared columns
        // about Σ φ μ, in the same pass, and through the tiles of three and the one-component tiles.
        SplittableRandom rnd = new SplittableRandom(5);
        int d = 3;
        int n = 3000;
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            int c = i * 3 / n;
            for (int a = 0; a < d; a++) {
                x[i * d + a] = 50.0 * c * (a == 0 ? 1 : 0.5) + gauss(rnd);
            }
        }
        ArrayDataset data = ArrayDataset.of(x, d, null);
        double[] means = {0.1, 0, -0.1, 50, 25.1, 24.9, 100, 50, 50.2, 25, 12.5, 12.5};
        for (CovarianceType type : CovarianceType.values()) {
            int k = 4;
            double[] cov = new double[org.emgmm.em.Gaussians.covarianceLength(type, k, d)];
            if (type.needsOuterProducts()) {
                for (int j = 0; j < cov.length / (d * d); j++) {
                    for (int a = 0; a < d; a++) {
                        for (int b = 0; b < d; b++) {
                            cov[j * d * d + a * d + b] = a == b ? 1 + 0.1 * j : 0.3 / (1 + j);
                        }
                    }
                }
            } else {
                for (int i = 0; i < cov.length; i++) {
                    cov[i] = 1 + 0.1 * i;
                }
            }
            Gaussians g = Gaussians.of(type, new double[] {0.3, 0.3, 0.3, 0.1}, means, cov, 0);
            SufficientStatistics ref = ReferencePass.accumulate(data, g);
            for (boolean vector : paths()) {
                try (CpuBackend b = new CpuBackend(2, Precision.DOUBLE, vector)) {
                    assertClose(ref, run(b, data, g), TOL_F64, type + (vector ? " vector" : " scalar"));
                }
            }
        }
    }

    /** Rounding bound of one weighted sum, in ulps of its magnitude: {@link Tolerances#SUM_ULPS}. */
    private static final double SUM_ULPS = Tolerances.SUM_ULPS;

    @Test
    void negligibleResponsibilitiesLeaveEverySumUnchanged() {
        // Two unit clusters 8 apart, rows sorted by cluster: responsibilities across clusters run from 1e-6 down
        // to 1e-40, on both sides of the kernels' cut-off 2^-60 φ ω̄ (below it a vector is left out of the sums).
        // Each sum of each component must still match the exact reference within the rounding bound SUM_ULPS of
        // its magnitude: the cross terms of component B alone add about 1e-12 of its weight, so a cut-off much
        // above 2^-60 shows. (A relative bound on the value is wrong here: S1 and the off-diagonal S2 entries are
        // differences of much larger sums about the kernel's reference point, and cancel.)
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 4096;
        int d = 2;
        double[] x = new double[n * d];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[i * d + a] = (i < n / 2 ? 0 : 8.0) * (a == 0 ? 1 : 0.25) + gauss(rnd);
            }
            w[i] = 0.5 + rnd.nextDouble();
        }
        for (boolean weighted : new boolean[] {false, true}) {
            ArrayDataset data = ArrayDataset.of(x, d, weighted ? w : null);
            for (CovarianceType type : CovarianceType.values()) {
                double[] cov = new double[org.emgmm.em.Gaussians.covarianceLength(type, 2, d)];
                for (int i = 0; i < cov.length; i++) {
                    cov[i] = type.needsOuterProducts() ? (i % (d * d) % (d + 1) == 0 ? 1 : 0.1) : 1;
                }
                Gaussians g = Gaussians.of(type, new double[] {0.5, 0.5}, new double[] {0.1, 0, 7.9, 2.1}, cov, 0);
                SufficientStatistics ref = ReferencePass.accumulate(data, g);
                SufficientStatistics mag = ReferencePass.magnitudes(data, g);
                for (boolean vector : paths()) {
                    try (CpuBackend b = new CpuBackend(2, Precision.DOUBLE, vector)) {
                        SufficientStatistics st = run(b, data, g);
                        String what = type + (weighted ? " weighted" : "") + (vector ? " vector" : " scalar");
                        assertEquals(ref.logLik, st.logLik, SUM_ULPS * 0x1p-52 * mag.logLik, what + " logLik");
                        double[][] refs = {ref.s0, ref.s1, ref.s2};
                        double[][] gots = {st.s0, st.s1, st.s2};
                        double[][] mags = {mag.s0, mag.s1, mag.s2};
                        for (int t = 0; t < 3; t++) {
                            for (int i = 0; i < refs[t].length; i++) {
                                if (t == 2 && type.needsOuterProducts() && (i / d) % d > i % d) {
                                    continue; // lower triangle: not part of the contract
                                }
                                assertEquals(refs[t][i], gots[t][i], SUM_ULPS * 0x1p-52 * mags[t][i] + 1e-300,
                                        what + " s" + t + "[" + i + "]");
                            }
                        }
                    }
                }
            }
        }
    }
    static Stream<Arguments> prunedShapes() {
        // D from just above the four columns every component gets before pruning, odd and even, K from 3
        return Stream.of(Arguments.of(5, 3, 1L), Arguments.of(6, 8, 2L), Arguments.of(7, 5, 3L),
                Arguments.of(9, 12, 4L), Arguments.of(16, 16, 5L));
    }

    @ParameterizedTest(name = "d={0} k={1}")
    @MethodSource("prunedShapes")
    void separatedClustersInShuffledRowsMatchTheReferenceThroughThePrunedPath(int d, int k, long seed) {
        // K − 1 clusters with centres uniform in 100 + [−10, 10]^D (per-feature spreads 0.5 to 1.5; cluster 0 has
        // spread 0.01), rows in random cluster order, weights with zeros; components near the clusters with
        // correlated covariances (component 0 tight, so far from Σ φ μ in its own units: summed about its own
        // mean), and one component 60 away from every cluster (never a candidate, pruned everywhere). The double
        // vector kernel sorts each block by candidate component and prunes most (group, component) pairs after a
        // few columns: every sum must still match the reference.
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 3000; // 11 full blocks and a padded one
        int kc = k - 1;
        double[] centres = new double[kc * d];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = 100 + rnd.nextDouble(-10, 10);
        }
        double[] x = new double[n * d];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            int c = rnd.nextInt(kc);
            for (int a = 0; a < d; a++) {
                double sd = c == 0 ? 0.01 : 0.5 + (a + c) % 3 * 0.5;
                x[i * d + a] = centres[c * d + a] + sd * gauss(rnd);
            }
            w[i] = i % 7 == 3 ? 0 : rnd.nextDouble(0, 3);
        }
        ArrayDataset data = ArrayDataset.of(x, d, w);
        float[] xf = new float[x.length];
        double[] xr = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
            xr[i] = xf[i];
        }
        ArrayDataset dataF = ArrayDataset.of(xf, d, w);
        double[] means = new double[k * d];
        for (int i = 0; i < kc * d; i++) {
            means[i] = centres[i] + rnd.nextDouble(-0.2, 0.2) * (i < d ? 0.01 : 1);
        }
        for (int a = 0; a < d; a++) {
            means[kc * d + a] = centres[a] + 60;
        }
        double[] wts = new double[k];
        java.util.Arrays.fill(wts, 1.0 / k);
        for (CovarianceType type : new CovarianceType[] {CovarianceType.FULL, CovarianceType.TIED}) {
            int blocks = type == CovarianceType.FULL ? k : 1;
            double[] cov = new double[blocks * d * d];
            for (int j = 0; j < blocks; j++) {
                double scale = type == CovarianceType.FULL && j == 0 ? 1e-4 : 1;
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        cov[j * d * d + a * d + b] = scale * (a == b ? 1 + 0.2 * ((a + j) % 3) : 0.3 / (1 + Math.abs(a - b)));
                    }
                }
            }
            Gaussians g = Gaussians.of(type, wts, means, cov, 0);
            SufficientStatistics ref = ReferencePass.accumulate(data, g);
            for (boolean vector : paths()) {
                try (CpuBackend b = new CpuBackend(2, Precision.DOUBLE, vector)) {
                    assertClose(ref, run(b, data, g), TOL_F64, type + (vector ? " vector" : " scalar"));
                }
            }
            if (CpuBackend.vectorAvailable()) { // no Vector API: the vector kernel is never loaded
                // the kernel itself, over the same rows: the pruned path is taken and gives the same sums
                FullDoubleKernel kernel = (FullDoubleKernel) VectorKernels.create(data, k, type, false);
                SufficientStatistics st = new SufficientStatistics(k, d, type);
                kernel.run(new Params(g, false, meanWeight(data)), 0, n, st);
                assertClose(ref, st, TOL_F64, type + " one vector kernel");
                assertTrue(kernel.prunedGroups() > 0, type + ": the pruned path was not taken");
            }
            // Float, against the reference on the float-rounded rows: the float kernel sorts the block the same way
            // and gathers each component's samples for its double sums (GatheredSums), reading x in the order the
            // sort left it (here permuted: some component is far from the reference).
            for (boolean vector : paths()) {
                try (CpuBackend b = new CpuBackend(2, Precision.FLOAT, vector)) {
                    assertClose(ReferencePass.accumulate(ArrayDataset.of(xr, d, w), g), run(b, dataF, g), TOL_F32,
                            type + (vector ? " vector" : " scalar") + " float");
                }
            }
        }
    }

    private static double meanWeight(ArrayDataset data) {
        double[] w = new double[(int) data.rows()];
        data.readWeights(0, w.length, w, 0);
        double s = 0;
        for (double v : w) {
            s += v;
        }
        return s / w.length;
    }
}
