package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.DataFingerprint;
import org.emgmm.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checkpoint and resume in the library: a fit continued from any of its checkpoints (after a round trip through the
 * checkpoint's JSON text) ends with the same model, to the bit, as the fit never interrupted, and hands on the same
 * checkpoints after the cut; a resume on other settings or data is refused, naming what differs.
 */
class CheckpointResumeTest {

    /** Records every checkpoint as its JSON text, and counts iterations. */
    private static final class Recorder implements FitListener {
        final List<String> states = new ArrayList<>();
        int iterations;
        final List<String> events = new ArrayList<>();

        @Override
        public void checkpoint(FitState state) {
            states.add(state.toJson());
        }

        @Override
        public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
            iterations++;
        }

        @Override
        public void event(String message) {
            events.add(message);
        }
    }

    private static Dataset data() {
        return ReferenceData.load("synthetic_2d_k4").dataset();
    }

    private static GmmSettings.Builder settings(CovarianceType type) {
        return GmmSettings.builder().k(4).covarianceType(type).nInit(3).seed(7).tol(1e-5).maxIter(12)
                .backend(BackendKind.CPU).threads(2);
    }

    /**
     * Resumes from every checkpoint of the run and checks the final model and the checkpoints that follow.
     *
     * @return the checkpoints of the uninterrupted run
     */
    private static List<String> assertResumesFromEveryCheckpoint(String what, Dataset data, GmmSettings s) {
        Recorder full = new Recorder();
        String reference = new GaussianMixture(s).fit(data, full).toJson();
        assertTrue(full.states.size() >= 2, what + ": " + full.states.size() + " checkpoints");
        for (int i = 0; i < full.states.size(); i++) {
            FitState state = FitState.fromJson(full.states.get(i));
            StartParameters start = s.start() == null ? StartParameters.resume(state)
                    : s.start().resumingFrom(state);
            Recorder resumed = new Recorder();
            String model = new GaussianMixture(s.toBuilder().start(start).build()).fit(data, resumed).toJson();
            String at = what + ", resumed from checkpoint " + i + " (initialisation " + state.restart()
                    + ", iteration " + state.iterations() + ")";
            assertEquals(reference, model, at);
            assertEquals(full.states.subList(i + 1, full.states.size()), resumed.states, at + ": later checkpoints");
            assertTrue(resumed.events.get(0).startsWith("resumed from a checkpoint: initialisation "
                    + (state.restart() + 1) + " of " + s.nInit()), at + ": " + resumed.events);
        }
        return full.states;
    }

    @ParameterizedTest
    @EnumSource(CovarianceType.class)
    void resumedFromAnyCheckpointEndsBitIdentical(CovarianceType type) {
        List<String> states = assertResumesFromEveryCheckpoint(type.jsonName(), data(), settings(type).build());
        FitState last = FitState.fromJson(states.get(states.size() - 1));
        assertTrue(last.finished());
        FitState mid = FitState.fromJson(states.get(states.size() / 2));
        assertFalse(mid.finished());
        // Every initialisation was checkpointed, each with its own iteration count.
        for (int r = 0; r < 3; r++) {
            final int rr = r;
            assertTrue(states.stream().map(FitState::fromJson).anyMatch(f -> f.restart() == rr && f.iterations() == 1),
                    "initialisation " + r + " has a checkpoint after its first iteration");
        }
    }

    @Test
    void randomInitialisationsResumeWithTheirGenerators() {
        for (InitMethod m : new InitMethod[] {InitMethod.RANDOM, InitMethod.RANDOM_FROM_DATA}) {
            assertResumesFromEveryCheckpoint(m.cliName(), data(), settings(CovarianceType.DIAG).init(m).build());
        }
    }

    @Test
    void reseededComponentsAndUserStartCarryOn() {
        // Component 2 starts far from every sample, so it is re-seeded at iteration 1 (a draw from the generator);
        // the start is the user's, so the resumed fit needs it again.
        double[] means = {0, 0, 6, 1, 1e6, -1e6, 7, 8};
        double[] cov = {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1};
        GmmSettings s = settings(CovarianceType.FULL).nInit(2).start(
                new StartParameters(new double[] {0.25, 0.25, 0.25, 0.25}, means, cov)).build();
        List<String> states = assertResumesFromEveryCheckpoint("re-seeded", data(), s);
        FitState first = FitState.fromJson(states.get(0));
        assertEquals(1, first.reseedDraws());
        assertTrue(first.model().events().get(0).contains("component 2"), first.model().events().toString());
    }

    @Test
    void reseedingAfterTheCutDrawsWhatTheUninterruptedFitDraws() {
        // Rows of weight 0 far from the data: a component re-seeded onto one of them (re-seeding draws from all
        // sampled rows) collapses again at the next iteration and is re-seeded again, so draws continue after
        // early checkpoints, and only a generator put back where it was draws the same rows.
        Dataset base = data();
        int n = (int) base.rows();
        double[] x = new double[2 * n * 2];
        base.read(0, n, x, 0);
        double[] w = new double[2 * n];
        java.util.Arrays.fill(w, 0, n, 1.0);
        for (int i = n; i < 2 * n; i++) {
            x[2 * i] = 1000 + Math.sin(i);
            x[2 * i + 1] = -1000 + Math.cos(i);
        }
        Dataset data = ArrayDataset.of(x, 2, w);
        double[] means = {0, 0, 6, 1, 1000, -1000, 7, 8};
        double[] cov = {1, 1, 1, 1, 1, 1, 1, 1};
        GmmSettings s = settings(CovarianceType.DIAG).nInit(2).maxIter(8).tol(0).seed(3).start(
                new StartParameters(new double[] {0.25, 0.25, 0.25, 0.25}, means, cov)).build();
        List<FitState> states = assertResumesFromEveryCheckpoint("re-seeded again", data, s).stream()
                .map(FitState::fromJson).collect(java.util.stream.Collectors.toList());
        boolean drawsAfterACut = false;
        for (int i = 0; i + 1 < states.size(); i++) {
            FitState a = states.get(i);
            FitState b = states.get(i + 1);
            drawsAfterACut |= a.restart() == b.restart() && a.reseedDraws() > 0 && b.reseedDraws() > a.reseedDraws();
        }
        assertTrue(drawsAfterACut, "the premise: a restart draws again after a checkpoint that had drawn");
    }

    @Test
    void stoppedFitResumesFromItsLastCheckpoint() {
        GmmSettings s = settings(CovarianceType.FULL).build();
        String reference = new GaussianMixture(s).fit(data(), new FitListener() { }).toJson();
        // A listener that stops the fit (as Ctrl-C does) in the second initialisation, keeping the last state.
        FitState[] last = {null};
        MixtureModel stopped = new GaussianMixture(s).fit(data(), new FitListener() {
            @Override
            public void checkpoint(FitState state) {
                last[0] = FitState.fromJson(state.toJson());
            }

            @Override
            public boolean stopRequested() {
                return last[0] != null && last[0].restart() == 1 && last[0].iterations() == 2;
            }
        });
        assertNotNull(stopped);
        assertEquals(1, last[0].restart());
        assertEquals(2, last[0].iterations());
        assertFalse(last[0].restartDone());
        String resumed = new GaussianMixture(s.toBuilder().start(StartParameters.resume(last[0])).build())
                .fit(data(), new FitListener() { }).toJson();
        assertEquals(reference, resumed);
    }

    @Test
    void noIterationsStillCheckpointsAndResumes() {
        assertResumesFromEveryCheckpoint("max-iter 0", data(), settings(CovarianceType.TIED).maxIter(0).build());
    }

    @Test
    void finishedCheckpointReturnsTheResultWithoutIterating() {
        GmmSettings s = settings(CovarianceType.SPHERICAL).build();
        Recorder full = new Recorder();
        MixtureModel reference = new GaussianMixture(s).fit(data(), full);
        FitState last = FitState.fromJson(full.states.get(full.states.size() - 1));
        assertTrue(last.finished());
        assertEquals(reference.toJson(), last.best().toJson(), "a finished checkpoint's best is the result");
        Recorder resumed = new Recorder();
        MixtureModel again = new GaussianMixture(s.toBuilder().start(StartParameters.resume(last)).build())
                .fit(data(), resumed);
        assertEquals(reference.toJson(), again.toJson());
        assertEquals(0, resumed.iterations);
    }

    @Test
    void checkpointIsAModelFile() {
        GmmSettings s = settings(CovarianceType.FULL).build();
        Recorder full = new Recorder();
        new GaussianMixture(s).fit(data(), full);
        String text = full.states.get(4);
        MixtureModel m = MixtureModel.fromJson(text);
        FitState st = FitState.fromJson(text);
        assertEquals(st.iterations(), m.nIter());
        assertEquals(4, m.nComponents());
        assertEquals("7", st.settings().get("seed"));
        assertEquals("full", st.settings().get("covariance_type"));
        assertEquals(data().rows(), st.data().rows());
        // A model file without the checkpoint object is refused with a hint.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FitState.fromJson(m.toJson()));
        assertTrue(e.getMessage().contains("not a checkpoint"), e.getMessage());
    }

    @Test
    void otherSettingsAreRefusedNamingEachDifference() {
        GmmSettings s = settings(CovarianceType.FULL).build();
        Recorder full = new Recorder();
        new GaussianMixture(s).fit(data(), full);
        FitState state = FitState.fromJson(full.states.get(3));
        GmmSettings other = s.toBuilder().tol(1e-4).seed(8).start(StartParameters.resume(state)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GaussianMixture(other).fit(data(), new FitListener() { }));
        assertEquals("cannot resume: the checkpoint was made with other settings (tol: 1.0E-5 in the checkpoint, "
                + "1.0E-4 now; seed: 7 in the checkpoint, 8 now)", e.getMessage());
        GmmSettings otherK = s.toBuilder().k(3).start(StartParameters.resume(state)).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> new GaussianMixture(otherK).fit(data(), new FitListener() { }));
        assertTrue(e.getMessage().contains("k: 4 in the checkpoint, 3 now"), e.getMessage());
        GmmSettings otherStart = s.toBuilder().start(new StartParameters(null, new double[] {0, 0, 1, 1, 2, 2, 3, 3},
                null).resumingFrom(state)).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> new GaussianMixture(otherStart).fit(data(), new FitListener() { }));
        assertTrue(e.getMessage().contains("start: none in the checkpoint"), e.getMessage());
    }

    @Test
    void otherDataAreRefusedNamingTheDifference() {
        Dataset data = data();
        int n = (int) data.rows();
        int d = data.dims();
        double[] x = new double[n * d];
        data.read(0, n, x, 0);
        GmmSettings s = settings(CovarianceType.DIAG).build();
        Recorder full = new Recorder();
        new GaussianMixture(s).fit(data, full);
        GmmSettings resume = s.toBuilder().start(StartParameters.resume(FitState.fromJson(full.states.get(2))))
                .build();

        double[] changed = x.clone();
        changed[(n - 1) * d] += 1e-9; // the last row is always sampled
        assertRefused(resume, ArrayDataset.of(changed, d, null), "data values: the checksum of ");
        double[] fewer = java.util.Arrays.copyOf(x, (n - 1) * d);
        assertRefused(resume, ArrayDataset.of(fewer, d, null), "data rows: " + n + " in the checkpoint, " + (n - 1)
                + " now");
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1);
        w[n / 3] = 2;
        assertRefused(resume, ArrayDataset.of(x, d, w), "data weight sum: " + (double) n + " in the checkpoint, "
                + (n + 1.0) + " now");
        assertNotNull(new GaussianMixture(resume).fit(ArrayDataset.of(x.clone(), d, null), new FitListener() { }),
                "the same values in another array resume");
    }

    private static void assertRefused(GmmSettings resume, Dataset data, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GaussianMixture(resume).fit(data, new FitListener() { }));
        assertTrue(e.getMessage().startsWith("cannot resume: the checkpoint was made with other data (")
                && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void fingerprintCoversSampledRowsAndTheWeightSumOnly() {
        int n = 3 * DataFingerprint.SAMPLE_ROWS + 1; // rows 0, 3, 6, ... are sampled
        int d = 2;
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(i);
        }
        DataFingerprint a = DataFingerprint.of(ArrayDataset.of(x, d, null));
        double[] y = x.clone();
        y[d + 1] = 42; // row 1: not sampled, and no weights to sum
        assertEquals(a, DataFingerprint.of(ArrayDataset.of(y, d, null)), "a change outside the sample goes unseen");
        y = x.clone();
        y[3 * d] = 42; // row 3: sampled
        assertFalse(a.equals(DataFingerprint.of(ArrayDataset.of(y, d, null))));
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1);
        w[1] = 0.5;
        assertFalse(a.equals(DataFingerprint.of(ArrayDataset.of(x, d, w))), "the weight sum covers every row");
    }
}
