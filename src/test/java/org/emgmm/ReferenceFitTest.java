package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract: every backend reproduces scikit-learn's fits of Old Faithful and three seeded synthetic sets (1-D K=3,
 * 2-D K=4, 8-D K=5) for all four covariance types, from the same explicit start, tol 1e-10, reg_covar 1e-6.
 * The numbers come from scikit-learn 1.2.1, made from the repository root by
 *
 * <pre>
 *   /usr/bin/python3 src/test/resources/reference/make_reference.py src/test/resources/reference
 * </pre>
 *
 * Double backends: parameters within {@link Tolerances#PARAM_F64} relative, lower bound within
 * {@link Tolerances#LOWER_BOUND_F64}, iterations within ±{@link Tolerances#ITER_F64}. Float backends: parameters
 * within {@link Tolerances#PARAM_F32}, lower bound within {@link Tolerances#LOWER_BOUND_F32}; their iteration count
 * is not compared (float rounding moves the lower bound by more than tol 1e-10, so a float fit may run on to its
 * iteration limit).
 */
class ReferenceFitTest {

    static Stream<Arguments> backendsAndCases() {
        return TestBackends.all().flatMap(b -> ReferenceData.cases().map(c -> Arguments.of(b, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndCases")
    void reproducesScikitLearn(TestBackends.NamedBackend nb, ReferenceData.Case c) {
        Tolerances tol = nb.tolerances();
        GmmSettings.Builder sb = c.settings().precision(nb.precision());
        if (!tol.compareIterations) {
            sb.maxIter(Math.max(200, 10 * c.nIter));
        }
        ArrayDataset data = c.set.dataset();
        MixtureModel m;
        try (Backend b = nb.open()) {
            m = new GaussianMixture(sb.build()).fit(data, b, new FitListener() { });
        }
        String what = nb + " " + c;
        if (tol.compareIterations) {
            assertTrue(m.converged(), what + ": not converged after " + m.nIter() + " iterations");
            assertTrue(Math.abs(m.nIter() - c.nIter) <= Tolerances.ITER_F64,
                    what + ": " + m.nIter() + " iterations, scikit-learn " + c.nIter);
        }
        ModelAsserts.check(what + ": lower bound", c.lowerBound, m.lowerBound(), tol.lowerBound, 0);
        ModelAsserts.assertParams(what, c.type, c.weights, c.means, c.covariances, m, tol.param);
        assertEquals(m.lowerBoundHistory().length, m.nIter(), what + ": one history entry per iteration");
        assertEquals(c.set.k, m.nComponents());
        assertEquals(c.set.d, m.nFeatures());
    }

    /**
     * The library's own entry points (backend chosen by the settings, opened and closed by the fit; rows as
     * {@code double[][]}) reproduce the reference too, with the default {@code auto} backend and with {@code cpu}.
     */
    @Test
    void defaultEntryPointsReproduceScikitLearn() {
        ReferenceData.Case c = ReferenceData.load("faithful").get(CovarianceType.FULL);
        double[][] rows = new double[c.set.n][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = java.util.Arrays.copyOfRange(c.set.data, i * c.set.d, (i + 1) * c.set.d);
        }
        for (BackendKind kind : new BackendKind[] {BackendKind.AUTO, BackendKind.CPU}) {
            MixtureModel m = new GaussianMixture(c.settings().backend(kind).build()).fit(rows);
            String what = kind + " " + c;
            assertTrue(Math.abs(m.nIter() - c.nIter) <= Tolerances.ITER_F64, what + ": iterations " + m.nIter());
            ModelAsserts.check(what + ": lower bound", c.lowerBound, m.lowerBound(), Tolerances.LOWER_BOUND_F64, 0);
            ModelAsserts.assertParams(what, c.type, c.weights, c.means, c.covariances, m, Tolerances.PARAM_F64);
        }
    }
}
