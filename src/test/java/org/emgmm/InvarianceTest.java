package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract: invariances of EM that hold exactly in exact arithmetic, so two fits may differ only by rounding
 * ({@link Tolerances#sameFit}): row permutation; a sample weight of 2 versus a duplicated row (and weight 0 versus
 * a removed row, and all weights scaled); an affine transform of the data with {@code regCovar = 0}; a relabelling
 * of the start's components. Every fit here runs a fixed number of iterations ({@code tol = 0}) from an explicit
 * start, so the two fits compared always make the same number of steps.
 */
class InvarianceTest {
    static final int ITERATIONS = 25;

    static Stream<Arguments> backendsAndTypes() {
        return TestBackends.all().flatMap(b -> Stream.of(CovarianceType.values()).map(t -> Arguments.of(b, t)));
    }

    /** The 2-D K=4 reference set and start of the type: overlapping enough that EM really moves. */
    private static ReferenceData.Case problem(CovarianceType type) {
        return ReferenceData.load("synthetic_2d_k4").get(type);
    }

    private static MixtureModel fit(TestBackends.NamedBackend nb, Dataset data, CovarianceType type,
                                    StartParameters start, double regCovar) {
        GmmSettings s = GmmSettings.builder().k(start.weights().length).covarianceType(type).tol(0)
                .regCovar(regCovar).maxIter(ITERATIONS).start(start).precision(nb.precision()).build();
        try (Backend b = nb.open()) {
            return new GaussianMixture(s).fit(data, b, new FitListener() { });
        }
    }

    private static void assertSameFit(String what, MixtureModel expected, MixtureModel actual, double rel) {
        ModelAsserts.assertParams(what, expected.covarianceType(), expected.weights(), expected.meansFlat(),
                expected.covariancesFlat(), actual, rel);
        ModelAsserts.check(what + ": lower bound", expected.lowerBound(), actual.lowerBound(), rel, 0);
        assertEquals(expected.nIter(), actual.nIter(), what + ": iterations");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void rowPermutation(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Case c = problem(type);
        int n = c.set.n;
        int d = c.set.d;
        int[] perm = permutation(n, new SplittableRandom(7));
        double[] px = new double[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(c.set.data, perm[i] * d, px, i * d, d);
        }
        MixtureModel a = fit(nb, c.set.dataset(), type, c.start(), 1e-6);
        MixtureModel b = fit(nb, ArrayDataset.of(px, d, null), type, c.start(), 1e-6);
        assertSameFit(nb + " " + type.jsonName() + " permuted rows", a, b, nb.tolerances().sameFit);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void weightTwoIsADuplicatedRow(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Case c = problem(type);
        int n = c.set.n;
        int d = c.set.d;
        // Every 7th row duplicated at the end of the data, versus the same rows weighted 2.
        List<double[]> rows = new ArrayList<>();
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            rows.add(java.util.Arrays.copyOfRange(c.set.data, i * d, (i + 1) * d));
            w[i] = 1;
        }
        for (int i = 0; i < n; i += 7) {
            rows.add(java.util.Arrays.copyOfRange(c.set.data, i * d, (i + 1) * d));
            w[i] = 2;
        }
        MixtureModel dup = fit(nb, ArrayDataset.of(rows.toArray(new double[0][]), null), type, c.start(), 1e-6);
        MixtureModel weighted = fit(nb, c.set.dataset().withWeights(w), type, c.start(), 1e-6);
        MixtureModel plain = fit(nb, c.set.dataset(), type, c.start(), 1e-6);
        String what = nb + " " + type.jsonName();
        assertSameFit(what + " weight 2 vs duplicated rows", dup, weighted, nb.tolerances().sameFit);
        // The weights matter: the unweighted fit is measurably different.
        assertTrue(Math.abs(plain.lowerBound() - weighted.lowerBound()) > 1e-4,
                what + ": weights had no effect on the lower bound");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void weightZeroIsARemovedRowAndScaleDoesNotMatter(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Case c = problem(type);
        int n = c.set.n;
        int d = c.set.d;
        List<double[]> kept = new ArrayList<>();
        double[] w = new double[n];
        double[] scaled = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = i % 5 == 0 ? 0 : 1;
            scaled[i] = 3.75 * (1 + (i % 3));
            if (w[i] > 0) {
                kept.add(java.util.Arrays.copyOfRange(c.set.data, i * d, (i + 1) * d));
            }
        }
        String what = nb + " " + type.jsonName();
        MixtureModel removed = fit(nb, ArrayDataset.of(kept.toArray(new double[0][]), null), type, c.start(), 1e-6);
        MixtureModel zero = fit(nb, c.set.dataset().withWeights(w), type, c.start(), 1e-6);
        assertSameFit(what + " weight 0 vs removed rows", removed, zero, nb.tolerances().sameFit);
        double[] unit = new double[n];
        for (int i = 0; i < n; i++) {
            unit[i] = scaled[i] / 3.75;
        }
        MixtureModel big = fit(nb, c.set.dataset().withWeights(scaled), type, c.start(), 1e-6);
        MixtureModel small = fit(nb, c.set.dataset().withWeights(unit), type, c.start(), 1e-6);
        assertSameFit(what + " weights x 3.75", small, big, nb.tolerances().sameFit);
    }

    /**
     * x ↦ A x + b with regCovar = 0: the fit of the transformed data from the transformed start is the transformed
     * fit (means A μ + b, covariances A Σ Aᵀ), and the lower bound shifts by −log |det A|. A is general for full and
     * tied, diagonal for diag, a scaled rotation for spherical (the families each type is closed under).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void affineTransform(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Case c = problem(type);
        int n = c.set.n;
        int d = c.set.d;
        double[][] a;
        switch (type) {
            case FULL:
            case TIED:
                a = new double[][] {{1.7, -0.6}, {0.4, 0.9}};
                break;
            case DIAG:
                a = new double[][] {{-2.5, 0}, {0, 0.3}};
                break;
            default: {
                double th = 0.7;
                double s = 3.2;
                a = new double[][] {{s * Math.cos(th), -s * Math.sin(th)}, {s * Math.sin(th), s * Math.cos(th)}};
            }
        }
        double[] shift = {10.0, -4.0};
        double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
        double[] tx = new double[n * d];
        for (int i = 0; i < n; i++) {
            affine(a, shift, c.set.data, i * d, tx, i * d);
        }
        int k = c.set.k;
        StartParameters s0 = c.start();
        StartParameters ts = new StartParameters(s0.weights(), transformMeans(a, shift, s0.means(), k),
                transformCov(a, type, s0.covariances(), k, d));
        MixtureModel m = fit(nb, c.set.dataset(), type, s0, 0);
        MixtureModel tm = fit(nb, ArrayDataset.of(tx, d, null), type, ts, 0);
        double rel = nb.tolerances().sameFit;
        String what = nb + " " + type.jsonName() + " affine";
        ModelAsserts.assertParams(what, type, m.weights(), transformMeans(a, shift, m.meansFlat(), k),
                transformCov(a, type, m.covariancesFlat(), k, d), tm, rel);
        double[] h = m.lowerBoundHistory();
        double[] th = tm.lowerBoundHistory();
        assertEquals(h.length, th.length, what + ": iterations");
        for (int t = 0; t < h.length; t++) {
            ModelAsserts.check(what + ": lower bound at iteration " + (t + 1), h[t] - Math.log(Math.abs(det)), th[t],
                    rel, 1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndTypes")
    void componentRelabelling(TestBackends.NamedBackend nb, CovarianceType type) {
        ReferenceData.Case c = problem(type);
        int k = c.set.k;
        int d = c.set.d;
        int[] perm = {2, 0, 3, 1}; // new component j is old component perm[j]
        StartParameters s0 = c.start();
        StartParameters ps = new StartParameters(permute(s0.weights(), perm, 1), permute(s0.means(), perm, d),
                type == CovarianceType.TIED ? s0.covariances()
                        : permute(s0.covariances(), perm, s0.covariances().length / k));
        MixtureModel m = fit(nb, c.set.dataset(), type, s0, 1e-6);
        MixtureModel pm = fit(nb, c.set.dataset(), type, ps, 1e-6);
        double[] cov = m.covariancesFlat();
        ModelAsserts.assertParams(nb + " " + type.jsonName() + " relabelled", type, permute(m.weights(), perm, 1),
                permute(m.meansFlat(), perm, d),
                type == CovarianceType.TIED ? cov : permute(cov, perm, cov.length / k), pm, nb.tolerances().sameFit);
        ModelAsserts.check("lower bound", m.lowerBound(), pm.lowerBound(), nb.tolerances().sameFit, 0);
    }

    static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Blocks of {@code width} values: out block j = in block perm[j]. */
    static double[] permute(double[] v, int[] perm, int width) {
        double[] out = new double[v.length];
        for (int j = 0; j < perm.length; j++) {
            System.arraycopy(v, perm[j] * width, out, j * width, width);
        }
        return out;
    }

    private static void affine(double[][] a, double[] b, double[] x, int off, double[] out, int outOff) {
        int d = b.length;
        for (int r = 0; r < d; r++) {
            double s = b[r];
            for (int q = 0; q < d; q++) {
                s += a[r][q] * x[off + q];
            }
            out[outOff + r] = s;
        }
    }

    private static double[] transformMeans(double[][] a, double[] b, double[] means, int k) {
        int d = b.length;
        double[] out = new double[k * d];
        for (int j = 0; j < k; j++) {
            affine(a, b, means, j * d, out, j * d);
        }
        return out;
    }

    /** A Σ Aᵀ in the type's layout (A diagonal for diag, s·rotation for spherical). */
    private static double[] transformCov(double[][] a, CovarianceType type, double[] cov, int k, int d) {
        switch (type) {
            case DIAG: {
                double[] out = new double[k * d];
                for (int j = 0; j < k; j++) {
                    for (int q = 0; q < d; q++) {
                        out[j * d + q] = a[q][q] * a[q][q] * cov[j * d + q];
                    }
                }
                return out;
            }
            case SPHERICAL: {
                double s2 = a[0][0] * a[0][0] + a[1][0] * a[1][0]; // squared scale of s·rotation
                double[] out = new double[k];
                for (int j = 0; j < k; j++) {
                    out[j] = s2 * cov[j];
                }
                return out;
            }
            default: {
                int blocks = type == CovarianceType.TIED ? 1 : k;
                double[] out = new double[blocks * d * d];
                for (int j = 0; j < blocks; j++) {
                    int o = j * d * d;
                    for (int r = 0; r < d; r++) {
                        for (int q = 0; q < d; q++) {
                            double s = 0;
                            for (int u = 0; u < d; u++) {
                                for (int v = 0; v < d; v++) {
                                    s += a[r][u] * cov[o + u * d + v] * a[q][v];
                                }
                            }
                            out[o + r * d + q] = s;
                        }
                    }
                }
                return out;
            }
        }
    }
}
