package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.emgmm.FitState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill and resume for real: a separate JVM runs {@code emgmm fit --checkpoint}, is killed with SIGKILL once the
 * checkpoint shows a few iterations done (of a later initialisation, with {@code --n-init}), and a second JVM runs
 * the same command with {@code --resume}. Its model file must equal, byte for byte, that of the same fit never
 * interrupted (run in this JVM). While the fit runs, every read of the checkpoint must parse: it is never
 * half-written.
 */
class KillResumeTest {
    @TempDir
    Path dir;

    /** A seeded .npy of 8 overlapping clusters in 6 dimensions, slow enough to converge that EM runs on. */
    private Path data(int n) throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        double[][] rows = new double[n][6];
        for (double[] row : rows) {
            int c = r.nextInt(8);
            for (int a = 0; a < 6; a++) {
                row[a] = 1.5 * ((c >> (a % 3)) & 1) + Cli.gauss(r);
            }
        }
        return Cli.npy(dir, "x.npy", rows, false);
    }

    private static List<String> fitArgs(Path data, int nInit, int maxIter) {
        return new ArrayList<>(List.of("fit", "--input", data.toString(), "--k", "8", "--covariance", "full",
                "--n-init", Integer.toString(nInit), "--seed", "5", "--tol", "0", "--max-iter",
                Integer.toString(maxIter), "--backend", "cpu", "--threads", "1"));
    }

    /** The child JVM: this JVM's Vector API and vector-width options, the test class path, the CLI. */
    private static List<String> java() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-modules") || a.startsWith("-XX:MaxVectorSize") || a.startsWith("-XX:UseAVX")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        return cmd;
    }

    private Process start(List<String> args, String log) throws IOException {
        List<String> cmd = java();
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile());
        pb.environment().put("LD_PRELOAD", "/usr/lib/jvm/java-17-openjdk-amd64/lib/libjsig.so");
        return pb.start();
    }

    /**
     * Runs the fit with a checkpoint in a child JVM, kills it with SIGKILL when the checkpoint reaches the given
     * initialisation and iteration, resumes it in another, and compares with the uninterrupted fit.
     */
    private void killAndResume(int nInit, int maxIter, int killRestart, int killIteration) throws Exception {
        assumeTrue(new File("/bin/kill").canExecute() || new File("/usr/bin/kill").canExecute(), "needs kill");
        Path data = data(25_000);
        Path ck = dir.resolve("ck.json");
        List<String> args = fitArgs(data, nInit, maxIter);
        args.addAll(List.of("--checkpoint", ck.toString(), "--output", dir.resolve("killed.json").toString()));
        Process p = start(args, "killed.txt");
        FitState seen = null;
        int reads = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && System.nanoTime() < deadline) {
                String text;
                try {
                    text = Files.readString(ck, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    Thread.sleep(5);
                    continue;
                }
                seen = FitState.fromJson(text); // throws if ever half-written
                reads++;
                if (seen.restart() > killRestart
                        || seen.restart() == killRestart && seen.iterations() >= killIteration) {
                    break;
                }
                Thread.sleep(5);
            }
            assertTrue(p.isAlive(), "the fit still runs at " + (seen == null ? "no checkpoint" : "initialisation "
                    + seen.restart() + ", iteration " + seen.iterations()) + ": "
                    + Files.readString(dir.resolve("killed.txt")));
            Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "dies after SIGKILL");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        FitState atKill = FitState.load(ck);
        assertFalse(atKill.finished(), "killed mid-fit");
        assertTrue(atKill.restart() >= killRestart && atKill.iterations() >= 1, "checkpoint at initialisation "
                + atKill.restart() + ", iteration " + atKill.iterations());
        assertTrue(atKill.restart() > killRestart || atKill.iterations() < maxIter, "mid-initialisation");
        assertFalse(Files.exists(dir.resolve("killed.json")), "no model from the killed fit");

        List<String> resumeArgs = fitArgs(data, nInit, maxIter);
        resumeArgs.addAll(List.of("--checkpoint", ck.toString(), "--resume", ck.toString(), "--output",
                dir.resolve("resumed.json").toString()));
        Process q = start(resumeArgs, "resumed.txt");
        assertTrue(q.waitFor(180, TimeUnit.SECONDS), "the resumed fit ends");
        String log = Files.readString(dir.resolve("resumed.txt"));
        assertEquals(0, q.exitValue(), log);
        assertTrue(log.contains("resumed from a checkpoint: initialisation " + (atKill.restart() + 1) + " of "
                + nInit), log);
        assertTrue(FitState.load(ck).finished(), "the checkpoint ends finished");
        assertEquals(List.of("ck.json", "killed.txt", "resumed.json", "resumed.txt", "x.npy"), Cli.listing(dir),
                "no temporary file left, not even one of the killed process");

        List<String> refArgs = fitArgs(data, nInit, maxIter);
        refArgs.addAll(List.of("--quiet", "--output", dir.resolve("reference.json").toString()));
        Cli.Result ref = Cli.run(refArgs.toArray(new String[0]));
        assertEquals(0, ref.code(), ref.toString());
        assertEquals(Files.readString(dir.resolve("reference.json")), Files.readString(dir.resolve("resumed.json")),
                "resumed after SIGKILL at initialisation " + atKill.restart() + ", iteration " + atKill.iterations()
                        + " (" + reads + " reads of the checkpoint while it was written)");
    }

    @Test
    void killedFitResumesBitIdentical() throws Exception {
        killAndResume(1, 40, 0, 3);
    }

    @Test
    void killedFitWithRestartsResumesBitIdentical() throws Exception {
        killAndResume(3, 15, 1, 2);
    }
}
