package org.emgmm.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes files so that an interrupted write never leaves a partial file: a temporary sibling, then a rename. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * @param out the temporary file's stream
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * @param path destination
     * @param bytes content
     * @throws IOException when writing or renaming fails; the temporary file is removed
     */
    public static void write(Path path, byte[] bytes) throws IOException {
        write(path, out -> out.write(bytes));
    }

    /**
     * @param path destination
     * @param writer produces the content
     * @throws IOException when writing or renaming fails; the temporary file is removed
     */
    public static void write(Path path, Writer writer) throws IOException {
        write(path, writer, false);
    }

    /**
     * As {@link #write(Path, byte[])}, and the content is also forced to the storage device before the rename
     * (and the directory after it, where the platform allows), so that after a crash of the machine, not only of
     * the process, the file holds the old content or the new one: for checkpoints.
     *
     * @param path destination
     * @param bytes content
     * @throws IOException when writing, syncing or renaming fails; the temporary file is removed
     */
    public static void writeSynced(Path path, byte[] bytes) throws IOException {
        write(path, out -> out.write(bytes), true);
    }

    private static void write(Path path, Writer writer, boolean sync) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        // If the JVM halts mid-write (Ctrl-C), the temporary file still goes; after the rename this is a no-op.
        tmp.toFile().deleteOnExit();
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                writer.write(out);
                out.flush();
                if (sync) {
                    ch.force(true);
                }
            }
            keepPermissions(tmp, abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            if (sync) {
                syncDirectory(dir);
            }
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Forces a directory's entries (the rename) to storage; not every platform can open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; the file itself was forced before the rename.
        }
    }

    /**
     * A temporary file is created readable by its owner only; the result should have the permissions the
     * destination had, or rw-r--r-- for a new file, as an ordinary write would give.
     */
    private static void keepPermissions(Path tmp, Path dest) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.exists(dest) ? Files.getPosixFilePermissions(dest)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }
}
