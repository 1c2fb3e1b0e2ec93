package org.emgmm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A raw float32 file over 2 GiB (sparse: zeros except a few marked rows, so it costs no disk), mapped in three
 * 1 GiB regions: rows at the region boundaries and past the 2 GiB offset read back, also across a boundary.
 * ({@link DataSources} maps raw files the same way, after a validating scan this test skips.)
 */
class HugeSparseFileTest {
    private static final int D = 4;
    private static final long ROW_BYTES = 4L * D;
    private static final long SIZE = (5L << 30) / 2; // 2.5 GiB
    private static final long ROWS = SIZE / ROW_BYTES;

    @TempDir
    Path dir;

    private static void putRow(FileChannel ch, long row, float base) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int a = 0; a < D; a++) {
            b.putFloat(base + a);
        }
        b.flip();
        ch.write(b, row * ROW_BYTES);
    }

    @Test
    void readsRowsBeyondTwoGibibytes() throws IOException {
        Path file = dir.resolve("huge.f32");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        long regionRows = MappedDataset.MAX_REGION_BYTES / ROW_BYTES;
        long past2g = (2L << 30) / ROW_BYTES + 5;
        long[] marked = {0, regionRows - 1, regionRows, past2g, ROWS - 1};
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int i = 0; i < marked.length; i++) {
                putRow(ch, marked[i], 10 * (i + 1));
            }
        }
        // Not validated: a full scan would fill 2.5 GiB of page cache with the file's zero pages.
        MappedDataset ds = MappedDataset.open(file, 0, ROWS, D, true, ByteOrder.LITTLE_ENDIAN, null, -1,
                file.toString(), MappedDataset.MAX_REGION_BYTES, false);
        assertEquals(ROWS, ds.rows());
        assertEquals(3, ds.regions());
        for (int i = 0; i < marked.length; i++) {
            double[] row = new double[D];
            ds.read(marked[i], 1, row, 0);
            float b = 10 * (i + 1);
            assertArrayEquals(new double[] {b, b + 1, b + 2, b + 3}, row, "row " + marked[i]);
        }
        // a block that crosses from region 0 into region 1
        float[] two = new float[3 * D];
        ds.read(regionRows - 2, 3, two, 0);
        assertArrayEquals(new float[] {0, 0, 0, 0, 20, 21, 22, 23, 30, 31, 32, 33}, two);
        double[] after = new double[2 * D];
        ds.read(past2g - 1, 2, after, 0);
        assertArrayEquals(new double[] {0, 0, 0, 0, 40, 41, 42, 43}, after);
    }
}
