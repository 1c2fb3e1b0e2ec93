package org.emgmm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@code .npy} files in pure Java for tests (the header as numpy's {@code format.py} writes it). */
final class NpyFiles {
    private NpyFiles() {
    }

    /**
     * @param path destination
     * @param values row-major values
     * @param descr dtype, e.g. "&lt;f4", "&gt;f8", "&lt;i8" (values written as float, double or long accordingly)
     * @param fortran the fortran_order flag to write
     * @param shape the shape text inside the parentheses, e.g. "3, 2" or "3,"
     * @param major format version 1, 2 or 3
     */
    static void write(Path path, double[] values, String descr, boolean fortran, String shape, int major)
            throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
                + shape + "), }";
        int pre = major == 1 ? 10 : 12;
        int total = ((pre + dict.length() + 1 + 63) / 64) * 64;
        StringBuilder h = new StringBuilder(dict);
        while (pre + h.length() + 1 < total) {
            h.append(' ');
        }
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        int item = descr.endsWith("4") ? 4 : 8;
        ByteBuffer b = ByteBuffer.allocate(pre + hb.length + values.length * item);
        b.put(NpyHeader.MAGIC).put((byte) major).put((byte) 0);
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            b.putShort((short) hb.length);
        } else {
            b.putInt(hb.length);
        }
        b.put(hb);
        b.order(descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (descr.endsWith("i8")) {
                b.putLong((long) v);
            } else if (item == 4) {
                b.putFloat((float) v);
            } else {
                b.putDouble(v);
            }
        }
        Files.write(path, b.array());
    }

    /** Writes raw little-endian float32 values. */
    static void writeRaw(Path path, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        Files.write(path, b.array());
    }
}
