package org.emgmm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.emgmm.data.DataSources;
import org.emgmm.data.Dataset;
import org.emgmm.data.InputOptions;
import picocli.CommandLine.Option;

/** How to read the input file: the options shared by every command that reads data. */
public final class InputArgs {
    /** Classpath location of the bundled Old Faithful data (272 × 2, header "eruptions","waiting"). */
    public static final String FAITHFUL = DataSources.FAITHFUL_RESOURCE;

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
     * @return the dataset, validated, with its CSV header names (null without a header)
     * @throws IOException when it cannot be read
     */
    public DataSources.Table open(Path path) throws IOException {
        InputOptions o = options();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("input file '" + path + "' does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("input '" + path + "' is a directory, not a data file");
        }
        return DataSources.openTable(path, o);
    }

    /**
     * The bundled Old Faithful data set (eruption length and waiting time of 272 eruptions of the Old Faithful
     * geyser; Azzalini and Bowman 1990), read from the classpath.
     *
     * @return the 272 × 2 dataset
     */
    public static Dataset faithful() {
        return DataSources.faithful();
    }

    /** Feature names of the bundled data. */
    static final List<String> FAITHFUL_NAMES = List.of("eruptions", "waiting");
}
