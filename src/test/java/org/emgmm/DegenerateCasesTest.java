package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.NotPositiveDefiniteException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract: degenerate cases end on purpose (issue 2, point 7) — a collapsing component is re-seeded and reported;
 * a covariance that is not positive definite raises {@link NotPositiveDefiniteException} naming component and
 * iteration; all-identical points, a constant column, k = n, k = 1 and D = 1 end in a finite fit; maxIter = 0
 * returns the initialisation; nInit keeps the best lower bound.
 */
class DegenerateCasesTest {

    static Stream<Arguments> backendsAndTypes() {
        return TestBackends.all().flatMap(b -> Stream.of(CovarianceType.values()).map(t -> Arguments.of(b, t)));
    }

    private static MixtureModel fit(TestBackends.NamedBackend nb, Dataset data, GmmSettings s, FitListener l) {
        try (Backend b = nb.open()) {
            return new GaussianMixture(s.toBuilder().precision(nb.precision()).build()).fit(data, b, l);
        }
    }

    private static MixtureModel fit(TestBackends.NamedBackend nb, Dataset data, GmmSettings s) {
        return fit(nb, data, s, new FitListener() { });
    }

    /** Every parameter finite, weights positive and summing to 1, lower bound finite. */
    static void assertFiniteFit(String what, MixtureModel m) {
        double sum = 0;
        for (double w : m.weights()) {
            assertTrue(w > 0 && Double.isFinite(w), what + ": weight " + w);
            sum += w;
        }
        assertEquals(1.0, sum, 1e-12, what + ": weights sum");
        for (double v : m.meansFlat()) {
            assertTrue(Double.isFinite(v), what + ": mean " + v);
        }
        for (double v : m.covariancesFlat()) {
            assertTrue(Double.isFinite(v), what + ": covariance " + v);
        }
        assertTrue(Double.isFinite(m.lowerBound()), what + ": lower bound " + m.lowerBound());
    }

    /** Start covariances of the type's layout: the identity times {@code v}. */
    static double[] identityCov(CovarianceType type, int k, int d, double v) {
        double[] c = new double[org.emgmm.em.Gaussians.covarianceLength(type, k, d)];
        if (type == CovarianceType.FULL || type == CovarianceType.TIED) {
            int blocks = type == CovarianceType.FULL ? k : 1;
            for (int j = 0; j < blocks; j++) {
                for (int a = 0; a < d; a++) {
                    c[j * d * d + a * d + a] = v;
                }
            }
        } else {
            java.util.Arrays.fill(c, v);
        }
        return c;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void collapsingComponentIsReseededAndReported(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Set set = ReferenceData.load("synthetic_2d_k4");
        // Component 2 starts absurdly far from every sample: its responsibilities underflow to 0 at once.
        double[] means = {0, 0, 6, 1, 1e6, -1e6, 7, 8};
        GmmSettings s = GmmSettings.builder().k(4).covarianceType(type).tol(1e-8).maxIter(300).start(
                new StartParameters(new double[] {0.25, 0.25, 0.25, 0.25}, means, identityCov(type, 4, 2, 1)))
                .build();
        List<String> heard = new ArrayList<>();
        MixtureModel m = fit(nb, set.dataset(), s, new FitListener() {
            @Override
            public void event(String message) {
                heard.add(message);
            }
        });
        String what = nb + " " + type.jsonName();
        assertFiniteFit(what, m);
        assertFalse(m.events().isEmpty(), what + ": no re-seeding reported");
        assertTrue(m.events().get(0).contains("component 2") && m.events().get(0).contains("iteration 1"),
                what + ": " + m.events());
        assertEquals(m.events(), heard, what + ": the listener hears the same events");
        // The re-seeded component ends among the data, not at 1e6.
        double[] mu = m.meansFlat();
        assertTrue(Math.abs(mu[4]) < 100 && Math.abs(mu[5]) < 100, what + ": component 2 still at " + mu[4]);
        assertTrue(m.weights()[2] > 0.01, what + ": component 2 has weight " + m.weights()[2]);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void constantColumnWithoutRegularisationNamesComponentAndIteration(TestBackends.NamedBackend nb,
                                                                       CovarianceType type) {
        int n = 40;
        double[] x = new double[n * 2];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i < n / 2 ? i * 0.1 : 10 + i * 0.1;
            x[2 * i + 1] = 5.0; // constant column
        }
        // The start's means lie on the constant column, so the first M step finds exactly zero variance there.
        GmmSettings s = GmmSettings.builder().k(2).covarianceType(type).regCovar(0).start(new StartParameters(
                new double[] {0.5, 0.5}, new double[] {1, 5, 12, 5}, identityCov(type, 2, 2, 1))).build();
        String what = nb + " " + type.jsonName();
        if (type == CovarianceType.SPHERICAL) {
            // One variance per component, the mean over features: the other column keeps it positive.
            assertFiniteFit(what, fit(nb, ArrayDataset.of(x, 2, null), s));
            return;
        }
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> fit(nb, ArrayDataset.of(x, 2, null), s));
        what += ": " + e.getMessage();
        assertEquals(1, e.iteration(), what);
        if (type == CovarianceType.TIED) {
            assertEquals(-1, e.component(), what);
            assertTrue(e.getMessage().contains("tied covariance"), what);
        } else {
            assertEquals(0, e.component(), what);
            assertTrue(e.getMessage().contains("component 0"), what);
        }
        assertTrue(e.getMessage().contains("iteration 1") && e.getMessage().contains("regCovar"), what);

        // With the default regularisation the same problem is a finite fit whose constant column has variance
        // regCovar.
        MixtureModel m = fit(nb, ArrayDataset.of(x, 2, null), s.toBuilder().regCovar(1e-6).build());
        assertFiniteFit(what, m);
        for (int j = 0; j < 2; j++) {
            ModelAsserts.check(what + " variance of the constant column", 1e-6,
                    m.covarianceMatrix(j)[1][1], nb.tolerances().param, 0);
            ModelAsserts.check(what + " mean of the constant column", 5.0, m.meansFlat()[j * 2 + 1],
                    nb.tolerances().param, 0);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void allIdenticalPoints(TestBackends.NamedBackend nb, CovarianceType type) {
        double[][] x = new double[50][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {1.5, -2.25, 3};
        }
        for (int k = 1; k <= 3; k++) {
            MixtureModel m = fit(nb, ArrayDataset.of(x, null),
                    GmmSettings.builder().k(k).covarianceType(type).seed(3).build());
            String what = nb + " " + type.jsonName() + " k=" + k;
            assertFiniteFit(what, m);
            for (int j = 0; j < k; j++) {
                assertArrayEquals(x[0], m.means()[j], 1e-6, what + ": mean " + j);
                for (int a = 0; a < 3; a++) {
                    // The only variance left is regCovar.
                    assertEquals(1e-6, m.covarianceMatrix(j)[a][a], 1e-6 * nb.tolerances().param, what);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void kEqualsN(TestBackends.NamedBackend nb, CovarianceType type) {
        double[][] x = {{0, 0}, {5, 1}, {-3, 4}, {2, -6}, {8, 8}};
        MixtureModel m = fit(nb, ArrayDataset.of(x, null),
                GmmSettings.builder().k(5).covarianceType(type).seed(9).build());
        String what = nb + " " + type.jsonName() + " k = n";
        assertFiniteFit(what, m);
        if (type != CovarianceType.TIED) {
            // Each component sits on its own point with weight 1/5.
            boolean[] used = new boolean[5];
            for (int j = 0; j < 5; j++) {
                assertEquals(0.2, m.weights()[j], 1e-6, what + ": weight " + j);
                int nearest = m.predict(m.means()[j]);
                assertEquals(j, nearest, what);
                for (int i = 0; i < 5; i++) {
                    if (Math.abs(m.means()[j][0] - x[i][0]) < 1e-6 && Math.abs(m.means()[j][1] - x[i][1]) < 1e-6) {
                        used[i] = true;
                    }
                }
            }
            for (int i = 0; i < 5; i++) {
                assertTrue(used[i], what + ": no component on point " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void oneComponentIsTheSampleMeanAndCovariance(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Set set = ReferenceData.load("faithful");
        int n = set.n;
        int d = set.d;
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                mean[a] += set.data[i * d + a] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] += (set.data[i * d + a] - mean[a]) * (set.data[i * d + b] - mean[b]) / n;
                }
            }
        }
        double reg = 1e-6;
        MixtureModel m = fit(nb, set.dataset(), GmmSettings.builder().k(1).covarianceType(type).regCovar(reg).build());
        String what = nb + " " + type.jsonName() + " k = 1";
        double rel = nb.tolerances().param;
        assertTrue(m.converged() && m.nIter() <= 3, what + ": took " + m.nIter() + " iterations");
        assertEquals(1.0, m.weights()[0], 1e-15, what);
        for (int a = 0; a < d; a++) {
            ModelAsserts.check(what + " mean " + a, mean[a], m.meansFlat()[a], rel, Math.sqrt(cov[a][a]));
        }
        double[][] c = m.covarianceMatrix(0);
        double spherical = (cov[0][0] + cov[1][1]) / 2 + reg;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double expected;
                if (type == CovarianceType.SPHERICAL) {
                    expected = a == b ? spherical : 0;
                } else if (type == CovarianceType.DIAG) {
                    expected = a == b ? cov[a][a] + reg : 0;
                } else {
                    expected = cov[a][b] + (a == b ? reg : 0);
                }
                ModelAsserts.check(what + " covariance " + a + "," + b, expected, c[a][b], rel,
                        Math.sqrt(cov[a][a] * cov[b][b]));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void oneFeature(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Set set = ReferenceData.load("synthetic_1d_k3");
        MixtureModel m = fit(nb, set.dataset(), GmmSettings.builder().k(3).covarianceType(type).seed(4).tol(1e-8)
                .maxIter(500).build());
        String what = nb + " " + type.jsonName() + " D = 1";
        assertFiniteFit(what, m);
        assertTrue(m.converged(), what);
        // k-means++ finds the same three clusters as scikit-learn's explicit start: the same optimum.
        ReferenceData.Case ref = set.get(type);
        double[] order = m.meansFlat().clone();
        java.util.Arrays.sort(order);
        double[] expected = ref.means.clone();
        java.util.Arrays.sort(expected);
        assertArrayEquals(expected, order, 1e-3, what + ": component means");
        ModelAsserts.check(what + ": lower bound", ref.lowerBound, m.lowerBound(), 1e-6, 0);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void maxIterZeroReturnsTheInitialisation(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Case c = ReferenceData.load("synthetic_2d_k4").get(type);
        MixtureModel m = fit(nb, c.set.dataset(), c.settings().maxIter(0).build());
        String what = nb + " " + type.jsonName() + " maxIter = 0";
        assertEquals(0, m.nIter(), what);
        assertFalse(m.converged(), what);
        assertEquals(0, m.lowerBoundHistory().length, what);
        assertArrayEquals(c.startWeights, m.weights(), 0.0, what);
        assertArrayEquals(c.startMeans, m.meansFlat(), 0.0, what);
        assertArrayEquals(c.startCovariances, m.covariancesFlat(), 0.0, what);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void nInitKeepsTheBestLowerBound(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Set set = ReferenceData.load("synthetic_2d_k4");
        int nInit = 5;
        double[] last = new double[nInit];
        java.util.Arrays.fill(last, Double.NaN);
        MixtureModel m = fit(nb, set.dataset(), GmmSettings.builder().k(4).covarianceType(type)
                .init(InitMethod.RANDOM).nInit(nInit).seed(21).maxIter(15).build(), new FitListener() {
                    @Override
                    public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
                        last[init] = lowerBound;
                    }
                });
        String what = nb + " " + type.jsonName() + " nInit = " + nInit;
        double best = Double.NEGATIVE_INFINITY;
        double worst = Double.POSITIVE_INFINITY;
        for (double v : last) {
            assertTrue(Double.isFinite(v), what + ": an initialisation did not run");
            best = Math.max(best, v);
            worst = Math.min(worst, v);
        }
        assertEquals(best, m.lowerBound(), 0.0, what);
        assertTrue(best > worst, what + ": all initialisations ended alike, the test shows nothing");
    }
}
