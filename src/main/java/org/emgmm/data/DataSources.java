package org.emgmm.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens data files as {@link Dataset}s: CSV (header detected or forced, columns by name or index, delimiter,
 * a weights column), NumPy {@code .npy} (float32/float64, C order, 2-D) and raw little-endian float32 with a given
 * feature count. Large binary files are memory-mapped and read in blocks, never copied whole into a Java array.
 * Every error names the file and, for text, the line and column.
 */
public final class DataSources {
    private DataSources() {
    }

    /**
     * @param path the file
     * @param options how to read it
     * @return the dataset, validated (finite values, good weights)
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming file, line and column for bad content
     */
    public static Dataset open(Path path, InputOptions options) throws IOException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
