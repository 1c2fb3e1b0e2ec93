package org.emgmm.backend.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the JVM can survive an OpenCL runtime that installs its own signal handlers, and a one-time warning when
 * it cannot.
 *
 * <p>HotSpot uses signals in normal operation: SIGSEGV for implicit null checks and safepoint polls, SIGFPE for
 * integer division by zero, SIGUSR2 internally. OpenCL runtimes that embed a compiler (PoCL and Oclgrind through
 * LLVM, AMD ROCm, Intel's compute runtime, Mesa's rusticl) install their own handlers for these signals when they
 * are loaded, often reset-on-first-use, so the next such signal kills the process with no {@code hs_err} report.
 * The JVM's signal-chaining library {@code libjsig} (shipped as {@code $JAVA_HOME/lib/libjsig.so}), preloaded, keeps
 * the JVM's handlers first and chains to the runtime's. The {@code emgmm} launcher preloads it; a JVM started
 * otherwise is warned once, just before the first OpenCL call.
 */
public final class SignalChaining {
    private static final Logger LOG = LoggerFactory.getLogger(SignalChaining.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private SignalChaining() {
    }

    /**
     * @return true when this JVM has libjsig loaded (Linux: listed in {@code /proc/self/maps}; macOS: named in
     *     {@code DYLD_INSERT_LIBRARIES}), or runs on a system where signal chaining is not a concern (Windows);
     *     false when it is missing or cannot be told
     */
    public static boolean chained() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return true;
        }
        if (os.contains("mac")) {
            String dyld = System.getenv("DYLD_INSERT_LIBRARIES");
            return dyld != null && dyld.contains("libjsig");
        }
        try {
            return mapsListJsig(Files.readString(Path.of("/proc/self/maps"), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @param maps the text of a {@code /proc/PID/maps} file
     * @return whether a mapped file is the signal-chaining library
     */
    static boolean mapsListJsig(String maps) {
        return maps.lines().anyMatch(l -> l.endsWith("/libjsig.so") || l.contains("/libjsig.so "));
    }

    /** @return the advice the warning gives: how to start this JVM safely */
    public static String advice() {
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        return "start the JVM with LD_PRELOAD=" + jsig + " (on macOS DYLD_INSERT_LIBRARIES=.../lib/libjsig.dylib), "
                + "or run emgmm through its launcher (target/emgmm), which does this";
    }

    /**
     * Logs, once per JVM, a warning that loading OpenCL now may replace the JVM's signal handlers, when
     * {@link #chained()} is false. Called before the first OpenCL call.
     */
    static void warnOnceIfUnchained() {
        if (!chained() && WARNED.compareAndSet(false, true)) {
            LOG.warn("loading OpenCL into a JVM without signal chaining (libjsig): OpenCL runtimes that embed LLVM "
                    + "(PoCL, ROCm, Intel, Mesa) replace the JVM's signal handlers, and the JVM may then die with "
                    + "SIGSEGV and no error report; {}", advice());
        }
    }
}
