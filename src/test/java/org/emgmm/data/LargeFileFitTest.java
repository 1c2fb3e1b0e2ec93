package org.emgmm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory-mapped fit of a raw float32 file larger than the heap of the JVM that fits it: a child JVM with
 * {@code -Xmx128m} fits a 288 MiB file (issue 4, point 2).
 *
 * <p>The file repeats one seeded block of {@value #BLOCK_ROWS} rows from two clusters 6 apart in every coordinate
 * (about 17 standard deviations), so responsibilities are 0 or 1 to double precision and the fit after 3 iterations
 * must give exactly the block's cluster fractions and cluster means.
 */
class LargeFileFitTest {
    private static final int D = 8;
    private static final int BLOCK_ROWS = 1 << 16;
    private static final int BLOCKS = 144;
    /** 144 × 65536 rows × 8 float32 = 288 MiB. */
    private static final long FILE_BYTES = (long) BLOCKS * BLOCK_ROWS * D * Float.BYTES;
    private static final long CHILD_HEAP = 128L << 20;

    @TempDir
    Path dir;

    @Test
    void fitsAFileLargerThanTheHeap() throws Exception {
        Path file = dir.resolve("big.f32");
        float[] block = new float[BLOCK_ROWS * D];
        boolean[] second = new boolean[BLOCK_ROWS];
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < BLOCK_ROWS; i++) {
            second[i] = rnd.nextDouble() < 0.7;
            for (int a = 0; a < D; a++) {
                block[i * D + a] = (float) ((second[i] ? 6 : 0) + a * 0.5 + rnd.nextGaussian());
            }
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(block.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(block);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int b = 0; b < BLOCKS; b++) {
                bytes.rewind();
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
            }
        }
        assertEquals(FILE_BYTES, Files.size(file));
        assertTrue(FILE_BYTES > 2 * CHILD_HEAP);

        // expected: per-cluster fraction and mean of the block (the file repeats it exactly)
        double[] count = new double[2];
        double[][] mean = new double[2][D];
        for (int i = 0; i < BLOCK_ROWS; i++) {
            int c = second[i] ? 1 : 0;
            count[c]++;
            for (int a = 0; a < D; a++) {
                mean[c][a] += block[i * D + a];
            }
        }
        for (int c = 0; c < 2; c++) {
            for (int a = 0; a < D; a++) {
                mean[c][a] /= count[c];
            }
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), LargeFileFitMain.class.getName(), file.toString(),
                String.valueOf(D)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        boolean done = p.waitFor(150, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertTrue(done, "child JVM timed out; output:\n" + out);
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + out);

        long heap = Long.parseLong(line(out, "heap")[0]);
        assertTrue(heap <= CHILD_HEAP && heap < FILE_BYTES, "child heap " + heap + "\n" + out);
        assertEquals(List.of(String.valueOf((long) BLOCKS * BLOCK_ROWS), "MappedDataset"), List.of(line(out, "rows")));
        double[] w = Arrays.stream(line(out, "weights")).mapToDouble(Double::parseDouble).toArray();
        double[] mu = Arrays.stream(line(out, "means")).mapToDouble(Double::parseDouble).toArray();
        int first = mu[0] < mu[D] ? 0 : 1; // the component near 0
        for (int c = 0; c < 2; c++) {
            int j = c == 0 ? first : 1 - first;
            assertEquals(count[c] / BLOCK_ROWS, w[j], 1e-9, "weight of cluster " + c + "\n" + out);
            for (int a = 0; a < D; a++) {
                assertEquals(mean[c][a], mu[j * D + a], 1e-6, "mean of cluster " + c + ", dim " + a + "\n" + out);
            }
        }
    }

    private static String[] line(String out, String key) {
        for (String l : out.split("\\R")) {
            if (l.startsWith(key + " ")) {
                return l.substring(key.length() + 1).trim().split(" ");
            }
        }
        throw new AssertionError("no '" + key + "' line in the child's output:\n" + out);
    }
}
