package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.ScalarReference;
import org.emgmm.Tolerances;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.Pass;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.ScoreTotals;
import org.emgmm.backend.Scorer;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} and {@code score} run the backend's scoring pass — once per command, asking for exactly the
 * per-row output they print — and print the scalar reference's numbers to 1e-12; the fit summary's BIC and AIC (from
 * an E step of the fit's pass) match the reference to their six printed decimals. The backends are recorded through the commands' {@link BackendOpener}.
 */
class ScoringCommandsTest {
    static final double TOL = Tolerances.SCORE_F64;
    /** Rows: more than two blocks of the CPU scorer, so order across blocks is checked. */
    static final int N = 20_000;

    @TempDir
    Path dir;

    /** Records every scoring pass run on the backends it opens. */
    static final class Recorder implements BackendOpener {
        final List<Set<RowOutput>> passes = new ArrayList<>();
        int scorersOpened;
        /** When set, the warning the opened backend comes with (as an auto fallback's), else the opener's own. */
        String warning;

        @Override
        public Backends.Choice forFit(GmmSettings s, Dataset data) {
            return wrap(BackendOpener.STANDARD.forFit(s, data));
        }

        @Override
        public Backends.Choice forScoring(GmmSettings s, Dataset data) {
            return wrap(BackendOpener.STANDARD.forScoring(s, data));
        }

        private Backends.Choice wrap(Backends.Choice c) {
            Backend b = c.backend();
            Backend rec = new Backend() {
                @Override
                public String name() {
                    return b.name();
                }

                @Override
                public String device() {
                    return b.device();
                }

                @Override
                public Precision precision() {
                    return b.precision();
                }

                @Override
                public Pass prepare(Dataset data, int k, CovarianceType type) {
                    return b.prepare(data, k, type);
                }

                @Override
                public Scorer scorer(Dataset data, int k, CovarianceType type) {
                    scorersOpened++;
                    Scorer s = b.scorer(data, k, type);
                    return new Scorer() {
                        @Override
                        public <T> ScoreTotals run(Gaussians params, Set<RowOutput> outputs, ScoreSink<T> sink) {
                            Set<RowOutput> o = EnumSet.noneOf(RowOutput.class);
                            o.addAll(outputs);
                            passes.add(o);
                            return s.run(params, outputs, sink);
                        }

                        @Override
                        public void close() {
                            s.close();
                        }
                    };
                }

                @Override
                public void close() {
                    b.close();
                }
            };
            return new Backends.Choice(rec, warning != null ? warning : c.warning());
        }
    }

    private Cli.Result run(Recorder r, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), r, args);
        Cli.Result res = new Cli.Result(code, out.toString(), err.toString());
        assertEquals(0, code, res.toString());
        return res;
    }

    @Test
    void summaryPredictAndScoreUseOneBackendPassAndMatchTheScalarReference() throws Exception {
        String text = Cli.twoClusters(N, false);
        Path csv = Cli.csv(dir, "d.csv", text);
        Dataset data = ArrayDataset.of(Cli.parse(text, false), null);
        Path model = dir.resolve("m.json");

        Recorder fit = new Recorder();
        Cli.Result f = run(fit, "fit", "--input", csv.toString(), "--k", "3", "--covariance", "full", "--seed", "2",
                "--output", model.toString());
        // the summary's BIC and AIC come from one more E step of the fit's own (warm) pass, not a scoring pass
        assertEquals(List.of(), fit.passes, "the summary: no scoring pass");
        MixtureModel m = MixtureModel.load(model);
        ScalarReference ref = new ScalarReference(m, data);
        assertEquals(ref.bic, printed(f.out(), "BIC"), 1.5e-6);
        assertEquals(ref.aic, printed(f.out(), "AIC"), 1.5e-6);

        Recorder score = new Recorder();
        Cli.Result s = run(score, "score", "--model", model.toString(), "--input", csv.toString());
        assertEquals(List.of(EnumSet.noneOf(RowOutput.class)), score.passes);
        near("score", ref.score, Double.parseDouble(s.out().trim()));

        Recorder perSample = new Recorder();
        Path lp = dir.resolve("lp.txt");
        run(perSample, "score", "--model", model.toString(), "--input", csv.toString(), "--per-sample", "--output",
                lp.toString());
        assertEquals(List.of(EnumSet.of(RowOutput.LOG_PROB)), perSample.passes);
        List<String> lines = Files.readAllLines(lp);
        assertEquals(N, lines.size());
        for (int i = 0; i < N; i++) {
            near("log p[" + i + "]", ref.logProb[i], Double.parseDouble(lines.get(i)));
        }

        Recorder predict = new Recorder();
        Cli.Result p = run(predict, "predict", "--model", model.toString(), "--input", csv.toString());
        assertEquals(List.of(EnumSet.of(RowOutput.LABEL)), predict.passes);
        String[] labels = p.out().split("\n");
        assertEquals(N, labels.length);
        for (int i = 0; i < N; i++) {
            if (Integer.parseInt(labels[i]) != ref.labels[i] && !ref.nearTie(i, TOL)) {
                fail("label " + i + ": expected " + ref.labels[i] + " but was " + labels[i]);
            }
        }

        Recorder proba = new Recorder();
        Path pr = dir.resolve("p.csv");
        run(proba, "predict", "--model", model.toString(), "--input", csv.toString(), "--proba", "--output",
                pr.toString());
        assertEquals(List.of(EnumSet.of(RowOutput.PROBA)), proba.passes);
        List<String> rows = Files.readAllLines(pr);
        assertEquals("p0,p1,p2", rows.get(0));
        for (int i = 0; i < N; i++) {
            String[] cells = rows.get(i + 1).split(",");
            for (int j = 0; j < 3; j++) {
                assertEquals(ref.proba[i][j], Double.parseDouble(cells[j]), TOL, "proba[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void perRowOutputIsTheSameBytesAtAnyThreadCount() throws Exception {
        String text = Cli.twoClusters(N, true);
        Path csv = Cli.csv(dir, "d.csv", text);
        Path model = dir.resolve("m.json");
        run(new Recorder(), "fit", "--input", csv.toString(), "--k", "2", "--covariance", "diag", "--quiet",
                "--output", model.toString());
        Path one = dir.resolve("one.txt");
        Path many = dir.resolve("many.txt");
        run(new Recorder(), "score", "--model", model.toString(), "--input", csv.toString(), "--per-sample",
                "--threads", "1", "--output", one.toString());
        run(new Recorder(), "score", "--model", model.toString(), "--input", csv.toString(), "--per-sample",
                "--threads", "3", "--output", many.toString());
        assertTrue(Files.size(one) > 0);
        assertEquals(-1L, Files.mismatch(one, many));
    }

    @Test
    void aBackendWarningIsPrintedOnceNamingTheCommandAndTheOutputIsUnchanged() throws Exception {
        String text = Cli.twoClusters(2_000, false);
        Path csv = Cli.csv(dir, "d.csv", text);
        Path model = dir.resolve("m.json");
        run(new Recorder(), "fit", "--input", csv.toString(), "--k", "2", "--quiet", "--output", model.toString());
        String warning = "OpenCL could not be used (test); the CPU backend is used";
        for (String[] args : new String[][] {{"predict"}, {"predict", "--proba"}, {"score"}, {"score", "--per-sample"}}) {
            List<String> cmd = new ArrayList<>(List.of(args));
            cmd.addAll(List.of("--model", model.toString(), "--input", csv.toString()));
            Cli.Result plain = run(new Recorder(), cmd.toArray(String[]::new));
            Recorder warned = new Recorder();
            warned.warning = warning;
            Cli.Result r = run(warned, cmd.toArray(String[]::new));
            assertEquals(plain.out(), r.out(), String.join(" ", args));
            String line = "emgmm " + args[0] + ": warning: " + warning;
            assertEquals(1, r.err().lines().filter(line::equals).count(), r.err());
            assertEquals(List.of(), plain.err().lines().filter(l -> l.contains("warning")).toList());
        }
    }

    private static void near(String what, double expected, double actual) {
        if (!(Math.abs(expected - actual) <= TOL * Math.max(1, Math.abs(expected)))) {
            fail(what + ": expected " + expected + " but was " + actual);
        }
    }

    /** The number after a label at the start of a summary line ("BIC           123.456"). */
    private static double printed(String out, String label) {
        for (String line : out.split("\n")) {
            if (line.startsWith(label + " ")) {
                return Double.parseDouble(line.substring(label.length()).trim());
            }
        }
        throw new AssertionError("no " + label + " line in\n" + out);
    }
}
