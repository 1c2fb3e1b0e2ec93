package org.emgmm.data;

import static org.emgmm.data.CsvSourceTest.all;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NumPy {@code .npy} and raw float32 inputs, memory-mapped, with their error paths. */
class BinarySourceTest {
    /** The 3 × 2 array every numpy-written file below holds. */
    private static final double[] A = {1.5, -2.25, 3.0, 4.125, 1e-3, 6.0e5};

    // Files written by numpy 1.24.2 itself (independent of NpyFiles), base64 of the bytes:
    // /usr/bin/python3 -c "import numpy as np, io, base64
    // a = np.array([[1.5, -2.25], [3.0, 4.125], [1e-3, 6.0e5]])
    // for dt in ['<f8', '<f4', '>f8']:
    //     b = io.BytesIO(); np.save(b, a.astype(dt)); print(dt, base64.b64encode(b.getvalue()).decode())
    // b = io.BytesIO(); np.lib.format.write_array(b, a.astype('<f4'), version=(2, 0)); print(...)
    // b = io.BytesIO(); np.save(b, np.array([0.5, 1.5, 2.5])); print(...)"
    private static final String NUMPY_F8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXB"
            + "lJzogKDMsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4"
            + "PwAAAAAAAALAAAAAAAAACEAAAAAAAIAQQPyp8dJNYlA/AAAAAIBPIkE=";
    private static final String NUMPY_F4 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXB"
            + "lJzogKDMsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQ"
            + "wAAAQEAAAIRAbxKDOgB8Ekk=";
    private static final String NUMPY_BIG_F8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3N"
            + "oYXBlJzogKDMsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/+AAA"
            + "AAAAAMACAAAAAAAAQAgAAAAAAABAEIAAAAAAAD9QYk3S8an8QSJPgAAAAAA=";
    private static final String NUMPY_V2_F4 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCA"
            + "nc2hhcGUnOiAoMywgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/"
            + "AAAQwAAAQEAAAIRAbxKDOgB8Ekk=";
    private static final String NUMPY_1D = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXB"
            + "lJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADg"
            + "PwAAAAAAAPg/AAAAAAAABEA=";

    @TempDir
    Path dir;

    private Path numpy(String name, String base64) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, Base64.getDecoder().decode(base64));
        return p;
    }

    private static double[] asFloats(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (float) v[i];
        }
        return r;
    }

    private IllegalArgumentException fails(Path p, InputOptions o) {
        return assertThrows(IllegalArgumentException.class, () -> DataSources.open(p, o));
    }

    private static InputOptions raw(int dims) {
        return new InputOptions(null, null, null, null, null, dims);
    }

    @Test
    void readsNumpyWrittenFloat64AndFloat32() throws IOException {
        Dataset f8 = DataSources.open(numpy("a.npy", NUMPY_F8), InputOptions.defaults());
        assertTrue(f8 instanceof MappedDataset);
        assertEquals(3, f8.rows());
        assertEquals(2, f8.dims());
        assertFalse(f8.isFloat());
        assertFalse(f8.hasWeights());
        assertArrayEquals(A, all(f8));

        Dataset f4 = DataSources.open(numpy("b.npy", NUMPY_F4), InputOptions.defaults());
        assertTrue(f4.isFloat());
        assertArrayEquals(asFloats(A), all(f4));
        float[] f = new float[6];
        f4.read(0, 3, f, 0);
        assertEquals(4.125f, f[3]);
    }

    @Test
    void readsBigEndianVersion2AndOneDimensional() throws IOException {
        assertArrayEquals(A, all(DataSources.open(numpy("big.npy", NUMPY_BIG_F8), InputOptions.defaults())));
        assertArrayEquals(asFloats(A), all(DataSources.open(numpy("v2.npy", NUMPY_V2_F4), InputOptions.defaults())));
        Dataset one = DataSources.open(numpy("one.npy", NUMPY_1D), InputOptions.defaults());
        assertEquals(3, one.rows());
        assertEquals(1, one.dims());
        assertArrayEquals(new double[] {0.5, 1.5, 2.5}, all(one));
    }

    @Test
    void detectsNpyByMagicWhateverTheName() throws IOException {
        Path p = numpy("data.dat", NUMPY_F8);
        assertEquals("npy", DataSources.formatOf(p, InputOptions.defaults()));
        assertArrayEquals(A, all(DataSources.open(p, InputOptions.defaults())));
    }

    @Test
    void javaWrittenVersion3AndColumnSelectionWithWeights() throws IOException {
        Path p = dir.resolve("w.npy");
        NpyFiles.write(p, new double[] {1, 10, 2, 3, 20, 0.5, 5, 30, 0}, "<f8", false, "3, 3", 3);
        Dataset ds = DataSources.open(p, new InputOptions(null, null, List.of("1", "0"), null, "2", 0));
        assertEquals(2, ds.dims());
        assertArrayEquals(new double[] {10, 1, 20, 3, 30, 5}, all(ds));
        float[] f = new float[6];
        ds.read(1, 2, f, 0);
        assertArrayEquals(new float[] {20, 3, 30, 5, 0, 0}, f);
        double[] w = new double[3];
        ds.readWeights(0, 3, w, 0);
        assertArrayEquals(new double[] {2, 0.5, 0}, w);
        Dataset allButWeights = DataSources.open(p, new InputOptions(null, null, null, null, "1", 0));
        assertArrayEquals(new double[] {1, 2, 3, 0.5, 5, 0}, all(allButWeights));
    }

    @Test
    void npyErrorsSayWhatIsWrong() throws IOException {
        Path fortran = dir.resolve("f.npy");
        NpyFiles.write(fortran, A, "<f8", true, "3, 2", 1);
        assertTrue(fails(fortran, InputOptions.defaults()).getMessage().startsWith(fortran
                + ": the array is stored in Fortran (column-major) order"));
        Path ints = dir.resolve("i.npy");
        NpyFiles.write(ints, A, "<i8", false, "3, 2", 1);
        assertTrue(fails(ints, InputOptions.defaults()).getMessage().startsWith(ints
                + ": unsupported .npy dtype '<i8'; only float32 ('<f4') and float64 ('<f8')"));
        Path three = dir.resolve("3d.npy");
        NpyFiles.write(three, A, "<f8", false, "3, 1, 2", 1);
        assertTrue(fails(three, InputOptions.defaults()).getMessage().startsWith(three
                + ": the array has 3 dimensions, shape (3, 1, 2)"));
        Path empty = dir.resolve("e.npy");
        NpyFiles.write(empty, new double[0], "<f8", false, "0, 2", 1);
        assertEquals("empty data: " + empty + " has shape (0, 2)", fails(empty, InputOptions.defaults()).getMessage());
        Path shortFile = dir.resolve("s.npy");
        NpyFiles.write(shortFile, new double[] {1, 2, 3}, "<f8", false, "2, 2", 1);
        assertTrue(fails(shortFile, InputOptions.defaults()).getMessage().contains("needs 32 bytes of data after the"
                + " 128-byte header, but the file has 24 (truncated?)"));
        Path notNpy = dir.resolve("x.npy");
        Files.writeString(notNpy, "1,2\n3,4\n");
        assertTrue(fails(notNpy, InputOptions.defaults()).getMessage().contains("is not a NumPy .npy file"));
        Path nan = dir.resolve("nan.npy");
        NpyFiles.write(nan, new double[] {1, 2, 3, Double.NaN}, "<f4", false, "2, 2", 1);
        assertEquals("non-finite value NaN in " + nan + " at row 1, column 1 (0-based)",
                fails(nan, InputOptions.defaults()).getMessage());
        Path ok = numpy("ok.npy", NUMPY_F8);
        assertTrue(fails(ok, new InputOptions(null, null, List.of("eruptions"), null, null, 0)).getMessage()
                .contains("is not a 0-based index; binary files have no header"));
        assertEquals(ok + ": column index 2 is out of range: the file has 2 columns (0-based indices 0..1)",
                fails(ok, new InputOptions(null, null, List.of("2"), null, null, 0)).getMessage());
    }

    @Test
    void readsRawFloat32WithDims() throws IOException {
        Path p = dir.resolve("x.f32");
        float[] v = {1, 2, 3, 4, 5, 6.5f};
        NpyFiles.writeRaw(p, v);
        Dataset ds = DataSources.open(p, raw(3));
        assertEquals(2, ds.rows());
        assertEquals(3, ds.dims());
        assertTrue(ds.isFloat());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6.5}, all(ds));
        Path unnamed = dir.resolve("x.data");
        NpyFiles.writeRaw(unnamed, v);
        Dataset forced = DataSources.open(unnamed, new InputOptions("raw", null, null, null, null, 2));
        assertEquals(3, forced.rows());
    }

    @Test
    void rawErrorsNameDimsAndSize() throws IOException {
        Path p = dir.resolve("x.raw");
        NpyFiles.writeRaw(p, new float[] {1, 2, 3, 4, 5});
        assertEquals(p + " is read as raw float32, which has no shape: give the number of features per row (--dims D)",
                fails(p, raw(0)).getMessage());
        assertEquals(p + " has 20 bytes, which is not a multiple of 4 x 2 = 8 bytes (rows of 2 float32 values);"
                + " check --dims", fails(p, raw(2)).getMessage());
        Path empty = dir.resolve("e.bin");
        Files.write(empty, new byte[0]);
        assertEquals("empty data: " + empty + " is empty (0 bytes)", fails(empty, raw(2)).getMessage());
        Path inf = dir.resolve("inf.f32");
        NpyFiles.writeRaw(inf, new float[] {1, Float.POSITIVE_INFINITY});
        assertEquals("non-finite value Infinity in " + inf + " at row 0, column 1 (0-based)",
                fails(inf, raw(2)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataSources.open(p, new InputOptions("parquet", null,
                null, null, null, 0)));
    }

    /** Small regions force rows, reads and conversions across region boundaries, for both element types. */
    @Test
    void readsAcrossManyRegions() throws IOException {
        int rows = 1000;
        int cols = 3;
        double[] expect = new double[rows * cols];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < expect.length; i++) {
            expect[i] = (float) rnd.nextGaussian();
        }
        Path f4 = dir.resolve("r4.npy");
        Path f8 = dir.resolve("r8.npy");
        NpyFiles.write(f4, expect, "<f4", false, rows + ", " + cols, 1);
        NpyFiles.write(f8, expect, ">f8", false, rows + ", " + cols, 1);
        for (Path p : new Path[] {f4, f8}) {
            NpyHeader h = NpyHeader.read(p, p.toString());
            // 7 rows (84 or 168 bytes) per region: 143 regions
            MappedDataset ds = MappedDataset.open(p, h.dataOffset(), h.rows(), h.columns(), h.float32(), h.order(),
                    null, -1, p.toString(), 7L * cols * (h.float32() ? 4 : 8) + 3, true);
            assertEquals(143, ds.regions());
            assertArrayEquals(expect, all(ds));
            for (int start = 0; start < rows; start += 97) {
                int count = Math.min(61, rows - start);
                double[] d = new double[count * cols + 2];
                float[] f = new float[count * cols + 2];
                ds.read(start, count, d, 2);
                ds.read(start, count, f, 2);
                for (int i = 0; i < count * cols; i++) {
                    assertEquals(expect[start * cols + i], d[2 + i]);
                    assertEquals((float) expect[start * cols + i], f[2 + i]);
                }
            }
            MappedDataset cols20 = MappedDataset.open(p, h.dataOffset(), h.rows(), h.columns(), h.float32(),
                    h.order(), new int[] {2, 0}, -1, p.toString(), 50, true);
            double[] g = new double[2 * rows];
            cols20.read(0, rows, g, 0);
            for (int i = 0; i < rows; i++) {
                assertEquals(expect[i * cols + 2], g[2 * i]);
                assertEquals(expect[i * cols], g[2 * i + 1]);
            }
            // column 1 as weights: Gaussian values include negative ones, rejected when the dataset is opened
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MappedDataset.open(p,
                    h.dataOffset(), h.rows(), h.columns(), h.float32(), h.order(), new int[] {2, 0}, 1,
                    p.toString(), 50, true));
            assertTrue(e.getMessage().startsWith("sample weight -"), e.getMessage());
        }
        NpyHeader h4 = NpyHeader.read(f4, "f4");
        assertThrows(IndexOutOfBoundsException.class, () -> MappedDataset.open(f4, h4.dataOffset(), rows, cols, true,
                ByteOrder.LITTLE_ENDIAN, "f4").read(rows - 1, 2, new double[6], 0));
    }
}
