package org.emgmm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.DataSources;
import org.emgmm.data.Dataset;
import org.emgmm.data.InputOptions;
import picocli.CommandLine.Option;

/** How to read the input file: the options shared by every command that reads data. */
public final class InputArgs {
    /** Classpath location of the bundled Old Faithful data (272 × 2, header "eruptions","waiting"). */
    public static final String FAITHFUL = "/org/emgmm/faithful.csv";

    @Option(names = "--format", paramLabel = "csv|npy|raw",
            description = "Input format; by default decided by the extension (.csv/.txt/.tsv, .npy, .f32/.raw/.bin).")
    String format;

    @Option(names = "--header", negatable = true,
            description = "CSV: the first row is (--header) or is not (--no-header) a header; detected by default.")
    Boolean header;

    @Option(names = "--columns", split = ",", paramLabel = "COL",
            description = "CSV: the feature columns, by header name or 0-based index (default: all but the weights).")
    List<String> columns;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "CSV field delimiter: one character, or tab, space, semicolon (default ',' or tab for .tsv).")
    String delimiter;

    @Option(names = "--weights-column", paramLabel = "COL",
            description = "CSV: column of non-negative per-sample weights, by name or 0-based index.")
    String weightsColumn;

    @Option(names = "--dims", paramLabel = "D", defaultValue = "0",
            description = "Raw little-endian float32 input: the number of features per row (required for raw).")
    int dims;

    /**
     * @return the reader options these flags describe
     * @throws IllegalArgumentException for a bad delimiter or --dims
     */
    public InputOptions options() {
        if (dims < 0) {
            throw new IllegalArgumentException("--dims must be at least 1, got " + dims);
        }
        String f = format == null ? null : format.trim().toLowerCase(Locale.ROOT);
        if (f != null && !f.equals("csv") && !f.equals("npy") && !f.equals("raw")) {
            throw new IllegalArgumentException("--format '" + format + "' is not one of csv, npy, raw");
        }
        return new InputOptions(f, header, columns == null || columns.isEmpty() ? null : List.copyOf(columns),
                delimiter(delimiter), weightsColumn, dims);
    }

    /**
     * @param s a delimiter as typed
     * @return the character, or null for the default
     */
    static Character delimiter(String s) {
        if (s == null) {
            return null;
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "tab": case "\\t": case "\t": return '\t';
            case "space": case " ": return ' ';
            case "semicolon": return ';';
            case "comma": return ',';
            case "pipe": return '|';
            default:
                if (s.length() != 1) {
                    throw new IllegalArgumentException("--delimiter '" + s + "' must be one character "
                            + "(or tab, space, semicolon, comma, pipe)");
                }
                return s.charAt(0);
        }
    }

    /**
     * Opens a data file with these options.
     *
     * @param path the file
     * @return the dataset, validated
     * @throws IOException when it cannot be read
     */
    public Dataset open(Path path) throws IOException {
        InputOptions o = options();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("input file '" + path + "' does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("input '" + path + "' is a directory, not a data file");
        }
        return DataSources.open(path, o);
    }

    /**
     * The bundled Old Faithful data set (eruption length and waiting time of 272 eruptions of the Old Faithful
     * geyser; Azzalini and Bowman 1990), read from the classpath.
     *
     * @return the 272 × 2 dataset
     * @throws IOException when the resource cannot be read
     */
    public static Dataset faithful() throws IOException {
        List<Double> v = new ArrayList<>();
        try (InputStream in = InputArgs.class.getResourceAsStream(FAITHFUL)) {
            if (in == null) {
                throw new IOException("the bundled data " + FAITHFUL + " is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = r.readLine();
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                for (String cell : line.split(",")) {
                    v.add(Double.parseDouble(cell.trim()));
                }
            }
        }
        double[] a = new double[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return ArrayDataset.of(a, 2, null);
    }

    /** Feature names of the bundled data. */
    static final List<String> FAITHFUL_NAMES = List.of("eruptions", "waiting");
}
