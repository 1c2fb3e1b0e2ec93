package org.emgmm.backend.cpu;

import java.util.List;
import org.emgmm.backend.Backend;
import org.emgmm.backend.BackendProvider;
import org.emgmm.config.BackendKind;
import org.emgmm.config.BackendSettings;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.data.Dataset;

/** Registers {@link CpuBackend} with {@link org.emgmm.backend.Backends} (see {@link BackendProvider}). */
public final class CpuBackendProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public CpuBackendProvider() {
    }

    @Override
    public BackendKind kind() {
        return BackendKind.CPU;
    }

    /**
     * @return a CPU backend with the settings' threads and precision, on the Vector API kernels when the JVM has
     *     them and {@link ExecutionSettings#plainJava()} is off (never null)
     */
    @Override
    public Backend open(BackendSettings s, Dataset data, boolean autoMode) {
        ExecutionSettings e = s.execution();
        return new CpuBackend(e.threads(), e.precision(), CpuBackend.vectorAvailable() && !e.plainJava());
    }

    /** @return this machine's processors, in words */
    @Override
    public List<String> devices() {
        return List.of("CPU, " + Runtime.getRuntime().availableProcessors() + " processors");
    }
}
