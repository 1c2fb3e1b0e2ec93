package org.emgmm.backend.cpu;

import java.lang.management.ManagementFactory;
import org.emgmm.config.CovarianceType;

/**
 * The warm-up's report on stderr when {@link Warmup#LOG_PROPERTY} is "true" (for measurements): its time, the
 * process's CPU time, the JIT threads' ticks, the rounds and why they stopped, the JVM's uptime at the end (to place
 * it in a {@code -XX:+LogCompilation} log), and every round's wall and thread CPU time. Does nothing otherwise.
 */
final class WarmupLog {
    private static final WarmupLog OFF = new WarmupLog(false);
    private final boolean on;
    private final long cpu0;
    private final long jit0;
    private final StringBuilder times = new StringBuilder();
    private final long wall0 = System.nanoTime();
    private long roundCpu;
    private long setUpNanos;
    private long shortNanos;
    private long stopNanos;

    private WarmupLog(boolean on) {
        this.on = on;
        cpu0 = on ? processCpu() : 0;
        jit0 = on ? JitActivity.compilerTicks() : 0;
    }

    /** @return a log for one warm-up: on when {@link Warmup#LOG_PROPERTY} is set */
    static WarmupLog start() {
        return Boolean.getBoolean(Warmup.LOG_PROPERTY) ? new WarmupLog(true) : OFF;
    }

    void roundStart() {
        if (on) {
            roundCpu = threadCpu();
        }
    }

    void roundEnd(long wallNanos) {
        if (on) {
            times.append(String.format(" %.1f/%.1f", wallNanos / 1e6, (threadCpu() - roundCpu) / 1e6));
        }
    }

    /** @param nanos the time from the start to the first round (parameter sets, kernels, the helper's start) */
    void setUp(long nanos) {
        setUpNanos = nanos;
    }

    /** @param nanos the time of one round's short runs */
    void shortRuns(long nanos) {
        shortNanos += nanos;
    }

    /** @param nanos the time stopping the helper took (waiting for its round, and any compilation in it) */
    void helperStop(long nanos) {
        stopNanos = nanos;
    }

    void end(Kernel kernel, CovarianceType type, long ns, WarmupLevel rounds, String why) {
        if (!on) {
            return;
        }
        System.err.printf("warm-up %s%s: %.1f ms, process CPU %.0f ms, JIT threads %d ticks, %s, stopped: %s, "
                        + "at uptime %d ms%n", kernel.getClass().getSimpleName(),
                type.needsOuterProducts() ? " outer" : "", ns / 1e6, (processCpu() - cpu0) / 1e6,
                JitActivity.compilerTicks() - jit0, rounds.describe(), why,
                ManagementFactory.getRuntimeMXBean().getUptime());
        System.err.printf("warm-up phases: set-up %.1f ms, short runs %.1f ms, helper stop %.1f ms, started at uptime "
                        + "%d ms%n", setUpNanos / 1e6, shortNanos / 1e6, stopNanos / 1e6,
                ManagementFactory.getRuntimeMXBean().getUptime() - (System.nanoTime() - wall0) / 1_000_000);
        System.err.println("warm-up rounds (wall/thread CPU ms):" + times);
    }

    /** @return this thread's CPU time in ns */
    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** @return this process's CPU time in ns, or 0 when unknown */
    private static long processCpu() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }
}
