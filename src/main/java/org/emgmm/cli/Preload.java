package org.emgmm.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.emgmm.MixtureModel;
import org.emgmm.backend.cpu.Warmup;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.config.Precision;
import org.emgmm.data.DataSources;
import org.emgmm.data.Dataset;

/**
 * Start-up work done on a daemon thread of its own while picocli builds the command line and reads the options: the
 * classes a fit, predict, score or select run needs soon after are loaded and initialised then, on the other core,
 * instead of one after the other on the main thread (Jackson, by writing and reading a one-component model; the
 * Vector API kernels' classes and linkage, {@link Warmup#preload}; when it writes a file, the secure random generator
 * that names the temporary file). For a plain {@code fit} of an {@code .npy} file
 * ({@link FitGuess}), it also starts the fit's kernel warm-up ({@link Warmup#startEarly}) from what the command line
 * says, before picocli has read it: the fit's own call then finds that warm-up running and waits for it. It computes
 * nothing the command uses, so the command's results and messages do not depend on whether or how far it ran (a
 * warm-up's results are thrown away; one of a kind the fit does not need is cancelled by the fit's first pass); a
 * failure in it is ignored (the command meets the same failure itself, with its own message).
 */
final class Preload {
    /** The commands that read a model file or fit, i.e. use Jackson and the CPU kernels. */
    private static final Set<String> COMMANDS = Set.of("fit", "predict", "score", "select");
    /** The options that name a file the command writes. */
    private static final Set<String> OUTPUTS = Set.of("-o", "--output", "--checkpoint", "--plot");

    private Preload() {
    }

    /**
     * Starts the preloading thread when the command is one of {@link #COMMANDS}.
     *
     * @param args the command line
     */
    static void start(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            return;
        }
        String[] copy = args.clone();
        Thread t = new Thread(() -> run(copy), "emgmm-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void run(String[] args) {
        FitGuess guess = "fit".equals(args[0]) ? FitGuess.of(args) : null;
        try {
            if (guess != null) {
                guess.startWarmup();
            }
        } catch (Exception | LinkageError e) {
            // the fit reads the same files and options itself, and reports what is wrong with them
        }
        try {
            MixtureModel.fromJson(MixtureModel.of(CovarianceType.DIAG, new double[] {1}, new double[] {0},
                    new double[] {1}).toJson());
            Warmup.preload();
            if (writesFile(args)) {
                // the security providers and the seeded generator that the first temporary file's name takes
                // (Files.createTempFile, in AtomicFiles): ~35 ms, otherwise spent on the main thread after the fit
                new java.security.SecureRandom().nextLong();
            }
        } catch (RuntimeException | LinkageError e) {
            // the command itself meets and reports whatever failed here
        }
    }

    /** @return whether the command line names a file to write (written atomically, through a temporary file) */
    static boolean writesFile(String[] args) {
        for (String a : args) {
            String name = a.startsWith("--") && a.indexOf('=') > 0 ? a.substring(0, a.indexOf('=')) : a;
            if (OUTPUTS.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a {@code fit} command line says about the kernel its first pass will run, read before picocli reads it:
     * the options that choose the kind of kernel ({@code --input}, {@code --k}, {@code --init-model},
     * {@code --covariance}, {@code --precision}, {@code --backend}), as {@code --name value} or {@code --name=value}.
     * Only the plain case: an {@code .npy} input and none of the options that change how it is read or what the fit
     * starts from ({@code --resume}, the input options), nor help. Anything else gives no guess (the fit then
     * starts its warm-up itself, after reading its options, as without this). A wrong guess costs time only.
     */
    static final class FitGuess {
        /** Options after which no guess is made. */
        private static final Set<String> BAIL = Set.of("--resume", "--format", "--columns", "--dims",
                "--weights-column", "--header", "--no-header", "--delimiter", "-h", "--help", "-V", "--version");
        /** The options read, with their short forms. */
        private static final Map<String, String> NAMES = Map.of("-i", "--input", "--input", "--input", "-k", "--k",
                "--k", "--k", "--init-model", "--init-model", "--covariance", "--covariance", "--precision",
                "--precision", "--backend", "--backend");

        final Path input;
        final Path initModel;
        final Integer k;
        final CovarianceType type;
        final Precision precision;

        private FitGuess(Path input, Path initModel, Integer k, CovarianceType type, Precision precision) {
            this.input = input;
            this.initModel = initModel;
            this.k = k;
            this.type = type;
            this.precision = precision;
        }

        /**
         * @param args a command line starting with {@code fit}
         * @return what it says, or null when it is not the plain case or cannot be read here
         */
        static FitGuess of(String[] args) {
            Map<String, String> v = new HashMap<>();
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String value = null;
                int eq = a.startsWith("--") ? a.indexOf('=') : -1;
                if (eq > 0) {
                    value = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                if (BAIL.contains(a)) {
                    return null;
                }
                String name = NAMES.get(a);
                if (name == null) {
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        return null;
                    }
                    value = args[++i];
                }
                if (v.put(name, value) != null) {
                    return null; // given twice: picocli decides what that means
                }
            }
            try {
                String input = v.get("--input");
                if (input == null || !input.toLowerCase(Locale.ROOT).endsWith(".npy")
                        || (v.get("--backend") != null && BackendKind.parse(v.get("--backend")) == BackendKind.OPENCL)) {
                    return null;
                }
                String init = v.get("--init-model");
                Integer k = v.get("--k") == null ? null : Integer.valueOf(v.get("--k"));
                if (init == null && (k == null || k < 1)) {
                    return null;
                }
                CovarianceType type = v.get("--covariance") == null ? null : CovarianceType.parse(v.get("--covariance"));
                Precision precision = v.get("--precision") == null ? Precision.DOUBLE
                        : Precision.parse(v.get("--precision"));
                return new FitGuess(Path.of(input), init == null ? null : Path.of(init), k, type, precision);
            } catch (RuntimeException e) {
                return null; // a bad value: the fit reports it
            }
        }

        /**
         * Reads the start model (its k and covariance type) if any, opens the data and starts the warm-up of the
         * kernel the fit's first pass will run, as the fit itself would ({@link Warmup#startEarly}).
         *
         * @throws java.io.IOException when a file cannot be read (the fit reports it)
         */
        void startWarmup() throws java.io.IOException {
            int kk;
            CovarianceType tt;
            if (initModel != null) {
                Kind kind = kindOf(initModel);
                if (kind == null) {
                    return;
                }
                kk = kind.k();
                tt = kind.type();
            } else {
                kk = k;
                tt = type == null ? CovarianceType.FULL : type;
            }
            Dataset data = DataSources.openNpyUnchecked(input); // the fit checks it (all of it) itself
            Warmup.startEarly(data, kk, tt, ExecutionSettings.builder().precision(precision).build());
        }

        /**
         * The start model's component count and covariance type, from its first fields ({@code covariance_type} and
         * {@code n_components}, which {@link MixtureModel#toJson} writes first) by Jackson's streaming parser:
         * quicker to start than the object mapper that reads the model ({@link MixtureModel#load}), which the fit
         * does itself.
         *
         * @return its k and type, or null when they are not the model's first fields
         */
        static Kind kindOf(Path model) throws java.io.IOException {
            Integer k = null;
            CovarianceType t = null;
            try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory()
                    .createParser(model.toFile())) {
                if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    return null;
                }
                while ((k == null || t == null)
                        && p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String name = p.getCurrentName();
                    com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                    if ("n_components".equals(name) && value == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT) {
                        k = p.getIntValue();
                    } else if ("covariance_type".equals(name)
                            && value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                        t = CovarianceType.parse(p.getText());
                    } else if (value.isStructStart()) {
                        return null; // the arrays come after these fields in a model emgmm wrote
                    }
                }
            }
            return k == null || t == null || k < 1 ? null : new Kind(k, t);
        }

        /**
         * A start model's kind of kernel, as {@link #kindOf} reads it.
         *
         * @param k its components
         * @param type its covariance type
         */
        record Kind(int k, CovarianceType type) {
        }
    }
}
