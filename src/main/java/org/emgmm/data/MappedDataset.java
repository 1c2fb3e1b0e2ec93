package org.emgmm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A {@link Dataset} over a memory-mapped binary file of row-major float32 or float64 values (a NumPy {@code .npy}
 * body, a raw float32 file). Nothing is copied into the Java heap: the file is mapped in regions of whole rows,
 * each at most {@value #MAX_REGION_BYTES} bytes, so files far larger than 2 GiB (and than the heap) work, and
 * {@link #read(long, int, double[], int)} copies only the rows asked for.
 *
 * <p>Optionally only some of the file's columns are features ({@code featureColumns}) and one column holds
 * per-sample weights ({@code weightsColumn}); by default every column is a feature and there are no weights.
 *
 * <p>Immutable and safe for concurrent reads (absolute bulk gets only). The mapping lives until the dataset is
 * garbage-collected; the file must not be truncated meanwhile.
 */
public final class MappedDataset implements Dataset {
    /** Largest mapped region, in bytes (1 GiB); regions hold whole rows. */
    public static final long MAX_REGION_BYTES = 1L << 30;
    /** Elements converted per step when the requested type differs from the stored one. */
    private static final int SCRATCH = 4096;

    private final String description;
    private final long rows;
    private final int fileColumns;
    private final int[] features;
    private final boolean identity;
    private final int weightsColumn;
    private final boolean float32;
    private final long rowsPerRegion;
    private final FloatBuffer[] floatRegions;
    private final DoubleBuffer[] doubleRegions;
    private final ThreadLocal<float[]> floatScratch = ThreadLocal.withInitial(() -> new float[SCRATCH]);
    private final ThreadLocal<double[]> doubleScratch = ThreadLocal.withInitial(() -> new double[SCRATCH]);

    private MappedDataset(String description, long rows, int fileColumns, int[] features, int weightsColumn,
                          boolean float32, long rowsPerRegion, FloatBuffer[] fr, DoubleBuffer[] dr) {
        this.description = description;
        this.rows = rows;
        this.fileColumns = fileColumns;
        this.features = features;
        this.weightsColumn = weightsColumn;
        this.float32 = float32;
        this.rowsPerRegion = rowsPerRegion;
        this.floatRegions = fr;
        this.doubleRegions = dr;
        boolean id = features.length == fileColumns;
        for (int i = 0; id && i < features.length; i++) {
            id = features[i] == i;
        }
        this.identity = id;
    }

    /**
     * Maps a file region of {@code rows} rows of {@code columns} values each, every column a feature, no weights.
     *
     * @param path the file
     * @param offset byte offset of the first value
     * @param rows number of rows, at least 1
     * @param columns values per row, at least 1
     * @param float32 true for 4-byte floats, false for 8-byte doubles
     * @param order byte order of the values
     * @param description name used in messages (usually the file name)
     * @return the dataset, validated (all values finite)
     * @throws IOException when the file cannot be mapped
     * @throws IllegalArgumentException when the file is too short or a value is not finite
     */
    public static MappedDataset open(Path path, long offset, long rows, int columns, boolean float32,
                                     ByteOrder order, String description) throws IOException {
        return open(path, offset, rows, columns, float32, order, null, -1, description);
    }

    /**
     * Maps a file region of {@code rows} rows of {@code columns} values each, of which some are features and one
     * may hold per-sample weights.
     *
     * @param path the file
     * @param offset byte offset of the first value
     * @param rows number of rows, at least 1
     * @param columns values per row in the file, at least 1
     * @param float32 true for 4-byte floats, false for 8-byte doubles
     * @param order byte order of the values
     * @param featureColumns 0-based file columns used as features, in this order; null for all but the weights
     * @param weightsColumn 0-based file column of per-sample weights, or -1 for none
     * @param description name used in messages (usually the file name)
     * @return the dataset, validated (finite values, non-negative weights)
     * @throws IOException when the file cannot be mapped
     * @throws IllegalArgumentException for a short file, bad columns, non-finite values or bad weights
     */
    public static MappedDataset open(Path path, long offset, long rows, int columns, boolean float32,
                                     ByteOrder order, int[] featureColumns, int weightsColumn,
                                     String description) throws IOException {
        return open(path, offset, rows, columns, float32, order, featureColumns, weightsColumn, description,
                MAX_REGION_BYTES, true);
    }

    /**
     * As the public overload, with the region size as a parameter (tests map many small regions) and validation
     * optional (tests of huge sparse files touch only the pages they read).
     */
    static MappedDataset open(Path path, long offset, long rows, int columns, boolean float32, ByteOrder order,
                              int[] featureColumns, int weightsColumn, String description, long maxRegionBytes,
                              boolean validate) throws IOException {
        if (rows < 1) {
            throw new IllegalArgumentException("empty data: no samples in " + description);
        }
        if (columns < 1) {
            throw new IllegalArgumentException("no columns in " + description);
        }
        if (weightsColumn < -1 || weightsColumn >= columns) {
            throw new IllegalArgumentException("weights column " + weightsColumn + " is out of range for "
                    + description + ", which has " + columns + " columns (0-based indices 0.." + (columns - 1) + ")");
        }
        int[] feats = featureColumns == null ? allBut(columns, weightsColumn) : featureColumns.clone();
        if (feats.length == 0) {
            throw new IllegalArgumentException("no feature columns left in " + description);
        }
        for (int c : feats) {
            if (c < 0 || c >= columns) {
                throw new IllegalArgumentException("column " + c + " is out of range for " + description
                        + ", which has " + columns + " columns (0-based indices 0.." + (columns - 1) + ")");
            }
            if (c == weightsColumn) {
                throw new IllegalArgumentException("column " + c + " of " + description
                        + " is both a feature and the weights column");
            }
        }
        int item = float32 ? Float.BYTES : Double.BYTES;
        long rowBytes = (long) columns * item;
        if (rowBytes > maxRegionBytes) {
            throw new IllegalArgumentException(description + ": rows of " + columns + " values are too wide to map");
        }
        long need = Math.multiplyExact(rows, rowBytes);
        long rowsPerRegion = maxRegionBytes / rowBytes;
        int regions = Math.toIntExact((rows + rowsPerRegion - 1) / rowsPerRegion);
        FloatBuffer[] fr = float32 ? new FloatBuffer[regions] : null;
        DoubleBuffer[] dr = float32 ? null : new DoubleBuffer[regions];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size - offset < need) {
                throw new IllegalArgumentException(description + " is too short: " + rows + " rows of " + columns
                        + " values need " + need + " bytes from offset " + offset + ", the file has " + size + " bytes");
            }
            for (int r = 0; r < regions; r++) {
                long first = r * rowsPerRegion;
                long len = Math.min(rowsPerRegion, rows - first) * rowBytes;
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, offset + first * rowBytes, len);
                ByteBuffer b = m.order(order);
                if (float32) {
                    fr[r] = b.asFloatBuffer();
                } else {
                    dr[r] = b.asDoubleBuffer();
                }
            }
        }
        MappedDataset ds = new MappedDataset(description, rows, columns, feats, weightsColumn, float32,
                rowsPerRegion, fr, dr);
        if (validate) {
            Datasets.validate(ds);
        }
        return ds;
    }

    private static int[] allBut(int columns, int skip) {
        int[] r = new int[skip >= 0 ? columns - 1 : columns];
        int j = 0;
        for (int c = 0; c < columns; c++) {
            if (c != skip) {
                r[j++] = c;
            }
        }
        return r;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int dims() {
        return features.length;
    }

    @Override
    public boolean isFloat() {
        return float32;
    }

    /** @return the number of mapped regions (one per {@value #MAX_REGION_BYTES} bytes of rows, rounded up) */
    public int regions() {
        return float32 ? floatRegions.length : doubleRegions.length;
    }

    @Override
    public void read(long start, int count, double[] dst, int off) {
        checkRange(start, count);
        if (!identity) {
            gather(start, count, dst, null, off);
            return;
        }
        long end = start + count;
        for (long row = start; row < end; ) {
            int reg = (int) (row / rowsPerRegion);
            long regEnd = Math.min(end, (reg + 1L) * rowsPerRegion);
            int idx = (int) ((row - reg * rowsPerRegion) * fileColumns);
            int len = (int) ((regEnd - row) * fileColumns);
            if (float32) {
                float[] s = floatScratch.get();
                for (int done = 0; done < len; ) {
                    int n = Math.min(s.length, len - done);
                    floatRegions[reg].get(idx + done, s, 0, n);
                    for (int i = 0; i < n; i++) {
                        dst[off + done + i] = s[i];
                    }
                    done += n;
                }
            } else {
                doubleRegions[reg].get(idx, dst, off, len);
            }
            off += len;
            row = regEnd;
        }
    }

    @Override
    public void read(long start, int count, float[] dst, int off) {
        checkRange(start, count);
        if (!identity) {
            gather(start, count, null, dst, off);
            return;
        }
        long end = start + count;
        for (long row = start; row < end; ) {
            int reg = (int) (row / rowsPerRegion);
            long regEnd = Math.min(end, (reg + 1L) * rowsPerRegion);
            int idx = (int) ((row - reg * rowsPerRegion) * fileColumns);
            int len = (int) ((regEnd - row) * fileColumns);
            if (float32) {
                floatRegions[reg].get(idx, dst, off, len);
            } else {
                double[] s = doubleScratch.get();
                for (int done = 0; done < len; ) {
                    int n = Math.min(s.length, len - done);
                    doubleRegions[reg].get(idx + done, s, 0, n);
                    for (int i = 0; i < n; i++) {
                        dst[off + done + i] = (float) s[i];
                    }
                    done += n;
                }
            }
            off += len;
            row = regEnd;
        }
    }

    /** Copies the selected columns of each row, one value at a time (the path for a column subset). */
    private void gather(long start, int count, double[] dd, float[] fd, int off) {
        int d = features.length;
        for (int i = 0; i < count; i++) {
            long row = start + i;
            int reg = (int) (row / rowsPerRegion);
            int base = (int) ((row - reg * rowsPerRegion) * fileColumns);
            int o = off + i * d;
            for (int j = 0; j < d; j++) {
                double v = float32 ? floatRegions[reg].get(base + features[j]) : doubleRegions[reg].get(base + features[j]);
                if (dd != null) {
                    dd[o + j] = v;
                } else {
                    fd[o + j] = (float) v;
                }
            }
        }
    }

    @Override
    public boolean hasWeights() {
        return weightsColumn >= 0;
    }

    @Override
    public void readWeights(long start, int count, double[] dst, int off) {
        if (weightsColumn < 0) {
            Arrays.fill(dst, off, off + count, 1.0);
            return;
        }
        checkRange(start, count);
        for (int i = 0; i < count; i++) {
            long row = start + i;
            int reg = (int) (row / rowsPerRegion);
            int idx = (int) ((row - reg * rowsPerRegion) * fileColumns) + weightsColumn;
            dst[off + i] = float32 ? floatRegions[reg].get(idx) : doubleRegions[reg].get(idx);
        }
    }

    private void checkRange(long start, int count) {
        if (start < 0 || count < 0 || start + count > rows) {
            throw new IndexOutOfBoundsException("rows [" + start + ", " + (start + count) + ") of " + rows
                    + " in " + description);
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
