package org.emgmm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.emgmm.MixtureModel;
import org.emgmm.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash of issue 9 (point 5): a memory-mapped raw-file fit with the default {@code --backend auto}, large enough
 * for auto to list the OpenCL devices (which loads PoCL and its LLVM where installed), died now and then with
 * SIGSEGV and no report. Cause: LLVM's handlers replace HotSpot's (see {@code SignalChaining}); the launcher preloads
 * libjsig. Here the same command runs repeatedly in child processes through the launcher, half of them with no
 * terminal and half under a pseudo-terminal ({@code script}), so the progress code takes both paths: every run must
 * exit 0 and give the same model, bit for bit.
 */
class RepeatedMappedFitTest {
    private static final int D = 16;
    private static final int ROWS = 1 << 19;

    @TempDir
    Path dir;

    @Test
    void mappedAutoFitsSurviveWithAndWithoutATerminal() throws Exception {
        Path file = dir.resolve("big.f32");
        writeClusters(file);
        Path launcher = Path.of("src", "main", "dist", "emgmm").toAbsolutePath();
        assertTrue(Files.isRegularFile(launcher), launcher.toString());
        boolean haveScript = new File("/usr/bin/script").canExecute();
        List<MixtureModel> models = new ArrayList<>();
        for (int run = 0; run < 4; run++) {
            boolean tty = run % 2 == 1;
            if (tty && !haveScript) {
                continue;
            }
            Path model = dir.resolve("m" + run + ".json");
            List<String> fit = new ArrayList<>(List.of("sh", launcher.toString(), "java", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "fit", "--input", file.toString(),
                    "--dims", String.valueOf(D), "--k", "16", "--covariance", "diag", "--precision", "float",
                    "--max-iter", "3", "--tol", "0", "--output", model.toString()));
            List<String> cmd = tty ? List.of("/usr/bin/script", "-qec", shellQuote(fit), "/dev/null") : fit;
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out" + run + ".txt").toFile());
            pb.environment().remove("LD_PRELOAD"); // the launcher must add it itself
            pb.environment().put("EMGMM_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (!tty) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process p = pb.start();
            boolean done = p.waitFor(240, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(dir.resolve("out" + run + ".txt"), StandardCharsets.UTF_8);
            assertTrue(done, "run " + run + " timed out:\n" + out);
            assertEquals(0, p.exitValue(), "run " + run + (tty ? " (terminal)" : " (no terminal)") + ":\n" + out);
            models.add(MixtureModel.load(model));
        }
        assumeTrue(models.size() >= 2, "needs at least two runs");
        MixtureModel first = models.get(0);
        for (MixtureModel m : models) {
            assertEquals(first.lowerBound(), m.lowerBound());
            assertArrayEquals(first.weights(), m.weights());
            for (int j = 0; j < first.means().length; j++) {
                assertArrayEquals(first.means()[j], m.means()[j]);
            }
        }
    }

    /** Four clusters in 16 features, 2^19 rows: 32 MiB of float32 (N·K·D = 1.3e8, above auto's threshold). */
    private static void writeClusters(Path file) throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        ByteBuffer buf = ByteBuffer.allocateDirect(4096 * D * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < ROWS; i++) {
                int c = rnd.nextInt(4);
                for (int a = 0; a < D; a++) {
                    buf.putFloat((float) (c * 3 + (a % 3) + rnd.nextGaussian()));
                }
                if (!buf.hasRemaining()) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    buf.clear();
                }
            }
        }
    }

    private static String shellQuote(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            sb.append(sb.length() == 0 ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }
}
