package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.backend.Backend;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.NotPositiveDefiniteException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14, host side: where float cannot represent a covariance the error says so and suggests double; under
 * {@code auto} the fit is refitted in double with a warning and an event. The data: feature 0 is 1 + 1e-9·noise,
 * distinct values in double but all 1.0f in float (float's spacing at 1 is 1.2e-7), feature 1 standard normal;
 * with reg_covar 0 its variance is about 1e-18 in double and exactly 0 in float.
 */
class FloatFallbackTest {

    static ArrayDataset belowFloatResolution() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 300;
        double[] x = new double[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = 1 + 1e-9 * (r.nextDouble() - 0.5);
            x[2 * i + 1] = r.nextDouble() * 2 - 1;
        }
        return ArrayDataset.of(x, 2, null);
    }

    static GmmSettings.Builder settings(CovarianceType type) {
        return GmmSettings.builder().k(1).covarianceType(type).regCovar(0).seed(3).openClDiscovery(false);
    }

    @ParameterizedTest
    @EnumSource(value = CovarianceType.class, names = {"FULL", "DIAG", "TIED", "SPHERICAL"})
    void explicitFloatFailsWithAHintAndDoubleSucceeds(CovarianceType type) {
        ArrayDataset data = belowFloatResolution();
        if (type != CovarianceType.SPHERICAL) {
            NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () ->
                    new GaussianMixture(settings(type).backend(BackendKind.CPU).precision(Precision.FLOAT).build())
                            .fit(data));
            assertTrue(e.floatPrecision(), e.getMessage());
            assertTrue(e.getMessage().contains("float precision") && e.getMessage().contains("--precision double"),
                    e.getMessage());
            assertEquals(1, e.iteration(), e.getMessage());
        }
        MixtureModel d = new GaussianMixture(settings(type).backend(BackendKind.CPU).precision(Precision.DOUBLE)
                .build()).fit(data);
        assertTrue(d.converged());
        assertTrue(d.events().isEmpty(), d.events().toString());
    }

    @ParameterizedTest
    @EnumSource(value = CovarianceType.class, names = {"FULL", "DIAG", "TIED"})
    void autoRefitsInDoubleWithAnEvent(CovarianceType type) {
        ArrayDataset data = belowFloatResolution();
        List<String> heard = new ArrayList<>();
        MixtureModel m = new GaussianMixture(settings(type).precision(Precision.FLOAT).build())
                .fit(data, new FitListener() {
                    @Override
                    public void event(String message) {
                        heard.add(message);
                    }
                });
        MixtureModel d = new GaussianMixture(settings(type).backend(BackendKind.CPU).precision(Precision.DOUBLE)
                .build()).fit(data);
        ModelAsserts.assertIdentical(type + ": the retry is the double fit", d, m);
        assertEquals(1, m.events().size(), m.events().toString());
        assertTrue(m.events().get(0).contains("refitted in double precision"), m.events().toString());
        assertEquals(m.events(), heard);
    }

    @ParameterizedTest
    @EnumSource(value = CovarianceType.class, names = {"FULL", "DIAG"})
    void aBackendTheCallerOwnsIsNeverRetried(CovarianceType type) {
        ArrayDataset data = belowFloatResolution();
        try (Backend b = new CpuBackend(1, Precision.FLOAT)) {
            GaussianMixture gm = new GaussianMixture(settings(type).precision(Precision.FLOAT).build());
            NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                    () -> gm.fit(data, b, new FitListener() { }));
            assertTrue(e.floatPrecision());
        }
        NotPositiveDefiniteException plain = new NotPositiveDefiniteException(2, 5, "pivot -1");
        assertFalse(plain.floatPrecision());
        assertFalse(plain.getMessage().contains("--precision double"), plain.getMessage());
        NotPositiveDefiniteException f = plain.inFloat();
        assertTrue(f.floatPrecision() && f.getMessage().contains("--precision double"), f.getMessage());
        assertEquals(2, f.component());
        assertEquals(5, f.iteration());
    }

    /** Model selection under auto refits a candidate that float cannot represent in double; explicit cpu does not. */
    @ParameterizedTest
    @EnumSource(value = CovarianceType.class, names = {"FULL", "DIAG"})
    void selectionUnderAutoRefitsAFloatFailureInDouble(CovarianceType type) {
        ArrayDataset data = belowFloatResolution();
        List<String> heard = new ArrayList<>();
        ModelSelection.Result r = new ModelSelection(settings(type).precision(Precision.FLOAT).build(),
                new int[] {1}, List.of(type), ModelSelection.Criterion.BIC).fit(data, new ModelSelection.Listener() {
                    @Override
                    public void event(String message) {
                        heard.add(message);
                    }
                });
        ModelSelection.Candidate c = r.candidates().get(0);
        assertTrue(c.ok(), c.error());
        MixtureModel d = new GaussianMixture(settings(type).backend(BackendKind.CPU).precision(Precision.DOUBLE)
                .build()).fit(data);
        ModelAsserts.assertIdentical(type + ": the candidate is the double fit", d, c.model());
        assertEquals(1, c.model().events().size(), c.model().events().toString());
        assertTrue(c.model().events().get(0).contains("refitted in double precision"), c.model().events().toString());
        assertEquals(c.model().events(), heard);
        // scored in double: in float feature 0 is constant, its Mahalanobis term 0 instead of about 1 per row
        assertEquals(d.bic(data), c.bic());
        assertEquals(d.aic(data), c.aic());

        ModelSelection.Result explicit = new ModelSelection(settings(type).backend(BackendKind.CPU)
                .precision(Precision.FLOAT).build(), new int[] {1}, List.of(type), ModelSelection.Criterion.BIC)
                .fit(data);
        ModelSelection.Candidate f = explicit.candidates().get(0);
        assertFalse(f.ok());
        assertTrue(f.error().contains("--precision double"), f.error());
    }
}
