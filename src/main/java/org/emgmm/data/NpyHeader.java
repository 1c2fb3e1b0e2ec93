package org.emgmm.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0, as in numpy's
 * {@code numpy/lib/format.py}): magic {@code \x93NUMPY}, version, header length, then a Python dict literal with
 * {@code 'descr'}, {@code 'fortran_order'} and {@code 'shape'}. Only float32 and float64 arrays (either byte order)
 * in C order with one or two dimensions are accepted; a 1-D array of N values reads as N rows of 1 feature.
 *
 * @param dataOffset byte offset of the first value
 * @param rows number of rows
 * @param columns values per row
 * @param float32 true for float32, false for float64
 * @param order byte order of the values
 */
record NpyHeader(long dataOffset, long rows, int columns, boolean float32, ByteOrder order) {
    /** The six magic bytes every {@code .npy} file starts with. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*(['\"])(.*?)\\1");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    /** @return whether the file starts with the {@code .npy} magic bytes */
    static boolean hasMagic(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] b = in.readNBytes(MAGIC.length);
            return java.util.Arrays.equals(b, MAGIC);
        }
    }

    /**
     * Reads and checks the header.
     *
     * @param path the file
     * @param name the file's name for messages
     * @return the header
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file and what is wrong with the header
     */
    static NpyHeader read(Path path, String name) throws IOException {
        long size = Files.size(path);
        String dict;
        long offset;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] pre = in.readNBytes(8);
            if (pre.length < 8 || !java.util.Arrays.equals(java.util.Arrays.copyOf(pre, 6), MAGIC)) {
                throw new IllegalArgumentException(name + " is not a NumPy .npy file (it does not start with the"
                        + " magic bytes \\x93NUMPY)");
            }
            int major = pre[6] & 0xff;
            int minor = pre[7] & 0xff;
            long len;
            if (major == 1) {
                byte[] l = in.readNBytes(2);
                if (l.length < 2) {
                    throw truncated(name);
                }
                len = (l[0] & 0xff) | (l[1] & 0xff) << 8;
                offset = 10 + len;
            } else if (major == 2 || major == 3) {
                byte[] l = in.readNBytes(4);
                if (l.length < 4) {
                    throw truncated(name);
                }
                len = (l[0] & 0xffL) | (l[1] & 0xffL) << 8 | (l[2] & 0xffL) << 16 | (l[3] & 0xffL) << 24;
                offset = 12 + len;
            } else {
                throw new IllegalArgumentException(name + ": unsupported .npy format version " + major + "." + minor
                        + " (1.0, 2.0 and 3.0 are supported)");
            }
            if (offset > size || len > 1 << 24) {
                throw truncated(name);
            }
            byte[] h = in.readNBytes((int) len);
            if (h.length < len) {
                throw truncated(name);
            }
            dict = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
        }
        Matcher m = DESCR.matcher(dict);
        if (!m.find()) {
            throw new IllegalArgumentException(name + ": the .npy header has no simple 'descr' (structured arrays are"
                    + " not supported; save a plain float32 or float64 array): " + dict);
        }
        String descr = m.group(2);
        boolean f32;
        ByteOrder order;
        switch (descr) {
            case "<f4" -> { f32 = true; order = ByteOrder.LITTLE_ENDIAN; }
            case "<f8" -> { f32 = false; order = ByteOrder.LITTLE_ENDIAN; }
            case ">f4" -> { f32 = true; order = ByteOrder.BIG_ENDIAN; }
            case ">f8" -> { f32 = false; order = ByteOrder.BIG_ENDIAN; }
            case "=f4" -> { f32 = true; order = ByteOrder.nativeOrder(); }
            case "=f8" -> { f32 = false; order = ByteOrder.nativeOrder(); }
            default -> throw new IllegalArgumentException(name + ": unsupported .npy dtype '" + descr
                    + "'; only float32 ('<f4') and float64 ('<f8') are read (in numpy: a.astype(np.float32))");
        }
        Matcher fo = FORTRAN.matcher(dict);
        if (!fo.find()) {
            throw new IllegalArgumentException(name + ": the .npy header has no 'fortran_order': " + dict);
        }
        if (fo.group(1).equals("True")) {
            throw new IllegalArgumentException(name + ": the array is stored in Fortran (column-major) order; save it"
                    + " in C order (in numpy: np.save(f, np.ascontiguousarray(a)))");
        }
        Matcher sh = SHAPE.matcher(dict);
        if (!sh.find()) {
            throw new IllegalArgumentException(name + ": the .npy header has no 'shape': " + dict);
        }
        List<Long> dims = new ArrayList<>();
        for (String part : sh.group(1).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                dims.add(Long.parseLong(p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": bad 'shape' in the .npy header: (" + sh.group(1) + ")");
            }
        }
        if (dims.isEmpty() || dims.size() > 2) {
            throw new IllegalArgumentException(name + ": the array has " + dims.size() + " dimensions, shape ("
                    + sh.group(1).trim() + "); only 1-D (N values) and 2-D (N rows x D features) arrays are read");
        }
        long rows = dims.get(0);
        long cols = dims.size() == 2 ? dims.get(1) : 1;
        if (rows == 0 || cols == 0) {
            throw new IllegalArgumentException("empty data: " + name + " has shape (" + sh.group(1).trim() + ")");
        }
        if (cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + cols + " columns are too many");
        }
        long need = Math.multiplyExact(Math.multiplyExact(rows, cols), f32 ? 4L : 8L);
        if (size - offset != need) {
            throw new IllegalArgumentException(name + ": shape (" + sh.group(1).trim() + ") of " + descr + " needs "
                    + need + " bytes of data after the " + offset + "-byte header, but the file has " + (size - offset)
                    + (size - offset < need ? " (truncated?)" : ""));
        }
        return new NpyHeader(offset, rows, (int) cols, f32, order);
    }

    private static IllegalArgumentException truncated(String name) {
        return new IllegalArgumentException(name + ": truncated .npy header");
    }
}
