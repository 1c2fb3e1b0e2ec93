package org.emgmm.cli;

import java.util.function.Function;
import org.emgmm.GmmSettings;
import org.emgmm.config.InitMethod;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The EM options every fitting command shares, with their checks and messages: {@code fit} and {@code select}
 * (through {@link FitOptions}) and the Spark module's {@code fit} main class, so that all three take the same
 * options and answer a bad value with the same words.
 */
public final class EmOptions {
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

    /**
     * Checks the values and builds settings from them (k, covariance type and the execution settings still to be
     * set).
     *
     * @param cl the command, for error messages
     * @return a builder with these options
     * @throws CommandLine.ParameterException naming the option
     */
    public GmmSettings.Builder builder(CommandLine cl) {
        InitMethod method = check(cl);
        return GmmSettings.builder().tol(tol).maxIter(maxIter).regCovar(regCovar).nInit(nInit).seed(seed)
                .init(method);
    }

    /**
     * Checks every option here: the numeric ones ({@code --tol}, {@code --reg-covar}, {@code --max-iter},
     * {@code --n-init}) and {@code --init}, which it parses.
     *
     * @param cl the command, for error messages
     * @return the initialisation method
     * @throws CommandLine.ParameterException naming the option
     */
    public InitMethod check(CommandLine cl) {
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
        return choice(cl, "--init", init, InitMethod::parse);
    }

    /** @return {@code --tol} */
    public double tol() {
        return tol;
    }

    /** @return {@code --max-iter} */
    public int maxIter() {
        return maxIter;
    }

    /** @return {@code --reg-covar} */
    public double regCovar() {
        return regCovar;
    }

    /** @return {@code --n-init} */
    public int nInit() {
        return nInit;
    }

    /** @return {@code --seed} */
    public long seed() {
        return seed;
    }

    /**
     * Parses an option's value with one of the settings' parsers ({@code CovarianceType::parse},
     * {@code BackendKind::parse}, ...), whose message becomes the command-line error, prefixed by the option.
     *
     * @param cl the command, for error messages
     * @param option the option's name, e.g. {@code --covariance}
     * @param value its value
     * @param parse the parser (throws IllegalArgumentException on a bad value)
     * @param <T> the parsed type
     * @return the parsed value
     * @throws CommandLine.ParameterException "OPTION: the parser's message"
     */
    public static <T> T choice(CommandLine cl, String option, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, option + ": " + e.getMessage());
        }
    }
}
