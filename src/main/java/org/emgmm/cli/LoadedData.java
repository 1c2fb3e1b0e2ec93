package org.emgmm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.emgmm.data.Dataset;

/**
 * A command's input: the dataset, what to call it, and its feature names when the file has a header.
 *
 * @param data the samples
 * @param name the file name, or "Old Faithful (bundled)"
 * @param featureNames names of the features, or null when unknown
 */
record LoadedData(Dataset data, String name, List<String> featureNames) {

    /**
     * Opens {@code --input}, or the bundled Old Faithful data when it is null (input options are then refused).
     *
     * @param input the file, or null
     * @param args the input options
     * @return the data
     * @throws IOException when the file cannot be read
     */
    static LoadedData load(Path input, InputArgs args) throws IOException {
        if (input == null) {
            if (args.columns != null || args.weightsColumn != null || args.dims != 0 || args.format != null
                    || args.delimiter != null || args.header != null) {
                throw new IllegalArgumentException("input options (--columns, --header, --delimiter, "
                        + "--weights-column, --dims, --format) need an --input file");
            }
            return new LoadedData(InputArgs.faithful(), "Old Faithful (bundled)", InputArgs.FAITHFUL_NAMES);
        }
        Dataset ds = args.open(input);
        return new LoadedData(ds, input.getFileName().toString(), csvHeader(input, args, ds.dims()));
    }

    /** Feature names from a CSV header line, or null when there is none or they cannot be matched. */
    static List<String> csvHeader(Path input, InputArgs args, int d) {
        String fname = input.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = args.format != null ? args.format.equalsIgnoreCase("csv")
                : fname.endsWith(".csv") || fname.endsWith(".txt") || fname.endsWith(".tsv");
        if (!csv || Boolean.FALSE.equals(args.header)) {
            return null;
        }
        String first;
        try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            first = r.readLine();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (first == null) {
            return null;
        }
        if (first.startsWith("\uFEFF")) {
            first = first.substring(1);
        }
        char delim = args.delimiter != null ? InputArgs.delimiter(args.delimiter)
                : fname.endsWith(".tsv") ? '\t' : ',';
        List<String> cells = new ArrayList<>();
        for (String c : first.split(java.util.regex.Pattern.quote(String.valueOf(delim)), -1)) {
            String t = c.trim();
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                t = t.substring(1, t.length() - 1).replace("\"\"", "\"");
            }
            cells.add(t);
        }
        boolean numeric = true;
        for (String c : cells) {
            try {
                Double.parseDouble(c);
            } catch (NumberFormatException e) {
                numeric = false;
            }
        }
        if (numeric && !Boolean.TRUE.equals(args.header)) {
            return null;
        }
        List<String> names = new ArrayList<>();
        if (args.columns != null && !args.columns.isEmpty()) {
            for (String col : args.columns) {
                int idx = cells.indexOf(col.trim());
                if (idx < 0) {
                    try {
                        idx = Integer.parseInt(col.trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                if (idx < 0 || idx >= cells.size()) {
                    return null;
                }
                names.add(cells.get(idx));
            }
        } else {
            int wIdx = -1;
            if (args.weightsColumn != null) {
                wIdx = cells.indexOf(args.weightsColumn.trim());
                if (wIdx < 0) {
                    try {
                        wIdx = Integer.parseInt(args.weightsColumn.trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
            for (int i = 0; i < cells.size(); i++) {
                if (i != wIdx) {
                    names.add(cells.get(i));
                }
            }
        }
        return names.size() == d ? names : null;
    }
}
