package org.emgmm.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV table of numbers into an {@link ArrayDataset} (doubles), with Apache Commons CSV doing the quoting.
 *
 * <ul>
 *   <li>Header: forced by {@link InputOptions#header()}, otherwise the first record is a header when any of its
 *       cells is not a number ({@code nan} and {@code inf} count as numbers, so they are reported as bad values).</li>
 *   <li>Columns by header name (tried first) or 0-based index; a weights column is excluded from the features.</li>
 *   <li>Empty lines (and lines of spaces only) are skipped anywhere, so trailing blank lines are harmless.</li>
 *   <li>Every error names the file, the 1-based line (as a text editor counts, blank lines included) and the
 *       1-based column of the file, with its header name when there is a header.</li>
 * </ul>
 */
final class CsvReader {
    private final String name;
    private final InputOptions options;
    private final char delimiter;

    private List<String> header;
    private List<String> featureNames;
    private long line;
    private long[] cellLines = new long[0];

    CsvReader(String name, InputOptions options, char delimiter) {
        this.name = name;
        this.options = options;
        this.delimiter = delimiter;
    }

    /**
     * @param in the text (closed by the caller)
     * @return the dataset
     * @throws IOException when reading fails
     * @throws IllegalArgumentException naming file, line and column for bad content
     */
    ArrayDataset read(Reader in) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true).get();
        try (CSVParser parser = CSVParser.parse(skipBom(in), format)) {
            Iterator<CSVRecord> it = parser.iterator();
            CSVRecord first = next(it, parser);
            if (first == null) {
                throw new IllegalArgumentException("empty data: " + name + " has no rows (empty file)");
            }
            long firstLine = line;
            boolean hasHeader = options.header() != null ? options.header() : looksLikeHeader(first);
            int width = first.size();
            CSVRecord rec = first;
            if (hasHeader) {
                header = new ArrayList<>(width);
                for (String h : first) {
                    header.add(h.trim());
                }
                rec = next(it, parser);
                if (rec == null) {
                    throw new IllegalArgumentException("empty data: " + name + " has a header (line " + firstLine
                            + ") but no data rows");
                }
            }
            int weightsCol = options.weightsColumn() == null ? -1 : resolve(options.weightsColumn(), width,
                    "weights column");
            int[] cols = selectColumns(width, weightsCol);
            int d = cols.length;
            if (header != null) {
                List<String> names = new ArrayList<>(d);
                for (int c : cols) {
                    names.add(header.get(c));
                }
                featureNames = List.copyOf(names);
            }
            double[] values = new double[Math.max(16, d * 64)];
            double[] weights = weightsCol >= 0 ? new double[64] : null;
            int rows = 0;
            for (; rec != null; rec = next(it, parser)) {
                if (rec.size() != width) {
                    throw new IllegalArgumentException(name + ", line " + line + ": " + rec.size()
                            + (rec.size() == 1 ? " field" : " fields") + ", but line " + firstLine + " has " + width
                            + " (ragged rows; check the delimiter '" + printable(delimiter) + "' and quoting)"
                            + (width == 1 ? delimiterHint(first.get(0)) : ""));
                }
                if ((long) (rows + 1) * d > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(name + ", line " + line + ": too many values for a CSV input;"
                            + " convert the file to .npy or raw float32, which are memory-mapped");
                }
                if ((rows + 1) * d > values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, 2L * values.length + d));
                }
                for (int j = 0; j < d; j++) {
                    values[rows * d + j] = value(rec, cols[j]);
                }
                if (weights != null) {
                    if (rows == weights.length) {
                        weights = Arrays.copyOf(weights, 2 * rows);
                    }
                    double w = value(rec, weightsCol);
                    if (w < 0) {
                        throw error(weightsCol, "sample weight " + rec.get(weightsCol).trim()
                                + " is negative; weights must be finite and non-negative");
                    }
                    weights[rows] = w;
                }
                rows++;
            }
            return ArrayDataset.of(Arrays.copyOf(values, rows * d), d,
                    weights == null ? null : Arrays.copyOf(weights, rows), name);
        }
    }

    /** @return the header names of the selected feature columns, in order, after {@link #read}; null without a header */
    List<String> featureNames() {
        return featureNames;
    }

    /** The next non-blank record, with {@link #line} set to its last line and {@link #cellLines} to each cell's. */
    private CSVRecord next(Iterator<CSVRecord> it, CSVParser parser) throws IOException {
        while (true) {
            CSVRecord r;
            try {
                if (!it.hasNext()) {
                    return null;
                }
                r = it.next();
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof CSVException) {
                    throw new IllegalArgumentException(name + ": malformed CSV: " + e.getCause().getMessage(), e);
                }
                throw e.getCause();
            }
            line = parser.getCurrentLineNumber();
            if (r.size() == 1 && r.get(0).isBlank()) {
                continue;
            }
            // A quoted cell may span lines: count the breaks inside cells back from the record's last line.
            if (cellLines.length < r.size()) {
                cellLines = new long[r.size()];
            }
            long breaks = 0;
            for (int c = r.size() - 1; c >= 0; c--) {
                breaks += lineBreaks(r.get(c));
                cellLines[c] = line - breaks;
            }
            return r;
        }
    }

    private static int lineBreaks(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n'))) {
                n++;
            }
        }
        return n;
    }

    private static boolean looksLikeHeader(CSVRecord r) {
        for (String cell : r) {
            try {
                parse(cell);
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return false;
    }

    private int[] selectColumns(int width, int weightsCol) {
        List<String> sel = options.columns();
        int[] cols;
        if (sel == null || sel.isEmpty()) {
            cols = new int[weightsCol >= 0 ? width - 1 : width];
            int j = 0;
            for (int c = 0; c < width; c++) {
                if (c != weightsCol) {
                    cols[j++] = c;
                }
            }
            if (cols.length == 0) {
                throw new IllegalArgumentException(name + ": no feature columns: the only column is the weights"
                        + " column");
            }
            return cols;
        }
        cols = new int[sel.size()];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = resolve(sel.get(j), width, "column");
            if (cols[j] == weightsCol) {
                throw new IllegalArgumentException(name + ": column " + describeColumn(cols[j])
                        + " is selected both as a feature and as the weights column");
            }
            for (int i = 0; i < j; i++) {
                if (cols[i] == cols[j]) {
                    throw new IllegalArgumentException(name + ": column " + describeColumn(cols[j])
                            + " is selected twice");
                }
            }
        }
        return cols;
    }

    /** A column by header name (exact, then ignoring case) or by 0-based index. */
    private int resolve(String spec, int width, String what) {
        String s = spec.trim();
        if (header != null) {
            int found = header.indexOf(s);
            if (found < 0) {
                for (int c = 0; c < header.size(); c++) {
                    if (header.get(c).equalsIgnoreCase(s)) {
                        found = c;
                        break;
                    }
                }
            }
            if (found >= 0) {
                if (header.lastIndexOf(header.get(found)) != found) {
                    throw new IllegalArgumentException(name + ": " + what + " '" + s + "' is ambiguous: the header"
                            + " has it more than once; select by 0-based index instead");
                }
                return found;
            }
        }
        int idx;
        try {
            idx = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": unknown " + what + " '" + s + "'"
                    + (header == null ? " (the file has no header, so columns are chosen by 0-based index)"
                            : "; the header has " + header));
        }
        if (idx < 0 || idx >= width) {
            throw new IllegalArgumentException(name + ": " + what + " index " + idx + " is out of range: the file has "
                    + width + (width == 1 ? " column" : " columns") + " (0-based indices 0.." + (width - 1) + ")");
        }
        return idx;
    }

    private String describeColumn(int c) {
        return (c + 1) + (header == null || header.get(c).isEmpty() ? "" : " (\"" + header.get(c) + "\")");
    }

    private double value(CSVRecord rec, int c) {
        String cell = rec.get(c);
        double v;
        try {
            v = parse(cell);
        } catch (NumberFormatException e) {
            String t = cell.trim();
            if (t.isEmpty()) {
                throw error(c, "empty cell (missing values are not supported)");
            }
            throw error(c, "not a number: '" + abbreviate(t) + "'" + delimiterHint(t));
        }
        if (!Double.isFinite(v)) {
            throw error(c, "value " + cell.trim() + " is not finite (NaN and infinities are not allowed)");
        }
        return v;
    }

    private IllegalArgumentException error(int c, String what) {
        return new IllegalArgumentException(name + ", line " + cellLines[c] + ", column " + describeColumn(c) + ": "
                + what);
    }

    private String delimiterHint(String t) {
        for (char cand : new char[] {',', '\t', ';', ' ', '|'}) {
            if (cand != delimiter && t.indexOf(cand) > 0) {
                return " (is the delimiter '" + printable(cand) + "'? the file is read with '" + printable(delimiter)
                        + "'; pass --delimiter)";
            }
        }
        return "";
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /**
     * Parses a decimal number (Java/C syntax without type suffixes or hex), or {@code nan}/{@code inf}/
     * {@code infinity} in any case with a sign, into NaN or an infinity.
     *
     * @throws NumberFormatException when the cell is not a number
     */
    static double parse(String cell) {
        String t = cell.trim();
        if (t.isEmpty()) {
            throw new NumberFormatException("empty");
        }
        char last = t.charAt(t.length() - 1);
        if ((last >= '0' && last <= '9') || last == '.') {
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c == 'x' || c == 'X' || c == 'p' || c == 'P') {
                    throw new NumberFormatException(t);
                }
            }
            return Double.parseDouble(t);
        }
        String l = t.toLowerCase(Locale.ROOT);
        boolean neg = l.startsWith("-");
        if (neg || l.startsWith("+")) {
            l = l.substring(1);
        }
        switch (l) {
            case "nan":
                return Double.NaN;
            case "inf":
            case "infinity":
                return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default:
                throw new NumberFormatException(t);
        }
    }

    /** Skips a leading UTF-8 byte-order mark. */
    private static Reader skipBom(Reader in) throws IOException {
        java.io.PushbackReader p = new java.io.PushbackReader(in, 1);
        int c = p.read();
        if (c != -1 && c != '\uFEFF') {
            p.unread(c);
        }
        return p;
    }
}
