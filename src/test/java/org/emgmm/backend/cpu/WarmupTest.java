package org.emgmm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
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
 * The kernel warm-up ({@link Warmup}) leaves nothing behind: a kernel that ran the warm-up rounds gives the same bits
 * as a fresh one, for every kernel (vector and plain, float and double) and covariance type, with and without sample
 * weights; its synthetic parameters are valid for any data, a constant feature included.
 */
class WarmupTest {

    static Stream<Arguments> kernels() {
        List<Arguments> a = new ArrayList<>();
        List<Boolean> vector = CpuBackend.vectorAvailable() ? List.of(false, true) : List.of(false);
        for (CovarianceType type : CovarianceType.values()) {
            for (boolean v : vector) {
                for (boolean f : List.of(false, true)) {
                    a.add(Arguments.of(type, v, f, type.ordinal() % 2 == 0));
                }
            }
        }
        return a.stream();
    }

    private static Kernel kernel(Dataset data, int k, CovarianceType type, boolean vector, boolean f) {
        if (vector) {
            return VectorKernels.create(data, k, type, f);
        }
        return f ? new ScalarFloatKernel(data, k) : new ScalarDoubleKernel(data, k);
    }

    @ParameterizedTest(name = "{0} vector={1} float={2} weights={3}")
    @MethodSource("kernels")
    void aWarmedKernelGivesTheBitsOfAFreshOne(CovarianceType type, boolean vector, boolean f, boolean weights) {
        int n = 3 * Kernel.BLOCK + 37;
        int d = 6;
        int k = 5;
        CpuBackendTest.Problem pr = CpuBackendTest.problem(11, n, d, k, type, weights);
        double meanWeight = meanWeight(pr.data);
        Params p = new Params(pr.params, f, meanWeight);

        SufficientStatistics fresh = new SufficientStatistics(k, d, type);
        kernel(pr.data, k, type, vector, f).run(p, 0, n, fresh);

        Kernel warmed = kernel(pr.data, k, type, vector, f);
        long ns = Warmup.exercise(warmed, vector, k, type, f, meanWeight, 20_000_000L);
        assertTrue(ns > 0);
        SufficientStatistics after = new SufficientStatistics(k, d, type);
        warmed.run(p, 0, n, after);
        CpuBackendTest.assertBitwise(fresh, after, type + " after the warm-up");

        // the launcher's stopping rule (compilations in the calling thread): the same
        Kernel warmedBlocking = kernel(pr.data, k, type, vector, f);
        assertTrue(Warmup.exercise(warmedBlocking, vector, k, type, f, meanWeight, 20_000_000L, true) > 0);
        SufficientStatistics afterBlocking = new SufficientStatistics(k, d, type);
        warmedBlocking.run(p, 0, n, afterBlocking);
        CpuBackendTest.assertBitwise(fresh, afterBlocking, type + " after the blocking-mode warm-up");
        assertFalse(helperAlive(), "the blocking-mode warm-up's helper thread stopped with it");
    }

    /** @return whether a warm-up helper thread is running */
    private static boolean helperAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("emgmm-warmup-helper"));
    }

    /**
     * select's early warm-ups ({@link Warmup#startEarly(Dataset, int[], List, ExecutionSettings)}): one per kind of
     * kernel its covariance types need, started when the candidates' passes together are worth it (though no single
     * one is); a pass of one kind waits for its own and leaves the other kind's running to its end.
     */
    @Test
    void aSelectionWarmsUpEveryKindItNeedsAndAPassOfOneKindCancelsNone() {
        int n = 20_000;
        int d = 8;
        int[] ks = {1, 2, 3, 4, 5, 6, 7, 8};
        CpuBackendTest.Problem pr = CpuBackendTest.problem(9, n, d, 8, CovarianceType.DIAG, false);
        boolean vector = CpuBackend.vectorAvailable();
        Kernel kernel = new CpuBackend(1, Precision.DOUBLE, vector).kernel(pr.data, 8, CovarianceType.FULL);
        Kernel diag = new CpuBackend(1, Precision.DOUBLE, vector).kernel(pr.data, 8, CovarianceType.DIAG);
        List<CovarianceType> all = List.of(CovarianceType.FULL, CovarianceType.TIED, CovarianceType.DIAG,
                CovarianceType.SPHERICAL);
        assertFalse(Warmup.worthIt(n, d, 8, CovarianceType.FULL), "no single candidate's pass is worth it");
        try {
            Warmup.forget();
            List<Warmup.Early> early = Warmup.startEarly(pr.data, ks, all, ExecutionSettings.DEFAULTS);
            assertEquals(2, early.size(), "one warm-up per kind: outer products (full, tied) and diagonal sums");
            Warmup.run(kernel, vector, 8, CovarianceType.FULL, false, 1.0); // waits for its kind's, cancels none
            early.forEach(Warmup.Early::await);
            assertTrue(Warmup.done(kernel, CovarianceType.TIED), "the outer-product kind ran to its end");
            assertTrue(Warmup.done(diag, CovarianceType.SPHERICAL), "the diagonal kind ran to its end");

            Warmup.forget();
            early = Warmup.startEarly(pr.data, ks, List.of(CovarianceType.FULL, CovarianceType.TIED),
                    ExecutionSettings.DEFAULTS);
            assertEquals(1, early.size(), "full and tied: one kind");
            early.forEach(Warmup.Early::await);
            Warmup.forget();
            assertTrue(Warmup.startEarly(pr.data, new int[] {1, 2}, List.of(CovarianceType.DIAG),
                    ExecutionSettings.DEFAULTS).isEmpty(), "2 diag candidates over 20,000 x 8: not worth it");
        } finally {
            Warmup.forget();
        }
    }

    /**
     * fit's early warm-up ({@link Warmup#startEarly}, on its own thread): the pass that needs its kind waits for it
     * and runs no rounds of its own; a cancelled one leaves the kind to the pass; a pass of another kind cancels it.
     */
    @Test
    void anEarlyWarmUpIsAwaitedByThePassThatNeedsItAndCancelledOtherwise() {
        int n = 50_000;
        int d = 16;
        int k = 64; // N·K·D = 5.1e7: worth a warm-up
        CpuBackendTest.Problem pr = CpuBackendTest.problem(5, n, d, k, CovarianceType.DIAG, false);
        boolean vector = CpuBackend.vectorAvailable();
        Kernel diag = new CpuBackend(1, Precision.DOUBLE, vector).kernel(pr.data, k, CovarianceType.DIAG);
        try {
            Warmup.forget();
            Warmup.Early early = Warmup.startEarly(pr.data, k, CovarianceType.DIAG, ExecutionSettings.DEFAULTS);
            assertNotSame(Warmup.Early.NONE, early);
            Warmup.run(diag, vector, k, CovarianceType.DIAG, false, 1.0); // waits for the early one
            assertTrue(Warmup.done(diag, CovarianceType.DIAG), "the early warm-up ran to its end");
            assertSame(Warmup.Early.NONE, Warmup.startEarly(pr.data, k, CovarianceType.DIAG,
                    ExecutionSettings.DEFAULTS), "nothing to start for a kind already warm");

            Warmup.forget();
            early = Warmup.startEarly(pr.data, k, CovarianceType.DIAG, ExecutionSettings.DEFAULTS);
            early.close(); // e.g. the fit runs on OpenCL
            early.await();
            assertFalse(Warmup.done(diag, CovarianceType.DIAG), "a cancelled warm-up does not count");
            assertTrue(Warmup.run(diag, vector, k, CovarianceType.DIAG, false, 1.0) > 0, "the pass warms up itself");
            assertTrue(Warmup.done(diag, CovarianceType.DIAG));

            // started twice (the command line's guess, cli/Preload, then the fit itself): the second call gets the
            // running warm-up's handle, and closing it cancels that warm-up
            Warmup.forget();
            early = Warmup.startEarly(pr.data, k, CovarianceType.DIAG, ExecutionSettings.DEFAULTS);
            Warmup.Early again = Warmup.startEarly(pr.data, k, CovarianceType.DIAG, ExecutionSettings.DEFAULTS);
            assertSame(early, again, "the running warm-up's handle");
            again.close();
            early.await();
            assertFalse(Warmup.done(diag, CovarianceType.DIAG), "closing the second handle cancelled it");

            Warmup.forget();
            early = Warmup.startEarly(pr.data, k, CovarianceType.DIAG, ExecutionSettings.DEFAULTS);
            Kernel full = new CpuBackend(1, Precision.DOUBLE, vector).kernel(pr.data, k, CovarianceType.FULL);
            Warmup.run(full, vector, k, CovarianceType.FULL, false, 1.0); // another kind: cancels the diag one
            early.await();
            assertFalse(Warmup.done(diag, CovarianceType.DIAG), "the other kind's pass cancelled it");
        } finally {
            Warmup.forget();
        }
    }

    @Test
    void syntheticParametersAreValidWithAConstantFeature() {
        int n = 300;
        int d = 3;
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            x[i * d] = i % 17;
            x[i * d + 1] = 5; // constant
            x[i * d + 2] = Math.sin(i);
        }
        Dataset data = ArrayDataset.of(x, d, null);
        for (CovarianceType type : CovarianceType.values()) {
            for (double scale : new double[] {1, 1e-5}) {
                Gaussians g = Warmup.synthetic(data, 7, type, scale);
                assertEquals(7, g.k);
                for (double c : g.logConst) {
                    assertTrue(Double.isFinite(c), type + " " + scale);
                }
            }
        }
    }

    @Test
    void onlyPassesWorthTheTimeAreWarmedUp() {
        assertTrue(Warmup.worthIt(200_000, 16, 16, CovarianceType.FULL));
        assertTrue(Warmup.worthIt(1_000_000, 16, 16, CovarianceType.DIAG));
        assertFalse(Warmup.worthIt(272, 2, 2, CovarianceType.FULL)); // the bundled data
        assertFalse(Warmup.worthIt(100_000, 2, 3, CovarianceType.DIAG));
    }

    private static double meanWeight(Dataset data) {
        if (!data.hasWeights()) {
            return 1;
        }
        double[] w = new double[(int) data.rows()];
        data.readWeights(0, w.length, w, 0);
        double s = 0;
        for (double v : w) {
            s += v;
        }
        return s / w.length;
    }
}
