package org.emgmm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV input: header detection, column selection, delimiters, weights, and every error path with its message. */
class CsvSourceTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static InputOptions opts(Boolean header, List<String> columns, Character delimiter, String weights) {
        return new InputOptions(null, header, columns, delimiter, weights, 0);
    }

    static double[] all(Dataset ds) {
        double[] v = new double[Math.toIntExact(ds.rows() * ds.dims())];
        ds.read(0, (int) ds.rows(), v, 0);
        return v;
    }

    private IllegalArgumentException fails(Path p, InputOptions o) {
        return assertThrows(IllegalArgumentException.class, () -> DataSources.open(p, o));
    }

    @Test
    void bundledFaithfulHasQuotedHeaderAnd272Rows() {
        Dataset ds = DataSources.faithful();
        assertEquals(272, ds.rows());
        assertEquals(2, ds.dims());
        assertEquals("faithful.csv", ds.describe());
        assertFalse(ds.hasWeights());
        double[] first = new double[2];
        ds.read(0, 1, first, 0);
        // R's faithful[1, ]: eruptions 3.600, waiting 79
        assertArrayEquals(new double[] {3.6, 79}, first);
        ds.read(271, 1, first, 0);
        // R's faithful[272, ]: eruptions 4.467, waiting 74
        assertArrayEquals(new double[] {4.467, 74}, first);
    }

    @Test
    void detectsHeaderAndReadsQuotedNames() throws IOException {
        Path p = file("q.csv", "\"eruptions\",\"waiting\"\n3.6,79\n1.8,54\n");
        Dataset ds = DataSources.open(p, InputOptions.defaults());
        assertEquals(2, ds.rows());
        assertArrayEquals(new double[] {3.6, 79, 1.8, 54}, all(ds));
        assertEquals(p.toString(), ds.describe());
        Dataset byName = DataSources.open(p, opts(null, List.of("waiting"), null, null));
        assertArrayEquals(new double[] {79, 54}, all(byName));
        assertEquals(List.of("eruptions", "waiting"), DataSources.openTable(p, InputOptions.defaults()).featureNames());
        assertEquals(List.of("waiting", "eruptions"), DataSources.openTable(p, opts(null, List.of("1", "eruptions"),
                null, null)).featureNames());
    }

    @Test
    void noHeaderWhenFirstRowIsNumeric() throws IOException {
        Path p = file("n.csv", "1,2\n3,4\n-5.5e1, +6 \n");
        DataSources.Table t = DataSources.openTable(p, InputOptions.defaults());
        Dataset ds = t.data();
        assertEquals(3, ds.rows());
        assertArrayEquals(new double[] {1, 2, 3, 4, -55, 6}, all(ds));
        assertEquals(null, t.featureNames());
    }

    @Test
    void headerCanBeForcedEitherWay() throws IOException {
        Path numeric = file("h.csv", "10,20\n1,2\n3,4\n");
        Dataset forced = DataSources.open(numeric, opts(true, null, null, null));
        assertEquals(2, forced.rows());
        assertArrayEquals(new double[] {1, 2, 3, 4}, all(forced));
        Dataset byHeaderName = DataSources.open(numeric, opts(true, List.of("20"), null, null));
        assertArrayEquals(new double[] {2, 4}, all(byHeaderName));

        Path named = file("h2.csv", "a,b\n1,2\n");
        IllegalArgumentException e = fails(named, opts(false, null, null, null));
        assertEquals(named + ", line 1, column 1: not a number: 'a'", e.getMessage());
    }

    @Test
    void columnsByNameIndexAndOrder() throws IOException {
        Path p = file("c.csv", "x,y,z\n1,2,3\n4,5,6\n");
        assertArrayEquals(new double[] {3, 1, 6, 4}, all(DataSources.open(p, opts(null, List.of("z", "0"), null, null))));
        assertArrayEquals(new double[] {2, 5}, all(DataSources.open(p, opts(null, List.of("Y"), null, null))));
        Path noHeader = file("c2.csv", "1,2,3\n4,5,6\n");
        assertArrayEquals(new double[] {3, 2, 6, 5},
                all(DataSources.open(noHeader, opts(null, List.of("2", "1"), null, null))));
    }

    @Test
    void delimiterOptionAndTsvDefault() throws IOException {
        Path semi = file("s.csv", "a;b\n1.5;2\n");
        assertEquals(semi + ", line 2, column 1 (\"a;b\"): not a number: '1.5;2' (is the delimiter ';'? the file is"
                + " read with ','; pass --delimiter)", fails(semi, InputOptions.defaults()).getMessage());
        Path decimalComma = file("s1.csv", "a;b\n1,5;2\n");
        assertTrue(fails(decimalComma, InputOptions.defaults()).getMessage().endsWith("but line 1 has 1 (ragged rows;"
                + " check the delimiter ',' and quoting) (is the delimiter ';'? the file is read with ','; pass"
                + " --delimiter)"));
        Path semi2 = file("s2.csv", "a;b\n1.5;2\n3;4\n");
        assertArrayEquals(new double[] {1.5, 2, 3, 4}, all(DataSources.open(semi2, opts(null, null, ';', null))));
        Path tsv = file("t.tsv", "a\tb\n1\t2\n");
        assertArrayEquals(new double[] {1, 2}, all(DataSources.open(tsv, InputOptions.defaults())));
        Path space = file("sp.txt", "1 2\n3 4\n");
        assertArrayEquals(new double[] {1, 2, 3, 4}, all(DataSources.open(space, opts(null, null, ' ', null))));
    }

    @Test
    void weightsColumnIsReadAndExcludedFromFeatures() throws IOException {
        Path p = file("w.csv", "x,w,y\n1,2,3\n4,0.5,6\n7,0,8\n");
        DataSources.Table t = DataSources.openTable(p, opts(null, null, null, "w"));
        assertEquals(List.of("x", "y"), t.featureNames());
        Dataset ds = t.data();
        assertEquals(2, ds.dims());
        assertTrue(ds.hasWeights());
        assertArrayEquals(new double[] {1, 3, 4, 6, 7, 8}, all(ds));
        double[] w = new double[3];
        ds.readWeights(0, 3, w, 0);
        assertArrayEquals(new double[] {2, 0.5, 0}, w);
        Dataset byIndex = DataSources.open(p, opts(null, List.of("2"), null, "1"));
        assertArrayEquals(new double[] {3, 6, 8}, all(byIndex));
    }

    @Test
    void blankLinesCrlfAndBomAreTolerated() throws IOException {
        Path p = file("b.csv", "\uFEFF\"a\",\"b\"\r\n1,2\r\n\r\n3,4\r\n\n\n   \n");
        Dataset ds = DataSources.open(p, opts(null, List.of("a"), null, null));
        assertArrayEquals(new double[] {1, 3}, all(ds));
    }

    @Test
    void readerAndNameForStandardInput() throws IOException {
        Dataset ds = DataSources.openCsv(new StringReader("v\n1\n2\n"), "stdin", InputOptions.defaults());
        assertEquals("stdin", ds.describe());
        assertArrayEquals(new double[] {1, 2}, all(ds));
    }

    // ---- errors: file, line (1-based, blank lines counted), column (1-based, with header name) ----

    @Test
    void nonNumericCellNamesFileLineColumnAndHeader() throws IOException {
        Path p = file("e.csv", "\"eruptions\",\"waiting\"\n3.6,79\n\n1.8,abc\n");
        IllegalArgumentException e = fails(p, InputOptions.defaults());
        assertEquals(p + ", line 4, column 2 (\"waiting\"): not a number: 'abc'", e.getMessage());
        Path noHeader = file("e2.csv", "1,2\n3,4x\n");
        assertEquals(noHeader + ", line 2, column 2: not a number: '4x'", fails(noHeader, InputOptions.defaults())
                .getMessage());
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        Path p = file("nan.csv", "a,b\n1,2\n3,NaN\n");
        assertEquals(p + ", line 3, column 2 (\"b\"): value NaN is not finite (NaN and infinities are not allowed)",
                fails(p, InputOptions.defaults()).getMessage());
        Path inf = file("inf.csv", "1,2\n-inf,2\n");
        assertEquals(inf + ", line 2, column 1: value -inf is not finite (NaN and infinities are not allowed)",
                fails(inf, InputOptions.defaults()).getMessage());
        Path firstRow = file("nan1.csv", "nan,1\n");
        assertTrue(fails(firstRow, InputOptions.defaults()).getMessage().startsWith(firstRow + ", line 1, column 1"));
    }

    @Test
    void emptyCellIsReported() throws IOException {
        Path p = file("m.csv", "a,b\n1,\n");
        assertEquals(p + ", line 2, column 2 (\"b\"): empty cell (missing values are not supported)",
                fails(p, InputOptions.defaults()).getMessage());
    }

    @Test
    void raggedRowNamesTheLine() throws IOException {
        Path p = file("r.csv", "a,b\n1,2\n3,4,5\n");
        assertEquals(p + ", line 3: 3 fields, but line 1 has 2 (ragged rows; check the delimiter ',' and quoting)",
                fails(p, InputOptions.defaults()).getMessage());
        Path shorter = file("r2.csv", "1,2\n\n3\n");
        assertTrue(fails(shorter, InputOptions.defaults()).getMessage().startsWith(shorter + ", line 3: 1 field,"));
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        Path empty = file("empty.csv", "");
        assertEquals("empty data: " + empty + " has no rows (empty file)", fails(empty, InputOptions.defaults())
                .getMessage());
        Path blank = file("blank.csv", "\n\n  \n");
        assertTrue(fails(blank, InputOptions.defaults()).getMessage().contains("no rows"));
        Path headerOnly = file("ho.csv", "a,b\n\n");
        assertEquals("empty data: " + headerOnly + " has a header (line 1) but no data rows",
                fails(headerOnly, InputOptions.defaults()).getMessage());
    }

    @Test
    void unknownColumnAndIndexOutOfRange() throws IOException {
        Path p = file("u.csv", "a,b\n1,2\n");
        assertEquals(p + ": unknown column 'c'; the header has [a, b]",
                fails(p, opts(null, List.of("c"), null, null)).getMessage());
        assertEquals(p + ": column index 2 is out of range: the file has 2 columns (0-based indices 0..1)",
                fails(p, opts(null, List.of("2"), null, null)).getMessage());
        assertEquals(p + ": unknown weights column 'w'; the header has [a, b]",
                fails(p, opts(null, null, null, "w")).getMessage());
        Path noHeader = file("u2.csv", "1,2\n");
        assertTrue(fails(noHeader, opts(null, List.of("a"), null, null)).getMessage()
                .contains("has no header, so columns are chosen by 0-based index"));
        assertTrue(fails(p, opts(null, List.of("a", "0"), null, null)).getMessage().contains("selected twice"));
        assertTrue(fails(p, opts(null, List.of("a"), null, "a")).getMessage()
                .contains("both as a feature and as the weights column"));
    }

    @Test
    void badWeightsNameLineAndColumn() throws IOException {
        Path neg = file("wn.csv", "x,w\n1,1\n2,-0.5\n");
        assertEquals(neg + ", line 3, column 2 (\"w\"): sample weight -0.5 is negative; weights must be finite and"
                + " non-negative", fails(neg, opts(null, null, null, "w")).getMessage());
        Path nan = file("wnan.csv", "x,w\n1,nan\n");
        assertTrue(fails(nan, opts(null, null, null, "w")).getMessage()
                .startsWith(nan + ", line 2, column 2 (\"w\"): value nan is not finite"));
        Path zero = file("wz.csv", "x,w\n1,0\n2,0\n");
        assertTrue(fails(zero, opts(null, null, null, "w")).getMessage().contains("all zero"));
    }

    @Test
    void quotedCellSpanningLinesReportsItsOwnLine() throws IOException {
        Path p = file("ml.csv", "\"a\nb\",c\n1,2\n3,\"x\ny\"\n");
        IllegalArgumentException e = fails(p, InputOptions.defaults());
        assertTrue(e.getMessage().startsWith(p + ", line 4, column 2 (\"c\"): not a number"), e.getMessage());
        Path unterminated = file("uq.csv", "1,2\n3,\"4\n5,6\n");
        assertTrue(fails(unterminated, InputOptions.defaults()).getMessage().startsWith(unterminated
                + ": malformed CSV"));
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(NoSuchFileException.class, () -> DataSources.open(dir.resolve("nope.csv"),
                InputOptions.defaults()));
    }

    @Test
    void numberSyntaxIsStrict() {
        assertEquals(1e-3, CsvReader.parse(" 1e-3 "));
        assertEquals(0.5, CsvReader.parse(".5"));
        assertEquals(Double.POSITIVE_INFINITY, CsvReader.parse("+Infinity"));
        assertTrue(Double.isNaN(CsvReader.parse("NAN")));
        for (String bad : new String[] {"1d", "2f", "0x10", "0x1p3", "", "1,5", "e5", "--1"}) {
            assertThrows(NumberFormatException.class, () -> CsvReader.parse(bad), bad);
        }
    }
}
