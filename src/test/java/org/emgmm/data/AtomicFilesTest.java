package org.emgmm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void newFileIsWorldReadableLikeAnOrdinaryWrite() throws IOException {
        Path p = dir.resolve("model.json");
        AtomicFiles.write(p, "{}".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(p));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void replacingKeepsTheDestinationsPermissions() throws IOException {
        Path p = dir.resolve("model.json");
        Files.writeString(p, "old");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.write(p, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(p));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path p = dir.resolve("model.json");
        Files.writeString(p, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(p));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the original file remains");
        }
    }

    @Test
    void aFailedFirstWriteCreatesNothing() throws IOException {
        Path p = dir.resolve("fresh.json");
        assertThrows(IOException.class, () -> AtomicFiles.write(p, out -> {
            throw new IOException("interrupted");
        }));
        assertFalse(Files.exists(p));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
