package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.emgmm.MixtureModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C for real: a separate JVM runs a fit that would take minutes, receives SIGINT once it is iterating, and
 * must exit promptly having written the best model so far, marked {@code "converged": false}, and nothing else.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void sigintStopsBetweenIterationsAndSavesTheModelSoFar() throws Exception {
        assumeTrue(new File("/bin/kill").canExecute() || new File("/usr/bin/kill").canExecute(), "needs kill");
        StringBuilder sb = new StringBuilder();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 5_000; i++) {
            sb.append(Cli.gauss(r) + (i % 4)).append(',').append(Cli.gauss(r)).append('\n');
        }
        Path data = Cli.csv(dir, "big.csv", sb.toString());
        Path model = dir.resolve("m.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "org.emgmm.cli.Main", "fit", "--input", data.toString(),
                "--k", "4", "--tol", "0", "--max-iter", "1000000", "--backend", "cpu", "--threads", "1",
                "--output", model.toString());
        pb.redirectError(dir.resolve("err.txt").toFile());
        pb.redirectOutput(dir.resolve("out.txt").toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("err.txt")).contains("iter   1") && System.nanoTime() < deadline
                    && p.isAlive()) {
                Thread.sleep(50);
            }
            assertTrue(p.isAlive(), "the fit is still running: " + Files.readString(dir.resolve("err.txt")));
            Thread.sleep(300);
            assertFalse(Files.exists(model), "no model before the stop");
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits promptly after SIGINT");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertEquals(130, p.exitValue(), out + err);
        assertTrue(Files.exists(model), out + err);
        MixtureModel m = MixtureModel.load(model);
        assertFalse(m.converged());
        assertTrue(m.nIter() >= 1);
        assertTrue(Files.readString(model).contains("\"converged\" : false"));
        assertTrue(out.contains("stopped by Ctrl-C"), out);
        assertEquals(List.of("big.csv", "err.txt", "m.json", "out.txt"), Cli.listing(dir), "no temporary files");
    }
}
