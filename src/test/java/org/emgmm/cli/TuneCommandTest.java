package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.emgmm.backend.opencl.DeviceInfo;
import org.emgmm.backend.opencl.OpenClTestSupport;
import org.emgmm.backend.opencl.TuningCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emgmm tune}: help, --show, --clear, bad options, and a one-class run on the test device. */
class TuneCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpNamesTheCacheAndHasExamples() {
        Cli.Result r = Cli.run("tune", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Examples:") && r.out().contains("emgmm tune --clear")
                && r.out().contains("XDG_CACHE_HOME") && r.out().contains("EMGMM_TUNING_CACHE"), r.out());
        assertTrue(Cli.run("--help").out().contains("  tune"));
    }

    @Test
    void showAndClear() throws Exception {
        Path f = dir.resolve("tuning.json");
        Cli.Result none = Cli.run("tune", "--show", "--cache", f.toString());
        assertEquals(0, none.code(), none.toString());
        assertTrue(none.out().contains("0 entries"), none.toString());
        Files.writeString(f, "not json");
        Cli.Result bad = Cli.run("tune", "--show", "--cache", f.toString());
        assertEquals(Main.EXIT_ERROR, bad.code(), bad.toString());
        assertTrue(bad.err().contains("is not valid JSON") && bad.err().contains("--clear"), bad.toString());
        Cli.Result clear = Cli.run("tune", "--clear", "--cache", f.toString());
        assertEquals(0, clear.code(), clear.toString());
        assertFalse(Files.exists(f));
        assertTrue(Cli.run("tune", "--clear", "--cache", f.toString()).out().contains("no tuning cache"));
    }

    @Test
    void badOptionsAreUsageErrors() {
        Path f = dir.resolve("t.json");
        for (String[] args : new String[][] {{"--budget", "0"}, {"--d", "0"}, {"--reps", "0"},
            {"--n", "99999999999"}, {"--n", "1e6"}, {"--precision", "half"}, {"--covariance", "round"},
            {"--show", "--clear"}}) {
            String[] all = new String[args.length + 3];
            all[0] = "tune";
            all[1] = "--cache";
            all[2] = f.toString();
            System.arraycopy(args, 0, all, 3, args.length);
            Cli.Result r = Cli.run(all);
            assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args) + "\n" + r);
            assertFalse(r.err().contains("Exception"), r.toString());
        }
        assertFalse(Files.exists(f));
    }

    /** With a budget too short for any candidate, the default plan is measured and stored for the class. */
    @Test
    void tunesOneClassIntoTheCache() {
        DeviceInfo dev = OpenClTestSupport.device();
        Path f = dir.resolve("sub").resolve("tuning.json");
        Cli.Result r = Cli.run("tune", "--device", String.valueOf(dev.index()), "--cache", f.toString(),
                "--precision", "float", "--covariance", "spherical", "--d", "3", "--k", "2", "--n", "4096",
                "--budget", "0.001", "--reps", "1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("diag/float/d1-4/k1-4") && r.out().contains("defaults kept")
                && r.out().contains("wrote 1 entry to " + f), r.toString());
        TuningCache c = TuningCache.read(f);
        assertEquals(1, c.entries().size());
        assertEquals(dev.name(), c.entries().get(0).device());
        assertEquals(0, c.entries().get(0).workGroupSize());
        Cli.Result show = Cli.run("tune", "--show", "--cache", f.toString());
        assertTrue(show.out().contains("diag/float/d1-4/k1-4") && show.out().contains(dev.name()), show.toString());
    }
}
