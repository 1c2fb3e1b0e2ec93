package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract: one pass of every backend returns the sufficient statistics of DESIGN.md — S0, S1, S2 about the
 * current means, the weighted log-likelihood and the total weight — as computed here sample by sample with the
 * tests' one scalar reference E step ({@link ScalarReference#statistics}) in double. Shapes from D = 1,
 * K = 1 to D = 8, K = 6, row counts that are not multiples of any block size, random sample weights with zeros,
 * an outlier row whose responsibilities underflow, and data stored as float as well as double. A second pass with
 * the same parameters gives the same bits.
 */
class PassStatisticsTest {
    /** Double backends agree with the scalar reference to rounding ({@link Tolerances#PASS_F64}). */
    static final double REL_F64 = Tolerances.PASS_F64;
    /** Float backends: per-sample float arithmetic, sums finished in double ({@link Tolerances#PASS_F32}). */
    static final double REL_F32 = Tolerances.PASS_F32;

    static final int[][] SHAPES = {{1, 1, 1001}, {5, 4, 5003}, {8, 6, 2047}, {2, 3, 7}};

    static Stream<Arguments> backendsTypesShapes() {
        return TestBackends.all().flatMap(b -> Stream.of(CovarianceType.values()).flatMap(
                t -> Stream.of(SHAPES).map(s -> Arguments.of(b, t, s[0], s[1], s[2]))));
    }

    @ParameterizedTest(name = "{0} {1} d={2} k={3} n={4}")
    @MethodSource("backendsTypesShapes")
    void statisticsMatchTheScalarReference(TestBackends.NamedBackend nb, CovarianceType type, int d, int k, int n) {
        SplittableRandom rnd = new SplittableRandom(31L * d + 7L * k + n + type.ordinal());
        // Overlapping components, so that responsibilities are genuinely fractional.
        Synthetic s = Synthetic.generate(rnd.nextLong(), type, d, k, (n + k - 1) / k, 1.5);
        boolean floatStorage = d % 2 == 0;
        double[] x = java.util.Arrays.copyOf(s.x, n * d);
        for (int a = 0; a < d; a++) {
            x[(n - 1) * d + a] = 60.0 + a; // an outlier: every responsibility but one underflows
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = i % 11 == 3 ? 0 : 2 * rnd.nextDouble();
        }
        Dataset data;
        if (floatStorage) {
            float[] f = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                f[i] = (float) x[i];
                x[i] = f[i];
            }
            data = ArrayDataset.of(f, d, w);
        } else {
            data = ArrayDataset.of(x, d, w);
        }
        Gaussians g = Gaussians.of(type, s.startWeights, s.startMeans, randomCov(type, k, d, rnd), 0);
        SufficientStatistics ref = ScalarReference.statistics(ArrayDataset.of(x, d, w), g);
        SufficientStatistics got;
        SufficientStatistics again;
        try (Backend b = nb.open(); Pass pass = b.prepare(data, k, type)) {
            got = pass.accumulate(g);
            again = pass.accumulate(g);
        }
        String what = nb + " " + type.jsonName() + " d=" + d + " k=" + k + " n=" + n
                + (floatStorage ? " (float data)" : "");
        double rel = nb.precision() == Precision.DOUBLE ? REL_F64 : REL_F32;
        compare(what, ref, got, rel);
        // A float backend may round the weights to float: 1e-7 relative each.
        assertEquals(ref.weightSum, got.weightSum, (nb.precision() == Precision.DOUBLE ? 1e-12 : 1e-6)
                * ref.weightSum, what + ": weightSum");
        assertArrayEquals(got.s0, again.s0, 0.0, what + ": second pass s0");
        assertArrayEquals(got.s1, again.s1, 0.0, what + ": second pass s1");
        assertArrayEquals(got.s2, again.s2, 0.0, what + ": second pass s2");
        assertEquals(got.logLik, again.logLik, 0.0, what + ": second pass logLik");
    }

    /** Random covariances in the type's layout, well conditioned. */
    static double[] randomCov(CovarianceType type, int k, int d, SplittableRandom rnd) {
        double[] c = new double[Gaussians.covarianceLength(type, k, d)];
        if (type == CovarianceType.FULL || type == CovarianceType.TIED) {
            int blocks = type == CovarianceType.FULL ? k : 1;
            for (int j = 0; j < blocks; j++) {
                double[] l = new double[d * d];
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < a; b++) {
                        l[a * d + b] = 0.4 * Synthetic.gauss(rnd);
                    }
                    l[a * d + a] = 0.7 + rnd.nextDouble();
                }
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        double v = 0;
                        for (int m = 0; m < d; m++) {
                            v += l[a * d + m] * l[b * d + m];
                        }
                        c[j * d * d + a * d + b] = v;
                    }
                }
            }
        } else {
            for (int i = 0; i < c.length; i++) {
                c[i] = 0.5 + 1.5 * rnd.nextDouble();
            }
        }
        return c;
    }

    /**
     * Compares with natural floors: S0 against the mean component mass, S1 against √(S0·S2aa) (its Cauchy–Schwarz
     * bound), S2ab against √(S2aa·S2bb), the log-likelihood against the total weight (one nat per sample).
     */
    static void compare(String what, SufficientStatistics ref, SufficientStatistics got, double rel) {
        int k = ref.k;
        int d = ref.d;
        boolean outer = ref.type.needsOuterProducts();
        for (int j = 0; j < k; j++) {
            ModelAsserts.check(what + ": s0[" + j + "]", ref.s0[j], got.s0[j], rel, ref.weightSum / k);
            for (int a = 0; a < d; a++) {
                double s2aa = outer ? ref.s2[(j * d + a) * d + a] : ref.s2[j * d + a];
                ModelAsserts.check(what + ": s1[" + j + "][" + a + "]", ref.s1[j * d + a], got.s1[j * d + a], rel,
                        Math.sqrt(ref.s0[j] * s2aa));
                if (outer) {
                    for (int b = a; b < d; b++) {
                        double s2bb = ref.s2[(j * d + b) * d + b];
                        int i = (j * d + a) * d + b;
                        ModelAsserts.check(what + ": s2[" + j + "][" + a + "][" + b + "]", ref.s2[i], got.s2[i], rel,
                                Math.sqrt(s2aa * s2bb));
                    }
                } else {
                    ModelAsserts.check(what + ": s2[" + j + "][" + a + "]", s2aa, got.s2[j * d + a], rel, 0);
                }
            }
        }
        ModelAsserts.check(what + ": logLik", ref.logLik, got.logLik, rel, ref.weightSum);
    }
}
