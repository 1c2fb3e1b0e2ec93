package org.emgmm.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.emgmm.data.AtomicFiles;

/** Text output to stdout, or to a file written atomically (temporary file, then rename). */
final class Outputs {
    private Outputs() {
    }

    /** Produces text. */
    @FunctionalInterface
    interface Text {
        void write(Writer w) throws IOException;
    }

    /**
     * @param file destination, or null for {@code out}
     * @param out standard output
     * @param text the content
     * @throws IOException when the file cannot be written (nothing is left behind)
     */
    static void write(Path file, PrintWriter out, Text text) throws IOException {
        if (file == null) {
            text.write(out);
            out.flush();
            return;
        }
        AtomicFiles.write(file, stream -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            text.write(w);
            w.flush();
        });
    }

    /**
     * Checks, before any work, that an output file can be created: its directory exists and is writable and the
     * path is not a directory.
     *
     * @param file the output file or null
     * @param option the option that named it, for the message
     */
    static void checkWritable(Path file, String option) {
        if (file == null) {
            return;
        }
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " '" + file + "' is a directory, not a file");
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " '" + file + "': directory '" + dir + "' does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException(option + " '" + file + "': directory '" + dir + "' is not writable");
        }
    }

    /**
     * @param v a number
     * @return its shortest exact decimal form (round-trips)
     */
    static String num(double v) {
        return Double.toString(v);
    }
}
