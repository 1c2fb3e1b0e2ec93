package org.emgmm.data;

import static org.emgmm.data.CsvSourceTest.all;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV writer: exact round trip through the reader, quoting, atomic files. */
class CsvOutputTest {
    @TempDir
    Path dir;

    @Test
    void writesToAStreamAndRoundTripsExactly() throws IOException {
        double[] v = {0.1, -1e-300, 6.02214076e23, Math.PI, 1.0 / 3, 5e-324};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvOutput.write(null, out, csv -> csv.header("a", "b,c", " d").values(v, 0, 3).values(v[3], v[4], v[5]));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals("a,\"b,c\",\" d\"\n0.1,-1.0E-300,6.02214076E23\n", text.substring(0, text.indexOf("3.14")));
        Path p = dir.resolve("out.csv");
        Files.writeString(p, text);
        Dataset back = DataSources.open(p, new InputOptions(null, null, List.of("b,c"), null, null, 0));
        assertArrayEquals(new double[] {v[1], v[4]}, all(back));
        assertArrayEquals(v, all(DataSources.open(p, InputOptions.defaults())));
    }

    @Test
    void integersAndDelimiter() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvOutput csv = CsvOutput.on(out, '\t')) {
            csv.header("label").integers(3).integers(-1, 2);
        }
        assertEquals("label\n3\n-1\t2\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void fileIsWrittenAtomicallyAndAFailureLeavesNothing() throws IOException {
        Path p = dir.resolve("labels.csv");
        CsvOutput.write(p, null, csv -> csv.header("x").values(1.5).values(2.5));
        assertEquals("x\n1.5\n2.5\n", Files.readString(p));
        assertThrows(IOException.class, () -> CsvOutput.write(p, null, csv -> {
            csv.header("y").values(9);
            throw new IOException("disk full");
        }));
        assertEquals("x\n1.5\n2.5\n", Files.readString(p), "the old file is untouched");
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }
}
