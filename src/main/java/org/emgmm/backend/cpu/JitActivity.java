package org.emgmm.backend.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The CPU time of the JIT compiler threads, for the warm-up's stopping rule without the launcher's options
 * ({@link WarmupRounds}): read on Linux from {@code /proc/self/task/TID/stat} of the threads named
 * "C1 CompilerThre…" and "C2 CompilerThre…" (in clock ticks). Elsewhere it is never known, and {@link #quietFor} is
 * always true.
 */
final class JitActivity {
    private static final Path TASKS = Paths.get("/proc/self/task");
    /** At most one look at /proc per this many nanoseconds. */
    private static final long POLL_NANOS = 10_000_000L;
    private long lastTicks = -1;
    private long lastChange;
    private long lastPoll;

    /**
     * @param nanos a span of wall time
     * @return whether the compiler threads have used no CPU time for at least that long (or cannot be watched)
     */
    boolean quietFor(long nanos) {
        long now = System.nanoTime();
        if (lastTicks >= 0 && now - lastPoll < POLL_NANOS) {
            return false;
        }
        lastPoll = now;
        long ticks = compilerTicks();
        if (ticks < 0) {
            return true;
        }
        if (ticks != lastTicks) {
            lastTicks = ticks;
            lastChange = now;
            return false;
        }
        return now - lastChange >= nanos;
    }

    /** @return the compiler threads' CPU time in clock ticks, or -1 when it cannot be read */
    static long compilerTicks() {
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                sum += ticksIfCompiler(t);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }

    private static long ticksIfCompiler(Path task) {
        try {
            String name = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.US_ASCII);
            if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                return 0;
            }
            String stat = new String(Files.readAllBytes(task.resolve("stat")), StandardCharsets.US_ASCII);
            // fields after the command name in parentheses: state is field 3, utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended (a compiler thread the JVM stopped): its time no longer changes
        }
    }
}
