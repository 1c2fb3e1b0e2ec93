package org.emgmm.backend.cpu;

import org.emgmm.config.Precision;

/** Opens the CPU backend on its plain-Java kernels whether or not the JVM has the Vector API (tests). */
public final class PlainCpu {
    private PlainCpu() {
    }

    /**
     * @param threads worker threads (0 = all cores)
     * @param precision precision
     * @return a CPU backend that never uses the Vector API
     */
    public static CpuBackend open(int threads, Precision precision) {
        return new CpuBackend(threads, precision, false);
    }
}
