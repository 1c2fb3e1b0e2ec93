package org.emgmm.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens data files as {@link Dataset}s: CSV (header detected or forced, columns by name or index, delimiter,
 * a weights column), NumPy {@code .npy} (float32/float64, C order, 1-D or 2-D) and raw little-endian float32 with a
 * given feature count. Large binary files are memory-mapped ({@link MappedDataset}) and read in blocks, never
 * copied whole into a Java array. Every error names the file and, for text, the line and column.
 *
 * <pre>{@code
 * Dataset csv = DataSources.open(Path.of("data.csv"), InputOptions.defaults());
 * Dataset raw = DataSources.open(Path.of("big.f32"),
 *         new InputOptions(null, null, null, null, null, 16));   // 16 features per row
 * }</pre>
 *
 * <p>The format is {@link InputOptions#format()} when given, else {@code .npy} for a file starting with the NumPy
 * magic bytes or named {@code *.npy}, raw float32 for {@code *.f32}, {@code *.raw} and {@code *.bin}, and CSV for
 * anything else ({@code *.tsv} with a tab delimiter unless one is given).
 *
 * <p>Binary files have no header, so {@link InputOptions#columns()} and {@link InputOptions#weightsColumn()} select
 * by 0-based index there; without a weights column, binary inputs have no sample weights.
 */
public final class DataSources {
    /** Classpath location of the bundled Old Faithful data set (272 rows: eruptions, waiting). */
    public static final String FAITHFUL_RESOURCE = "/org/emgmm/faithful.csv";

    private DataSources() {
    }

    /**
     * A dataset with the names of its features, when the file has them.
     *
     * @param data the samples
     * @param featureNames the header names of the feature columns, in the dataset's column order; null when the
     *                     input has no header (CSV without one, {@code .npy}, raw)
     */
    public record Table(Dataset data, List<String> featureNames) {
    }

    /**
     * @param path the file
     * @param options how to read it ({@link InputOptions#defaults()} for detection and all columns)
     * @return the dataset, validated (finite values, good weights)
     * @throws IOException when the file cannot be read (missing, a directory, ...)
     * @throws IllegalArgumentException naming file, line and column for bad content, or a bad option
     */
    public static Dataset open(Path path, InputOptions options) throws IOException {
        return openTable(path, options).data();
    }

    /**
     * As {@link #open}, also returning the feature names from a CSV header (for summaries and plot axes).
     *
     * @param path the file
     * @param options how to read it
     * @return the dataset and its feature names (null names when the file has no header)
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming file, line and column for bad content, or a bad option
     */
    public static Table openTable(Path path, InputOptions options) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("input path must not be null");
        }
        InputOptions o = options == null ? InputOptions.defaults() : options;
        String name = path.toString();
        switch (formatOf(path, o)) {
            case "npy":
                return new Table(openNpy(path, name, o), null);
            case "raw":
                return new Table(openRaw(path, name, o), null);
            default:
                try (Reader r = new BufferedReader(new InputStreamReader(Files.newInputStream(path),
                        StandardCharsets.UTF_8), 1 << 16)) {
                    return readCsv(r, name, o, delimiterFor(name, o));
                }
        }
    }

    /**
     * Reads CSV text from a reader (standard input, a classpath resource), with the same rules as {@link #open}.
     *
     * @param reader the text; not closed here
     * @param name the source's name for messages and {@link Dataset#describe()}, e.g. "stdin"
     * @param options how to read it (format and dims are ignored)
     * @return the dataset, validated
     * @throws IOException when reading fails
     * @throws IllegalArgumentException naming source, line and column for bad content
     */
    public static Dataset openCsv(Reader reader, String name, InputOptions options) throws IOException {
        return openCsvTable(reader, name, options).data();
    }

    /**
     * As {@link #openCsv}, also returning the feature names from the header.
     *
     * @param reader the text; not closed here
     * @param name the source's name for messages
     * @param options how to read it
     * @return the dataset and its feature names (null names without a header)
     * @throws IOException when reading fails
     * @throws IllegalArgumentException naming source, line and column for bad content
     */
    public static Table openCsvTable(Reader reader, String name, InputOptions options) throws IOException {
        InputOptions o = options == null ? InputOptions.defaults() : options;
        return readCsv(reader, name, o, delimiterFor(name, o));
    }

    /**
     * The bundled Old Faithful data set (Azzalini and Bowman 1990; R's {@code faithful}): 272 rows of eruption
     * duration (minutes) and waiting time to the next eruption (minutes), read from the classpath.
     *
     * @return the 272 × 2 dataset, named "faithful.csv"
     * @throws IllegalStateException when the resource is missing from the classpath
     */
    public static Dataset faithful() {
        try (InputStream in = DataSources.class.getResourceAsStream(FAITHFUL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled data " + FAITHFUL_RESOURCE + " is missing from the classpath");
            }
            return openCsv(new InputStreamReader(in, StandardCharsets.UTF_8), "faithful.csv", InputOptions.defaults());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled data " + FAITHFUL_RESOURCE, e);
        }
    }

    /**
     * The format {@link #open} will use for a file.
     *
     * @param path the file
     * @param options the options (their format wins when set)
     * @return "csv", "npy" or "raw"
     * @throws IOException when the file cannot be read to check for the .npy magic bytes
     * @throws IllegalArgumentException for an unknown format name
     */
    public static String formatOf(Path path, InputOptions options) throws IOException {
        String f = options == null ? null : options.format();
        if (f != null && !f.isBlank()) {
            switch (f.trim().toLowerCase(Locale.ROOT)) {
                case "csv":
                case "tsv":
                case "txt":
                    return "csv";
                case "npy":
                    return "npy";
                case "raw":
                case "f32":
                case "float32":
                    return "raw";
                default:
                    throw new IllegalArgumentException("unknown input format '" + f + "' (csv, npy or raw)");
            }
        }
        String ext = extension(path.toString());
        if (ext.equals("npy")) {
            return "npy";
        }
        if (ext.equals("f32") || ext.equals("raw") || ext.equals("bin")) {
            return "raw";
        }
        if (Files.isRegularFile(path) && Files.size(path) >= 8 && NpyHeader.hasMagic(path)) {
            return "npy";
        }
        return "csv";
    }

    private static String extension(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        int dot = name.lastIndexOf('.');
        return dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    private static char delimiterFor(String name, InputOptions o) {
        if (o.delimiter() != null) {
            char c = o.delimiter();
            if (c == '"' || c == '\n' || c == '\r') {
                throw new IllegalArgumentException("delimiter " + (c == '"' ? "'\"'" : "line break")
                        + " is not allowed");
            }
            return c;
        }
        boolean tsv = extension(name).equals("tsv") || "tsv".equalsIgnoreCase(o.format());
        return tsv ? '\t' : ',';
    }

    private static Table readCsv(Reader r, String name, InputOptions o, char delimiter) throws IOException {
        CsvReader reader = new CsvReader(name, o, delimiter);
        Dataset ds = reader.read(r);
        return new Table(ds, reader.featureNames());
    }

    /**
     * Maps an {@code .npy} file's samples (every column a feature) without checking their values, which
     * {@link #open} reads all of: for a warm-up that reads only the first rows, and runs before the command opens
     * and checks the file itself (cli/Preload).
     *
     * @param path the file
     * @return the dataset, unchecked
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException for a bad header or a short file
     */
    public static Dataset openNpyUnchecked(Path path) throws IOException {
        String name = path.getFileName().toString();
        NpyHeader h = NpyHeader.read(path, name);
        return MappedDataset.open(path, h.dataOffset(), h.rows(), h.columns(), h.float32(), h.order(), null, -1, name,
                MappedDataset.MAX_REGION_BYTES, false);
    }

    private static Dataset openNpy(Path path, String name, InputOptions o) throws IOException {
        NpyHeader h = NpyHeader.read(path, name);
        return mapColumns(path, name, o, h.dataOffset(), h.rows(), h.columns(), h.float32(), h.order());
    }

    private static Dataset openRaw(Path path, String name, InputOptions o) throws IOException {
        if (o.dims() <= 0) {
            throw new IllegalArgumentException(name + " is read as raw float32, which has no shape: give the number"
                    + " of features per row (--dims D)" + (o.dims() < 0 ? "; got " + o.dims() : ""));
        }
        long size = Files.size(path);
        long rowBytes = 4L * o.dims();
        if (size == 0) {
            throw new IllegalArgumentException("empty data: " + name + " is empty (0 bytes)");
        }
        if (size % rowBytes != 0) {
            throw new IllegalArgumentException(name + " has " + size + " bytes, which is not a multiple of 4 x "
                    + o.dims() + " = " + rowBytes + " bytes (rows of " + o.dims() + " float32 values); check --dims"
                    + (size % 4 == 0 ? "" : " (not even a whole number of float32 values)"));
        }
        return mapColumns(path, name, o, 0, size / rowBytes, o.dims(), true, ByteOrder.LITTLE_ENDIAN);
    }

    /** Maps a binary table, selecting feature and weight columns by 0-based index. */
    private static Dataset mapColumns(Path path, String name, InputOptions o, long offset, long rows, int cols,
                                      boolean f32, ByteOrder order) throws IOException {
        int w = o.weightsColumn() == null ? -1 : binaryIndex(o.weightsColumn(), cols, name, "weights column");
        int[] feats = null;
        List<String> sel = o.columns();
        if (sel != null && !sel.isEmpty()) {
            feats = new int[sel.size()];
            for (int j = 0; j < feats.length; j++) {
                feats[j] = binaryIndex(sel.get(j), cols, name, "column");
                for (int i = 0; i < j; i++) {
                    if (feats[i] == feats[j]) {
                        throw new IllegalArgumentException(name + ": column " + feats[j] + " is selected twice");
                    }
                }
            }
        }
        return MappedDataset.open(path, offset, rows, cols, f32, order, feats, w, name);
    }

    private static int binaryIndex(String spec, int cols, String name, String what) {
        int idx;
        try {
            idx = Integer.parseInt(spec.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + what + " '" + spec + "' is not a 0-based index; binary"
                    + " files have no header, so columns are chosen by index");
        }
        if (idx < 0 || idx >= cols) {
            throw new IllegalArgumentException(name + ": " + what + " index " + idx + " is out of range: the file has "
                    + cols + (cols == 1 ? " column" : " columns") + " (0-based indices 0.." + (cols - 1) + ")");
        }
        return idx;
    }
}
