package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.emgmm.FitListener;
import org.emgmm.GmmSettings;
import org.emgmm.ModelSelection;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.api.Test;

/** The library call behind {@code emgmm select}, against scikit-learn's BIC and AIC on Old Faithful. */
class ModelSelectionTest {
    /*
     * scikit-learn 1.2.1:
     *   /usr/bin/python3 -c "import numpy as np; from sklearn.mixture import GaussianMixture as G
     *   X=np.loadtxt('src/main/resources/org/emgmm/faithful.csv',delimiter=',',skiprows=1)
     *   for ct in ['full','tied','diag','spherical']:
     *     for k in [1,2,3,4]:
     *       g=G(k,covariance_type=ct,tol=1e-10,max_iter=1000,n_init=10,random_state=0).fit(X)
     *       print(ct,k,repr(g.bic(X)),repr(g.aic(X)))"
     * rows: type, k, BIC, AIC (k = 1, 2 only: unique optima; the chosen model is checked separately)
     */
    static final Object[][] SK = {
        {CovarianceType.FULL, 1, 2607.6225004390044, 2589.5934901075243},
        {CovarianceType.FULL, 2, 2322.1917431166466, 2282.5279203873906},
        {CovarianceType.TIED, 1, 2607.622500439005, 2589.5934901075248},
        {CovarianceType.TIED, 2, 2325.2199354147683, 2296.3735188844003},
        {CovarianceType.DIAG, 1, 3055.834861501872, 3041.4116532366884},
        {CovarianceType.DIAG, 2, 2346.0649236853023, 2313.6127050886384},
        {CovarianceType.SPHERICAL, 1, 4024.7214793679636, 4013.9040731690757},
        {CovarianceType.SPHERICAL, 2, 3458.2991788199697, 3433.058564355898},
    };
    /** scikit-learn's lowest BIC over k = 1..4 and all four types: tied, k = 3. */
    static final double SK_BEST_BIC = 2314.295678517813;

    static GmmSettings base() {
        return GmmSettings.builder().tol(1e-10).maxIter(1000).nInit(10).seed(0).backend(BackendKind.CPU).build();
    }

    @Test
    void choosesWhatScikitLearnChoosesOnOldFaithful() throws Exception {
        Dataset data = InputArgs.faithful();
        ModelSelection.Result r = new ModelSelection(base(), ModelSelection.range(1, 4),
                List.of(CovarianceType.values()), ModelSelection.Criterion.BIC).fit(data);
        assertEquals(16, r.candidates().size());
        for (Object[] row : SK) {
            ModelSelection.Candidate c = r.candidates().stream()
                    .filter(x -> x.type() == row[0] && x.k() == (int) row[1]).findFirst().orElseThrow();
            assertEquals((double) row[2], c.bic(), 1e-6 * (double) row[2], c.type() + " k=" + c.k());
            assertEquals((double) row[3], c.aic(), 1e-6 * (double) row[3], c.type() + " k=" + c.k());
        }
        assertEquals(CovarianceType.TIED, r.best().type());
        assertEquals(3, r.best().k());
        assertEquals(SK_BEST_BIC, r.best().bic(), 1e-6 * SK_BEST_BIC);
        assertEquals(r.best().bic(), r.best().model().bic(data), 1e-9);
        assertFalse(r.stopped());
    }

    @Test
    void aicCanChooseDifferently() throws Exception {
        Dataset data = InputArgs.faithful();
        ModelSelection.Result r = new ModelSelection(base(), new int[] {1, 2}, List.of(CovarianceType.FULL),
                ModelSelection.Criterion.AIC).fit(data);
        assertEquals(2, r.best().k());
        assertEquals(2282.5279203873906, r.best().aic(), 1e-3);
    }

    @Test
    void candidatesLargerThanTheDataAreRecordedAsFailures() {
        Dataset tiny = ArrayDataset.of(new double[][] {{0, 0}, {1, 1}, {5, 5}}, null);
        ModelSelection.Result r = new ModelSelection(base(), new int[] {1, 5}, List.of(CovarianceType.SPHERICAL),
                ModelSelection.Criterion.BIC).fit(tiny);
        assertTrue(r.candidates().get(0).ok());
        assertFalse(r.candidates().get(1).ok());
        assertNull(r.candidates().get(1).model());
        assertTrue(r.candidates().get(1).error().contains("larger than the number of samples"));
        assertEquals(1, r.best().k());
    }

    /**
     * One candidate after the other: a stop after the first candidate keeps that one alone. (Fitted together, the
     * default on the CPU, the candidates running at the stop are kept too: SharedPassSelectionTest.)
     */
    @Test
    void stopRequestEndsTheSelectionEarly() throws Exception {
        int[] started = new int[1];
        ModelSelection.Listener stopAfterFirst = new ModelSelection.Listener() {
            @Override
            public void candidateStarted(int index, int total, int k, CovarianceType type) {
                started[0]++;
            }

            @Override
            public boolean stopRequested() {
                return started[0] >= 1;
            }
        };
        ModelSelection.Result r = new ModelSelection(base(), ModelSelection.range(1, 5),
                List.of(CovarianceType.FULL), ModelSelection.Criterion.BIC).sequential()
                .fit(InputArgs.faithful(), stopAfterFirst);
        assertTrue(r.stopped());
        assertEquals(1, r.candidates().size());
        assertEquals(1, r.best().k());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ModelSelection.range(3, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelSelection(base(), new int[] {0},
                List.of(CovarianceType.FULL), ModelSelection.Criterion.BIC));
        assertThrows(IllegalArgumentException.class, () -> new ModelSelection(base(), new int[] {1},
                List.of(), ModelSelection.Criterion.BIC));
        assertThrows(IllegalArgumentException.class, () -> ModelSelection.Criterion.parse("dic"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelectCommand.parseKs("1..x"));
        assertTrue(e.getMessage().contains("1..x"));
        assertEquals(List.of(1, 2, 3, 6), java.util.Arrays.stream(SelectCommand.parseKs("1..3,6,2"))
                .boxed().toList());
        FitListener none = new FitListener() { };
        assertFalse(none.stopRequested());
    }
}
