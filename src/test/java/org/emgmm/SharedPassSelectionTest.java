package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.backend.MultiPass;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.Initializer;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.api.Test;

/**
 * Model selection with the candidates fitted together on one shared pass per iteration equals the candidates
 * fitted one after the other, each on its own passes, bit for bit in double: every covariance type, K = 1..6,
 * with sample weights, with {@code nInit} restarts, at one thread and several. And the CPU backend's multi-model
 * pass gives each model the statistics of its own pass.
 */
class SharedPassSelectionTest {
    private static final List<CovarianceType> ALL = List.of(CovarianceType.values());

    private static Dataset data(boolean weighted) {
        Synthetic s = Synthetic.generate(4, CovarianceType.FULL, 3, 4, 700, 3.0);
        double[] w = null;
        if (weighted) {
            SplittableRandom rnd = new SplittableRandom(8);
            w = new double[s.n];
            for (int i = 0; i < w.length; i++) {
                w[i] = 0.25 + rnd.nextDouble();
            }
        }
        return ArrayDataset.of(s.x, s.d, w);
    }

    private static void assertSameModels(ModelSelection.Result want, ModelSelection.Result got) {
        assertEquals(want.candidates().size(), got.candidates().size());
        for (int i = 0; i < want.candidates().size(); i++) {
            ModelSelection.Candidate a = want.candidates().get(i);
            ModelSelection.Candidate b = got.candidates().get(i);
            String what = a.type() + " k=" + a.k();
            assertEquals(a.type(), b.type(), what);
            assertEquals(a.k(), b.k(), what);
            assertEquals(a.ok(), b.ok(), what);
            if (!a.ok()) {
                assertEquals(a.error(), b.error(), what);
                continue;
            }
            MixtureModel ma = a.model();
            MixtureModel mb = b.model();
            assertArrayEquals(ma.weights(), mb.weights(), 0.0, what);
            assertArrayEquals(ma.meansFlat(), mb.meansFlat(), 0.0, what);
            assertArrayEquals(ma.covariancesFlat(), mb.covariancesFlat(), 0.0, what);
            assertArrayEquals(ma.lowerBoundHistory(), mb.lowerBoundHistory(), 0.0, what);
            assertEquals(ma.converged(), mb.converged(), what);
            assertEquals(Double.doubleToLongBits(a.bic()), Double.doubleToLongBits(b.bic()), what);
            assertEquals(Double.doubleToLongBits(a.aic()), Double.doubleToLongBits(b.aic()), what);
        }
        assertEquals(want.best().k(), got.best().k());
        assertEquals(want.best().type(), got.best().type());
    }

    private static ModelSelection.Result select(ModelSelection sel, Dataset data, int threads, Recording rec) {
        try (CpuBackend b = new CpuBackend(threads, Precision.DOUBLE)) {
            return sel.fit(data, b, rec);
        }
    }

    @Test
    void sharedPassEqualsCandidateByCandidateOverAllTypesAndK1To6() {
        Dataset data = data(false);
        GmmSettings base = GmmSettings.builder().seed(3).tol(1e-6).maxIter(200).build();
        ModelSelection sel = new ModelSelection(base, ModelSelection.range(1, 6), ALL, ModelSelection.Criterion.BIC);
        Recording seqEvents = new Recording();
        Recording sharedEvents = new Recording();
        ModelSelection.Result seq = select(sel.sequential(), data, 1, seqEvents);
        ModelSelection.Result shared = select(sel, data, 3, sharedEvents);
        assertSameModels(seq, shared);
        // the listener hears the same events, in candidate order
        assertEquals(seqEvents.lines, sharedEvents.lines);
    }

    @Test
    void weightedDataAndRestartsGiveTheSameModels() {
        Dataset data = data(true);
        GmmSettings base = GmmSettings.builder().seed(11).nInit(3).tol(1e-5).build();
        ModelSelection sel = new ModelSelection(base, new int[] {1, 3, 5}, ALL, ModelSelection.Criterion.AIC);
        ModelSelection.Result seq = select(sel.sequential(), data, 2, new Recording());
        ModelSelection.Result shared = select(sel, data, 1, new Recording());
        assertSameModels(seq, shared);
    }

    @Test
    void moreCandidatesThanRunAtOnceGiveTheSameModels() {
        Dataset data = data(false);
        assertEquals(3, ModelSelection.together(data, 3));
        assertEquals(ModelSelection.MAX_TOGETHER, ModelSelection.together(data, 1000));
        GmmSettings base = GmmSettings.builder().seed(1).maxIter(30).build();
        ModelSelection sel = new ModelSelection(base, ModelSelection.range(1, 17), ALL, ModelSelection.Criterion.BIC);
        assertTrue(sel.size() > ModelSelection.MAX_TOGETHER);
        assertSameModels(select(sel.sequential(), data, 2, new Recording()), select(sel, data, 2, new Recording()));
    }

    @Test
    void aStopBeforeTheStartSkipsEveryCandidate() {
        Dataset data = data(false);
        GmmSettings base = GmmSettings.builder().seed(3).build();
        ModelSelection sel = new ModelSelection(base, ModelSelection.range(1, 4), ALL, ModelSelection.Criterion.BIC);
        Recording stopAtOnce = new Recording();
        stopAtOnce.stopAfterPolls = 0;
        ModelSelection.Result r = select(sel, data, 2, stopAtOnce);
        assertTrue(r.stopped());
        assertEquals(0, r.candidates().size());
    }

    @Test
    void aStopDuringTheFitsKeepsTheBestSoFar() {
        Dataset data = data(false);
        GmmSettings base = GmmSettings.builder().seed(3).tol(1e-8).maxIter(500).build();
        ModelSelection sel = new ModelSelection(base, ModelSelection.range(1, 6), ALL, ModelSelection.Criterion.BIC);
        ModelSelection.Result full = select(sel.sequential(), data, 2, new Recording());
        Recording stopLater = new Recording();
        stopLater.stopAfterPolls = 60; // polls come from every candidate's thread: some iterations in
        ModelSelection.Result r = select(sel, data, 2, stopLater);
        assertTrue(r.stopped());
        ModelSelection.Candidate best = r.best(); // the best so far exists and is a fitted model
        assertTrue(best.ok());
        int unfinished = 0;
        for (ModelSelection.Candidate c : r.candidates()) {
            ModelSelection.Candidate ref = full.candidates().stream()
                    .filter(x -> x.k() == c.k() && x.type() == c.type()).findFirst().orElseThrow();
            assertEquals(ref.ok(), c.ok());
            if (!c.ok()) {
                continue;
            }
            if (c.model().nIter() == ref.model().nIter()) {
                // a candidate that finished before the stop is the one of the uninterrupted selection
                assertArrayEquals(ref.model().meansFlat(), c.model().meansFlat(), 0.0, c.type() + " k=" + c.k());
            } else {
                unfinished++;
                assertTrue(c.model().nIter() < ref.model().nIter(), c.type() + " k=" + c.k());
            }
        }
        assertTrue(unfinished > 0, "the stop came while candidates were iterating");
    }

    @Test
    void cpuMultiPassGivesEachModelTheBitsOfItsOwnPass() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset data = data(weighted);
            Initializer init = new Initializer(data, 1);
            for (Precision precision : Precision.values()) {
                for (boolean vector : new boolean[] {false, CpuBackend.vectorAvailable()}) {
                    try (CpuBackend b = new CpuBackend(2, precision, vector)) {
                        List<Gaussians> models = new ArrayList<>();
                        for (CovarianceType t : ALL) {
                            for (int k = 1; k <= 6; k += 2) {
                                models.add(init.initialize(k, t, InitMethod.KMEANS_PLUSPLUS, 1e-6, null, null, null,
                                        new SplittableRandom(k)));
                            }
                        }
                        SufficientStatistics[] together;
                        try (MultiPass mp = b.prepareMulti(data)) {
                            together = mp.accumulate(models.toArray(new Gaussians[0]));
                        }
                        for (int i = 0; i < models.size(); i++) {
                            Gaussians g = models.get(i);
                            SufficientStatistics alone;
                            try (Pass p = b.prepare(data, g.k, g.type)) {
                                alone = p.accumulate(g);
                            }
                            String what = precision + " vector=" + vector + " weighted=" + weighted + " " + g.type
                                    + " k=" + g.k;
                            assertArrayEquals(alone.s0, together[i].s0, 0.0, what);
                            assertArrayEquals(alone.s1, together[i].s1, 0.0, what);
                            assertArrayEquals(alone.s2, together[i].s2, 0.0, what);
                            assertEquals(alone.logLik, together[i].logLik, 0.0, what);
                            assertEquals(alone.weightSum, together[i].weightSum, 0.0, what);
                        }
                    }
                }
            }
        }
    }

    /** Records what a listener hears, as text. */
    private static final class Recording implements ModelSelection.Listener {
        final List<String> lines = new ArrayList<>();
        /** Answer true from this many stop polls on (from any thread); never when negative. */
        int stopAfterPolls = -1;
        private final java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void candidateStarted(int index, int total, int k, CovarianceType type) {
            lines.add("start " + index + "/" + total + " " + k + " " + type);
        }

        @Override
        public void candidateFinished(ModelSelection.Candidate c) {
            lines.add("done " + c.k() + " " + c.type() + " " + c.bic());
        }

        @Override
        public void initStarted(int init, int nInit) {
            lines.add("init " + init + "/" + nInit);
        }

        @Override
        public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
            lines.add("iter " + init + " " + iteration + " " + lowerBound + " " + change);
        }

        @Override
        public void event(String message) {
            lines.add(message);
        }

        @Override
        public boolean stopRequested() {
            return stopAfterPolls >= 0 && polls.getAndIncrement() >= stopAfterPolls;
        }
    }
}
