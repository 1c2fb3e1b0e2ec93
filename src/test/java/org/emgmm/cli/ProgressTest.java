package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.ModelSelection;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.junit.jupiter.api.Test;

/** What progress looks like on a terminal, in a log, and with --quiet. */
class ProgressTest {
    static MixtureModel fit(Progress p, int nInit) throws Exception {
        GmmSettings s = GmmSettings.builder().k(2).nInit(nInit).tol(1e-8).backend(BackendKind.CPU).build();
        p.backend("cpu (CPU, test)");
        MixtureModel m = new GaussianMixture(s).fit(InputArgs.faithful(), p);
        p.finish();
        return m;
    }

    @Test
    void terminalRedrawsOneLineWithABarAcrossRestarts() throws Exception {
        StringWriter w = new StringWriter();
        Progress p = new Progress(Progress.Mode.TERMINAL, new PrintWriter(w), StopSignal.manual(), 3, 1);
        MixtureModel m = fit(p, 3);
        String s = w.toString();
        assertTrue(s.startsWith("\r["), s);
        assertTrue(s.contains("[----------] 0/3 init 1/3 iter 1 "), s);
        assertTrue(s.contains("[###-------] 1/3 init 2/3"), s);
        assertTrue(s.contains("[######----] 2/3 init 3/3"), s);
        assertTrue(s.contains("LB " + String.format(java.util.Locale.ROOT, "%.8g", m.lowerBound())), s);
        assertTrue(s.endsWith("\n"), "the live line is ended");
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line, redrawn in place: " + s);
        String cols = System.getenv("COLUMNS");
        int limit = cols != null && cols.trim().matches("\\d+") ? Math.max(40, Integer.parseInt(cols.trim()) - 1) : 79;
        for (String seg : s.split("\r")) {
            assertTrue(seg.strip().length() <= limit, "fits the terminal: " + seg);
        }
        if (limit >= 79) {
            assertTrue(s.contains("ms/iter  cpu"), s);
        }
    }

    @Test
    void plainModeWritesLinesAndAReportPerInitialisation() throws Exception {
        StringWriter w = new StringWriter();
        Progress p = new Progress(Progress.Mode.PLAIN, new PrintWriter(w), StopSignal.manual(), 2, 1);
        MixtureModel m = fit(p, 2);
        String s = w.toString();
        assertFalse(s.contains("\r"));
        assertTrue(s.contains("init 1/2  iter   1  lower bound"), s);
        assertTrue(s.contains("init 2/2  iter   1  lower bound"), s);
        assertTrue(s.contains("init 1/2: "), s);
        assertTrue(s.contains("init 2/2: "), s);
        assertTrue(s.contains(String.format(java.util.Locale.ROOT, "lower bound %.8g", m.lowerBound())), s);
    }

    @Test
    void quietWritesNothing() throws Exception {
        StringWriter w = new StringWriter();
        Progress p = new Progress(Progress.Mode.QUIET, new PrintWriter(w), StopSignal.manual(), 1, 1);
        fit(p, 1);
        p.event("something");
        assertEquals("", w.toString());
        assertEquals(1, p.events().size(), "events are still collected for the summary");
    }

    @Test
    void selectionLinesNameTheCandidate() throws Exception {
        StringWriter w = new StringWriter();
        Progress p = new Progress(Progress.Mode.PLAIN, new PrintWriter(w), StopSignal.manual(), 1, 2);
        new ModelSelection(GmmSettings.builder().backend(BackendKind.CPU).build(), new int[] {1, 2},
                java.util.List.of(CovarianceType.DIAG), ModelSelection.Criterion.BIC).fit(InputArgs.faithful(), p);
        String s = w.toString();
        assertTrue(s.contains("[1/2 k=1 diag] init 1/1  iter   1"), s);
        assertTrue(s.contains("candidate 2/2 (k=2 diag): BIC "), s);
    }

    @Test
    void selectionLinesReportTheBestSoFar() throws Exception {
        StringWriter w = new StringWriter();
        Progress p = new Progress(Progress.Mode.PLAIN, new PrintWriter(w), StopSignal.manual(), 1, 3);
        ModelSelection.Result r = new ModelSelection(GmmSettings.builder().backend(BackendKind.CPU).build(),
                new int[] {1, 2, 3}, java.util.List.of(CovarianceType.DIAG), ModelSelection.Criterion.BIC)
                .fit(InputArgs.faithful(), p);
        String s = w.toString();
        ModelSelection.Candidate k1 = r.candidates().get(0);
        assertTrue(s.contains(String.format(java.util.Locale.ROOT, "best so far k=1 diag, BIC %.2f", k1.bic())), s);
        ModelSelection.Candidate best = r.best();
        assertTrue(s.contains(String.format(java.util.Locale.ROOT, "candidate 3/3 (k=3 diag): BIC %.2f, AIC %.2f, "
                + "%d iterations; best so far k=%d diag, BIC %.2f", r.candidates().get(2).bic(),
                r.candidates().get(2).aic(), r.candidates().get(2).model().nIter(), best.k(), best.bic())), s);
        assertEquals(best, p.bestSoFar());
    }

    @Test
    void stopSignalIsWhatTheFitPolls() {
        StopSignal stop = StopSignal.manual();
        Progress p = new Progress(Progress.Mode.QUIET, new PrintWriter(new StringWriter()), stop, 1, 1);
        assertFalse(p.stopRequested());
        stop.request();
        assertTrue(p.stopRequested());
        stop.close();
    }
}
