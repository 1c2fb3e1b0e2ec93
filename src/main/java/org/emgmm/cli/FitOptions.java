package org.emgmm.cli;

import org.emgmm.GmmSettings;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The EM and execution options shared by {@code fit} and {@code select}. */
public final class FitOptions {
    /** --tol, --max-iter, --reg-covar, --n-init, --seed, --init. */
    @Mixin
    EmOptions em;

    @Option(names = "--backend", paramLabel = "B", defaultValue = "auto",
            description = "auto (an OpenCL GPU when present and worth it, else CPU), cpu, opencl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "double",
            description = "Per-sample arithmetic: float or double; the M step is always double (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU backend threads; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--device", paramLabel = "DEV",
            description = "OpenCL device: index or part of its name, as 'emgmm devices' lists them; a comma-separated "
                    + "list (0,1) or 'all' (every GPU) splits the rows across those devices.")
    String device;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no summary; only errors.")
    boolean quiet;

    /**
     * Checks the values and builds settings (k and covariance type still to be set).
     *
     * @param cl the command, for error messages
     * @return a builder with these options
     * @throws CommandLine.ParameterException naming the option
     */
    GmmSettings.Builder builder(CommandLine cl) {
        return ScoringOptions.execution(cl, em.builder(cl), backend, precision, threads, device);
    }
}
