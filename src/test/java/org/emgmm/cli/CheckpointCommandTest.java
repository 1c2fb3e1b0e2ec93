package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.emgmm.FitListener;
import org.emgmm.FitState;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fit --checkpoint / --checkpoint-every / --resume} in-process: the checkpoint is a model file, resuming it
 * repeats the fit's output, a resume on other options or data is an error naming what differs (exit 1, one
 * paragraph, no stack trace), and saves are spaced by --checkpoint-every. The resume of a killed process is
 * {@link KillResumeTest}.
 */
class CheckpointCommandTest {
    @TempDir
    Path dir;

    private Path data() throws Exception {
        return Cli.csv(dir, "d.csv", Cli.twoClusters(300, true));
    }

    private List<String> fitArgs(Path data, String... more) {
        List<String> a = new ArrayList<>(List.of("fit", "--input", data.toString(), "--k", "3", "--covariance",
                "diag", "--n-init", "2", "--seed", "4", "--tol", "1e-6", "--backend", "cpu", "--quiet"));
        a.addAll(List.of(more));
        return a;
    }

    private static Cli.Result run(List<String> args) {
        return Cli.run(args.toArray(new String[0]));
    }

    @Test
    void checkpointIsAModelFileAndResumingItRepeatsTheOutput() throws Exception {
        Path data = data();
        Path ck = dir.resolve("ck.json");
        Cli.Result r = run(fitArgs(data, "--checkpoint", ck.toString(), "--output", dir.resolve("a.json").toString()));
        assertEquals(0, r.code(), r.toString());
        FitState st = FitState.load(ck);
        assertTrue(st.finished(), "the last checkpoint of a finished fit");
        assertEquals(1, st.restart());
        assertEquals("2", st.settings().get("n_init"));
        assertEquals(300, st.data().rows());
        // A model file like any other: predict reads it.
        Cli.Result p = Cli.run("predict", "--model", ck.toString(), "--input", data.toString());
        assertEquals(0, p.code(), p.toString());
        assertEquals(300, p.out().split("\n").length);

        Cli.Result again = run(fitArgs(data, "--resume", ck.toString(), "--output", dir.resolve("b.json").toString()));
        assertEquals(0, again.code(), again.toString());
        assertEquals(Files.readString(dir.resolve("a.json")), Files.readString(dir.resolve("b.json")));
        assertEquals(List.of("a.json", "b.json", "ck.json", "d.csv"), Cli.listing(dir), "no temporary files");
    }

    @Test
    void resumeWithOtherOptionsNamesThem() throws Exception {
        Path data = data();
        Path ck = dir.resolve("ck.json");
        assertEquals(0, run(fitArgs(data, "--checkpoint", ck.toString())).code());
        List<String> other = fitArgs(data, "--resume", ck.toString(), "--reg-covar", "1e-5");
        other.set(other.indexOf("--tol") + 1, "1e-4");
        Cli.Result r = run(other);
        assertEquals(1, r.code(), r.toString());
        assertEquals("fit: error: --resume '" + ck + "': cannot resume: the checkpoint was made with other settings "
                + "(tol: 1.0E-6 in the checkpoint, 1.0E-4 now; reg_covar: 1.0E-6 in the checkpoint, 1.0E-5 now)\n",
                r.err().replace(System.lineSeparator(), "\n").replaceFirst("^emgmm ", ""));
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void resumeOnOtherDataNamesIt() throws Exception {
        Path ck = dir.resolve("ck.json");
        assertEquals(0, run(fitArgs(data(), "--checkpoint", ck.toString())).code());
        Path other = Cli.csv(dir, "e.csv", Cli.twoClusters(299, true));
        Cli.Result r = run(fitArgs(other, "--resume", ck.toString()));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("--resume '" + ck + "': cannot resume: the checkpoint was made with other data "
                + "(data rows: 300 in the checkpoint, 299 now"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void aModelFileIsNotACheckpoint() throws Exception {
        Path data = data();
        Path m = dir.resolve("m.json");
        assertEquals(0, run(fitArgs(data, "--output", m.toString())).code());
        Cli.Result r = run(fitArgs(data, "--resume", m.toString()));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("--resume '" + m + "': not a checkpoint"), r.err());
        Cli.Result missing = run(fitArgs(data, "--resume", dir.resolve("none.json").toString()));
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void checkpointEveryNeedsCheckpointAndANonNegativeNumber() throws Exception {
        Path data = data();
        assertEquals(2, run(fitArgs(data, "--checkpoint-every", "5")).code());
        Cli.Result r = run(fitArgs(data, "--checkpoint", dir.resolve("c.json").toString(), "--checkpoint-every",
                "-1"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--checkpoint-every"), r.err());
    }

    @Test
    void savesAreSpacedByCheckpointEveryButTheLastIsAlwaysSaved() throws Exception {
        double[][] rows = Cli.parse(Cli.twoClusters(200, false), false);
        List<FitState> states = new ArrayList<>();
        GmmSettings s = GmmSettings.builder().k(2).tol(0).maxIter(10).backend(org.emgmm.config.BackendKind.CPU).build();
        new GaussianMixture(s).fit(ArrayDataset.of(rows, null), new FitListener() {
            @Override
            public void checkpoint(FitState state) {
                states.add(state);
            }
        });
        assertEquals(10, states.size());
        Path ck = dir.resolve("ck.json");
        long[] clock = {0};
        List<Integer> saved = new ArrayList<>();
        CheckpointWriter w = new CheckpointWriter(new FitListener() { }, ck, 10, () -> clock[0]);
        for (FitState st : states) {
            int before = w.saves();
            w.checkpoint(st);
            w.flush();
            if (w.saves() > before) {
                saved.add(st.iterations());
                assertEquals(st.toJson(), Files.readString(ck));
            }
            clock[0] += 4_000_000_000L; // 4 s per iteration
        }
        // Iterations at 0, 4, 8, ... s; saves at least 10 s apart: 1 (0 s), 4 (12 s), 7 (24 s), and the last.
        assertEquals(List.of(1, 4, 7, 10), saved);
        assertEquals(MixtureModel.load(ck).nIter(), 10);
    }

    @Test
    void leftoverTemporaryOfAKilledSaveIsRemoved() throws Exception {
        Path data = data();
        Path ck = dir.resolve("ck.json");
        Path stale = Files.writeString(dir.resolve(".ck.json.123456.tmp"), "{\"half\": ");
        Path other = Files.writeString(dir.resolve(".other.json.1.tmp"), "not ours");
        assertEquals(0, run(fitArgs(data, "--checkpoint", ck.toString())).code());
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(other));
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "fit", "--help");
        for (String o : new String[] {"--checkpoint", "--checkpoint-every", "--resume"}) {
            assertTrue(out.toString().contains(o), o);
        }
    }
}
