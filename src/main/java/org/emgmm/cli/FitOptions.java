package org.emgmm.cli;

import org.emgmm.GmmSettings;
import org.emgmm.config.BackendKind;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The EM options shared by {@code fit} and {@code select}. */
public final class FitOptions {
    @Option(names = "--tol", paramLabel = "T", defaultValue = "1e-3",
            description = "Convergence threshold on the change of the mean log-likelihood (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100",
            description = "Maximum EM iterations per initialisation; 0 returns the initialisation (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--reg-covar", paramLabel = "R", defaultValue = "1e-6",
            description = "Added to covariance diagonals for stability (default: ${DEFAULT-VALUE}).")
    double regCovar;

    @Option(names = "--n-init", paramLabel = "N", defaultValue = "1",
            description = "Initialisations; the best lower bound wins (default: ${DEFAULT-VALUE}).")
    int nInit;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Random seed; the same seed gives the same fit at any thread count (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--init", paramLabel = "METHOD", defaultValue = "kmeans++",
            description = "Initialisation: kmeans++, random, random-from-data (default: ${DEFAULT-VALUE}).")
    String init;

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
        if (!(tol >= 0) || Double.isInfinite(tol)) {
            throw new CommandLine.ParameterException(cl, "--tol must be a finite number >= 0, got " + tol);
        }
        if (!(regCovar >= 0) || Double.isInfinite(regCovar)) {
            throw new CommandLine.ParameterException(cl, "--reg-covar must be a finite number >= 0, got " + regCovar);
        }
        if (maxIter < 0) {
            throw new CommandLine.ParameterException(cl, "--max-iter must be >= 0, got " + maxIter);
        }
        if (nInit < 1) {
            throw new CommandLine.ParameterException(cl, "--n-init must be at least 1, got " + nInit);
        }
        if (threads < 0) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 0 (0 = all cores), got " + threads);
        }
        try {
            return GmmSettings.builder().tol(tol).maxIter(maxIter).regCovar(regCovar).nInit(nInit).seed(seed)
                    .init(InitMethod.parse(init)).backend(BackendKind.parse(backend))
                    .precision(Precision.parse(precision)).threads(threads).device(device);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            String opt = m.startsWith("unknown init") ? "--init" : m.startsWith("unknown backend") ? "--backend"
                    : "--precision";
            throw new CommandLine.ParameterException(cl, opt + ": " + m);
        }
    }
}
