package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input the command line names: one paragraph on stderr saying what and where, a non-zero exit (1 for
 * bad data, 2 for a bad command line), no stack trace, and no output file left behind.
 */
class ErrorPathsTest {
    @TempDir
    Path dir;

    private static void assertCleanError(Cli.Result r, int code, String... fragments) {
        assertEquals(code, r.code(), r.toString());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should contain '" + f + "':\n" + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
        assertFalse(r.err().contains("Exception"), "no exception names:\n" + r.err());
    }

    private Cli.Result fitWithOutput(Path input, String... more) {
        String[] base = {"fit", "--input", input.toString(), "--k", "2", "--backend", "cpu",
            "--output", dir.resolve("out.json").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return Cli.run(all);
    }

    @Test
    void nonNumericCellNamesFileLineAndColumn() throws Exception {
        Path p = Cli.csv(dir, "bad.csv", "a,b\n1,2\n3,4\n5,oops\n7,8\n");
        assertCleanError(fitWithOutput(p), 1, "bad.csv", "line 4", "column 2", "oops");
        assertEquals(List.of("bad.csv"), Cli.listing(dir), "no output file");
    }

    @Test
    void raggedRowIsRejected() throws Exception {
        Path p = Cli.csv(dir, "ragged.csv", "1,2\n3,4\n5\n7,8\n");
        assertCleanError(fitWithOutput(p), 1, "ragged.csv", "line 3");
        assertEquals(List.of("ragged.csv"), Cli.listing(dir));
    }

    @Test
    void nanIsRejectedWithItsPlace() throws Exception {
        Path p = Cli.csv(dir, "nan.csv", "1,2\n3,NaN\n5,6\n7,8\n");
        assertCleanError(fitWithOutput(p), 1, "nan.csv", "line 2");
    }

    @Test
    void emptyFileIsRejected() throws Exception {
        Path p = Cli.csv(dir, "empty.csv", "");
        Cli.Result r = fitWithOutput(p);
        assertCleanError(r, 1, "empty.csv");
        assertTrue(r.err().toLowerCase(java.util.Locale.ROOT).contains("empty")
                || r.err().contains("no samples"), r.err());
    }

    @Test
    void covarianceThatIsNotPositiveDefiniteNamesTheComponent() throws Exception {
        Path p = Cli.csv(dir, "const.csv", "1,5\n2,5\n3,5\n4,5\n");
        assertCleanError(Cli.run("fit", "--input", p.toString(), "--k", "1", "--reg-covar", "0", "--backend", "cpu",
                "--output", dir.resolve("out.json").toString()), 1, "component 0",
                "not positive definite", "--reg-covar");
        assertEquals(List.of("const.csv"), Cli.listing(dir), "no output file");
    }

    @Test
    void missingInputFile() {
        assertCleanError(Cli.run("fit", "--input", dir.resolve("nope.csv").toString(), "--k", "2"), 1,
                "nope.csv", "does not exist");
    }

    @Test
    void kLargerThanSamples() throws Exception {
        Path p = Cli.csv(dir, "small.csv", "1,2\n3,4\n5,6\n");
        assertCleanError(Cli.run("fit", "--input", p.toString(), "--k", "5", "--backend", "cpu"), 1,
                "--k 5", "number of samples", "(3)");
    }

    @Test
    void negativeWeightNamesTheRow() throws Exception {
        Path p = Cli.csv(dir, "w.csv", "x,y,w\n1,2,1\n3,4,-2\n5,6,1\n7,8,1\n");
        assertCleanError(fitWithOutput(p, "--weights-column", "w"), 1, "w.csv", "weight");
    }

    @Test
    void unknownColumnIsNamed() throws Exception {
        Path p = Cli.csv(dir, "c.csv", "x,y\n1,2\n3,4\n5,6\n");
        assertCleanError(fitWithOutput(p, "--columns", "x,nope"), 1, "c.csv", "nope");
    }

    @Test
    void badCommandLinesExitTwoWithAHint() {
        assertCleanError(Cli.run("fit", "--k", "0"), 2, "--k must be at least 1", "emgmm fit --help");
        assertCleanError(Cli.run("fit", "--covariance", "round"), 2, "--covariance", "round",
                "full, tied, diag, spherical");
        assertCleanError(Cli.run("fit", "--tol", "-1"), 2, "--tol");
        assertCleanError(Cli.run("fit", "--reg-covar", "-1e-3"), 2, "--reg-covar");
        assertCleanError(Cli.run("fit", "--max-iter", "-5"), 2, "--max-iter");
        assertCleanError(Cli.run("fit", "--n-init", "0"), 2, "--n-init");
        assertCleanError(Cli.run("fit", "--init", "magic"), 2, "--init", "kmeans++");
        assertCleanError(Cli.run("fit", "--backend", "tpu"), 2, "--backend", "auto, cpu or opencl");
        assertCleanError(Cli.run("fit", "--precision", "half"), 2, "--precision", "float or double");
        assertCleanError(Cli.run("fit", "--k", "two"), 2, "--k", "two");
        assertCleanError(Cli.run("fit", "--bogus"), 2, "--bogus");
        assertCleanError(Cli.run("frobnicate"), 2, "frobnicate");
        assertCleanError(Cli.run(), 2, "a command is needed");
        assertCleanError(Cli.run("predict", "--input", "x.csv"), 2, "--model");
        assertCleanError(Cli.run("select", "--k", "3..1"), 2, "--k 3..1");
        assertCleanError(Cli.run("select", "--covariance", "full,cube"), 2, "cube");
        assertCleanError(Cli.run("sample", "--model", "m.json", "--n", "0"), 2, "--n must be at least 1");
        assertCleanError(Cli.run("fit", "--threads", "-1"), 2, "--threads must be >= 0");
        assertCleanError(Cli.run("select", "--threads", "-2"), 2, "--threads must be >= 0");
    }

    @Test
    void predictAndScoreCheckTheirBackendOptionsAsFitDoes() throws Exception {
        Path data = Cli.csv(dir, "d.csv", "1,2\n3,4\n5,6\n7,9\n");
        Path model = dir.resolve("m.json");
        assertEquals(0, Cli.run("fit", "--input", data.toString(), "--k", "1", "--quiet", "--output",
                model.toString()).code());
        for (String command : new String[] {"predict", "score"}) {
            String[] base = {command, "--model", model.toString(), "--input", data.toString()};
            assertCleanError(Cli.run(concat(base, "--threads", "-1")), 2, "--threads must be >= 0");
            assertCleanError(Cli.run(concat(base, "--backend", "tpu")), 2, "--backend", "auto, cpu or opencl");
            assertCleanError(Cli.run(concat(base, "--precision", "half")), 2, "--precision", "float or double");
            // checked before the model and the data are read, as fit checks its options
            assertCleanError(Cli.run(command, "--model", dir.resolve("absent.json").toString(), "--input",
                    dir.resolve("absent.csv").toString(), "--threads", "-1"), 2, "--threads must be >= 0");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void kIsRequiredWithAnInputFile() throws Exception {
        Path p = Cli.csv(dir, "d.csv", "1,2\n3,4\n5,6\n");
        assertCleanError(Cli.run("fit", "--input", p.toString()), 2, "--k is required");
    }

    @Test
    void inputOptionsWithoutInputAreRefused() {
        assertCleanError(Cli.run("fit", "--columns", "a"), 1, "--input");
    }

    @Test
    void outputIntoMissingDirectoryFailsBeforeAnyWork() {
        Path out = dir.resolve("no/such/dir/m.json");
        Cli.Result r = Cli.run("fit", "--backend", "cpu", "--output", out.toString());
        assertCleanError(r, 1, "--output", "does not exist");
        assertEquals("", r.out());
        assertFalse(r.err().contains("iter"), "no fit ran: " + r.err());
    }

    @Test
    void badModelFileIsNamed() throws Exception {
        Path m = Cli.csv(dir, "m.json", "{\"format\": \"emgmm-model\", \"covariance_type\": \"full\", \"weights\": [1]");
        Path d = Cli.csv(dir, "d.csv", "1,2\n3,4\n");
        assertCleanError(Cli.run("predict", "--model", m.toString(), "--input", d.toString()), 1, "m.json", "JSON");
        Path m2 = Cli.csv(dir, "m2.json", "{\"format\": \"emgmm-model\", \"covariance_type\": \"cubic\", "
                + "\"weights\": [1], \"means\": [[0]], \"covariances\": [1]}");
        assertCleanError(Cli.run("score", "--model", m2.toString(), "--input", d.toString()), 1, "m2.json",
                "cubic");
        assertCleanError(Cli.run("sample", "--model", dir.resolve("none.json").toString(), "--n", "3"), 1,
                "none.json", "no such file");
    }

    @Test
    void predictOnDataWithTheWrongNumberOfFeatures() throws Exception {
        Path m = dir.resolve("m.json");
        assertEquals(0, Cli.run("fit", "--backend", "cpu", "--quiet", "--output", m.toString()).code());
        Path d = Cli.csv(dir, "three.csv", "1,2,3\n4,5,6\n");
        Path out = dir.resolve("labels.txt");
        assertCleanError(Cli.run("predict", "--model", m.toString(), "--input", d.toString(), "--output",
                out.toString()), 1, "3 features", "model has 2");
        assertFalse(Files.exists(out));
        assertEquals(List.of("m.json", "three.csv"), Cli.listing(dir), "no temporary file left");
    }

    @Test
    void explicitOpenClBackendWithoutAUsableDeviceIsAnErrorNotAStackTrace() {
        Cli.Result r = Cli.run("fit", "--backend", "opencl", "--device", "no-such-device-xyz");
        assertEquals(1, r.code(), r.toString());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
