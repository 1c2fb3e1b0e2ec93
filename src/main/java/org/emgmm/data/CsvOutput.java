package org.emgmm.data;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a numeric CSV table (an optional header, then rows of numbers), streaming, so outputs with many rows
 * (labels, responsibilities, per-sample scores, samples) need no table in memory. Doubles are written with
 * {@link Double#toString(double)}, which reads back to the same bits; integers without a decimal point; lines end
 * with {@code \n}. What this writes, {@link DataSources} reads back.
 *
 * <pre>{@code
 * CsvOutput.write(outputPathOrNull, System.out, csv -> {     // atomic file, or standard output when null
 *     csv.header("label");
 *     for (int label : labels) {
 *         csv.integers(label);
 *     }
 * });
 * }</pre>
 */
public final class CsvOutput implements Closeable {
    private final Writer out;
    private final char delimiter;
    private final StringBuilder line = new StringBuilder(256);

    /** What to write into a {@link CsvOutput}. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param csv the table to write into
         * @throws IOException on failure
         */
        void write(CsvOutput csv) throws IOException;
    }

    private CsvOutput(OutputStream stream, char delimiter) {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.delimiter = delimiter;
    }

    /**
     * A comma-separated table on a stream; {@link #close()} flushes but leaves the stream open (for stdout).
     *
     * @param stream destination
     * @return the writer
     */
    public static CsvOutput on(OutputStream stream) {
        return new CsvOutput(stream, ',');
    }

    /**
     * A table on a stream with a chosen delimiter; {@link #close()} flushes but leaves the stream open.
     *
     * @param stream destination
     * @param delimiter the delimiter, e.g. {@code '\t'}
     * @return the writer
     */
    public static CsvOutput on(OutputStream stream, char delimiter) {
        return new CsvOutput(stream, delimiter);
    }

    /**
     * Writes a comma-separated table to {@code path} atomically (temporary file, then rename: an interrupted or
     * failed write leaves no partial file), or to {@code stdout} when {@code path} is null.
     *
     * @param path destination file, or null for {@code stdout}
     * @param stdout the stream used when {@code path} is null (flushed, not closed)
     * @param body writes the table
     * @throws IOException when writing fails (the destination file is then untouched)
     */
    public static void write(Path path, OutputStream stdout, Body body) throws IOException {
        if (path == null) {
            try (CsvOutput csv = on(stdout)) {
                body.write(csv);
            }
            return;
        }
        AtomicFiles.write(path, stream -> {
            CsvOutput csv = new CsvOutput(stream, ',');
            body.write(csv);
            csv.flush();
        });
    }

    /**
     * Writes the header line; names are quoted when they contain the delimiter, a quote or a line break.
     *
     * @param names column names
     * @return this
     * @throws IOException on failure
     */
    public CsvOutput header(String... names) throws IOException {
        line.setLength(0);
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                line.append(delimiter);
            }
            String s = names[i] == null ? "" : names[i];
            if (s.indexOf(delimiter) >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                    || (!s.isEmpty() && (Character.isWhitespace(s.charAt(0))
                    || Character.isWhitespace(s.charAt(s.length() - 1))))) {
                line.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else {
                line.append(s);
            }
        }
        return endLine();
    }

    /**
     * Writes one row of doubles.
     *
     * @param values the row
     * @return this
     * @throws IOException on failure
     */
    public CsvOutput values(double... values) throws IOException {
        return values(values, 0, values.length);
    }

    /**
     * Writes one row from {@code len} doubles of an array, starting at {@code off}.
     *
     * @param values source array
     * @param off first value
     * @param len number of values
     * @return this
     * @throws IOException on failure
     */
    public CsvOutput values(double[] values, int off, int len) throws IOException {
        line.setLength(0);
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                line.append(delimiter);
            }
            line.append(values[off + i]);
        }
        return endLine();
    }

    /**
     * Writes one row of integers (labels, counts).
     *
     * @param values the row
     * @return this
     * @throws IOException on failure
     */
    public CsvOutput integers(long... values) throws IOException {
        line.setLength(0);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(delimiter);
            }
            line.append(values[i]);
        }
        return endLine();
    }

    private CsvOutput endLine() throws IOException {
        line.append('\n');
        out.append(line);
        return this;
    }

    /**
     * Flushes buffered rows to the stream.
     *
     * @throws IOException on failure
     */
    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes; the underlying stream is left open (the caller owns it). */
    @Override
    public void close() throws IOException {
        out.flush();
    }
}
