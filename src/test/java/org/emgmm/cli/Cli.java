package org.emgmm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs the command line in-process and captures what it prints; writes small test inputs. */
final class Cli {
    /** What a run produced. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Files in a directory other than the given ones (to prove no partial or temporary file is left). */
    static List<String> listing(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }

    static Path csv(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    /** A seeded two-cluster 2-D data set as CSV text, optionally with a header. */
    static String twoClusters(int n, boolean header) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        StringBuilder sb = new StringBuilder(header ? "a,b\n" : "");
        for (int i = 0; i < n; i++) {
            double c = i % 3 == 0 ? 5 : 0;
            sb.append(c + gauss(r)).append(',').append(c + 0.5 * gauss(r)).append('\n');
        }
        return sb.toString();
    }

    static double[][] parse(String csvText, boolean header) {
        List<double[]> rows = new ArrayList<>();
        String[] lines = csvText.split("\n");
        for (int i = header ? 1 : 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cells = lines[i].split(",");
            double[] r = new double[cells.length];
            for (int j = 0; j < cells.length; j++) {
                r[j] = Double.parseDouble(cells[j]);
            }
            rows.add(r);
        }
        return rows.toArray(new double[0][]);
    }

    static double gauss(java.util.SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Writes a C-order 2-D .npy file of float32 (f4) or float64 (f8). */
    static Path npy(Path dir, String name, double[][] rows, boolean float32) throws IOException {
        int n = rows.length;
        int d = rows[0].length;
        String dict = "{'descr': '<" + (float32 ? "f4" : "f8") + "', 'fortran_order': False, 'shape': (" + n + ", "
                + d + "), }";
        int headerLen = 10 + dict.length() + 1;
        int pad = (64 - headerLen % 64) % 64;
        StringBuilder h = new StringBuilder(dict);
        h.append(" ".repeat(pad)).append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + hb.length + n * d * (float32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) hb.length).put(hb);
        for (double[] r : rows) {
            for (double v : r) {
                if (float32) {
                    b.putFloat((float) v);
                } else {
                    b.putDouble(v);
                }
            }
        }
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    /** Writes raw little-endian float32. */
    static Path raw(Path dir, String name, double[][] rows) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(rows.length * rows[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] r : rows) {
            for (double v : r) {
                b.putFloat((float) v);
            }
        }
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }
}
