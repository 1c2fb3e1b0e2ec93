package org.emgmm.cli;

import org.emgmm.GmmSettings;
import org.emgmm.config.BackendKind;
import org.emgmm.config.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The backend options of the commands that evaluate a saved model ({@code predict}, {@code score}). */
final class ScoringOptions {
    @Option(names = "--backend", paramLabel = "B", defaultValue = "auto",
            description = "auto (an OpenCL GPU when present and worth it, else CPU), cpu, opencl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "double",
            description = "Per-sample arithmetic: float or double (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU backend threads; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--device", paramLabel = "DEV",
            description = "OpenCL device: index or part of its name, as 'emgmm devices' lists them (of a list, "
                    + "the first scores).")
    String device;

    /**
     * Checks the values, before the model and the data are read.
     *
     * @param cl the command, for error messages
     * @return settings for opening the backend, the model's k and covariance type still to be set
     * @throws CommandLine.ParameterException naming the option
     */
    GmmSettings.Builder builder(CommandLine cl) {
        return execution(cl, GmmSettings.builder(), backend, precision, threads, device);
    }

    /**
     * Checks and sets the execution options, as fit, select, predict and score take them (each declares its own
     * --backend, --precision, --threads and --device: their descriptions differ).
     *
     * @param cl the command, for error messages
     * @param b the settings so far
     * @param backend --backend's value
     * @param precision --precision's value
     * @param threads --threads's value
     * @param device --device's value, or null
     * @return {@code b}
     * @throws CommandLine.ParameterException naming the option
     */
    static GmmSettings.Builder execution(CommandLine cl, GmmSettings.Builder b, String backend, String precision,
                                         int threads, String device) {
        if (threads < 0) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 0 (0 = all cores), got " + threads);
        }
        return b.backend(EmOptions.choice(cl, "--backend", backend, BackendKind::parse))
                .precision(EmOptions.choice(cl, "--precision", precision, Precision::parse))
                .threads(threads).device(device);
    }
}
