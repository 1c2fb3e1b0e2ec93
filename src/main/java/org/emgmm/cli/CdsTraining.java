package org.emgmm.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The training run of emgmm's class-data-sharing archive: {@code mvn package} runs it once as
 * {@code emgmm java -XX:ArchiveClassesAtExit=emgmm.jsa -cp emgmm.jar org.emgmm.cli.CdsTraining} (also
 * {@code bench/cds-archive.sh}), and the launcher maps the archive at every later start, so that the classes a
 * command loads — the Vector API's with the lambda classes and method-handle forms its kernels spin, Jackson's,
 * emgmm's — are neither loaded, verified and linked nor generated again (generating them is bytecode work the JIT
 * compiles too: about a second of CPU at the start of a fit on the 2-core development machine).
 *
 * <p>It runs, in this one JVM, what a user's commands load: {@code fit} of a {@code .npy} file (memory-mapped) and a
 * CSV file, diagonal and full covariances, double and float, from a saved model ({@code --init-model}) and from
 * k-means++, the summary, the model file; then {@code predict} and {@code score}. The data are small (a few thousand
 * rows), so the run takes a few seconds; the kernels' code paths are the same as on big data. Nothing is printed
 * (the commands write to a discarded buffer); the temporary files are removed.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    /**
     * Runs the training commands; exits with status 1 when one fails.
     *
     * @param args ignored
     * @throws IOException when the temporary files cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("emgmm-cds");
        try {
            int code = train(dir);
            if (code != 0) {
                System.err.println("emgmm CDS training: a command failed (status " + code + ")");
                System.exit(1);
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** @return 0, or the first failing command's status */
    static int train(Path dir) throws IOException {
        int n = 4096;
        int d = 4;
        double[] x = mixture(n, d, 1);
        Path npy = dir.resolve("x.npy");
        writeNpy(npy, x, n, d);
        Path csv = dir.resolve("x.csv");
        writeCsv(csv, x, n, d);
        String full = dir.resolve("full.json").toString();
        String diag = dir.resolve("diag.json").toString();
        String[][] commands = {
            {"fit", "--input", npy.toString(), "--k", "3", "--covariance", "full", "--max-iter", "5", "--seed", "1",
                "--output", full},
            {"fit", "--input", npy.toString(), "--init-model", full, "--max-iter", "3", "--tol", "0"},
            {"fit", "--input", csv.toString(), "--k", "3", "--covariance", "diag", "--max-iter", "5", "--seed", "1",
                "--output", diag},
            {"fit", "--input", npy.toString(), "--init-model", diag, "--max-iter", "3", "--tol", "0", "--quiet",
                "--output", dir.resolve("diag2.json").toString()},
            {"fit", "--input", npy.toString(), "--k", "3", "--covariance", "diag", "--precision", "float",
                "--max-iter", "3", "--backend", "cpu"},
            {"fit", "--input", npy.toString(), "--k", "3", "--covariance", "full", "--precision", "float",
                "--max-iter", "3", "--backend", "cpu"},
            {"predict", "--model", full, "--input", npy.toString()},
            {"score", "--model", diag, "--input", csv.toString()},
        };
        for (String[] c : commands) {
            PrintWriter sink = new PrintWriter(new StringWriter());
            int code = Main.run(sink, sink, c);
            if (code != 0) {
                return code;
            }
        }
        return 0;
    }

    /** A mixture of three well-separated Gaussian blobs, row-major. */
    private static double[] mixture(int n, int d, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            for (int a = 0; a < d; a++) {
                x[i * d + a] = 6.0 * c * (a % 2 == 0 ? 1 : -1) + r.nextGaussian() * (1 + 0.3 * a);
            }
        }
        return x;
    }

    /** Writes a little-endian float64 C-order .npy file (format version 1.0). */
    private static void writeNpy(Path p, double[] x, int n, int d) throws IOException {
        StringBuilder h = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + n + ", " + d
                + "), }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + 8 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length).put(header);
        for (double v : x) {
            b.putDouble(v);
        }
        try (OutputStream out = Files.newOutputStream(p)) {
            out.write(b.array());
        }
    }

    private static void writeCsv(Path p, double[] x, int n, int d) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < d; a++) {
            sb.append(a == 0 ? "" : ",").append("f").append(a);
        }
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                sb.append(a == 0 ? "" : ",").append(x[i * d + a]);
            }
            sb.append('\n');
        }
        Files.writeString(p, sb.toString());
    }
}
