package org.emgmm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Properties;
import org.emgmm.backend.Backends;
import org.emgmm.em.NotPositiveDefiniteException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code emgmm} command line: fit, predict, score, sample, select, plot, devices, bench. Errors are one
 * paragraph on stderr with a non-zero exit status (1 for bad input or a failed fit, 2 for a bad command line),
 * never a stack trace.
 */
@Command(name = "emgmm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Gaussian mixture models fitted by expectation-maximisation, on the CPU or an OpenCL GPU.",
            "Run a command with --help for its options and examples."},
        footer = {"", "Examples:",
            "  emgmm fit                   (the bundled Old Faithful data, k = 2)",
            "  emgmm fit --input data.csv --k 3 --output model.json --plot fit.png",
            "  emgmm predict --model model.json --input data.csv --proba",
            "  emgmm select --input data.csv --k 1..8 --covariance all --output best.json",
            "  emgmm devices"})
public final class Main implements Runnable {
    /** Exit status of a bad input, a failed fit or an I/O error. */
    public static final int EXIT_ERROR = 1;
    /** Exit status of a bad command line (unknown option, bad value). */
    public static final int EXIT_USAGE = 2;
    /** The commands' names (as in their {@link Command} annotations), bench included. */
    private static final java.util.Set<String> COMMANDS = java.util.Set.of("fit", "predict", "score", "sample",
            "select", "plot", "devices", "tune", "bench");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Preload.start(args); // classes the command needs soon, loaded on another core meanwhile
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the tool in-process (tests, embedding) without exiting the JVM.
     *
     * @param out standard output
     * @param err standard error (progress, messages)
     * @param args command-line arguments
     * @return the exit status
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, BackendOpener.STANDARD, args);
    }

    /**
     * As {@link #run(PrintWriter, PrintWriter, String...)} with the commands' backends opened by {@code opener}.
     */
    static int run(PrintWriter out, PrintWriter err, BackendOpener opener, String... args) {
        CommandLine cl = commandLine(opener, args.length > 0 ? args[0] : null);
        cl.setOut(out);
        cl.setErr(err);
        int code;
        try {
            code = cl.execute(args);
        } catch (Throwable e) { // errors (not exceptions) pass picocli's handler; still no stack trace
            err.println("emgmm: error: " + describe(e));
            code = EXIT_ERROR;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** @return the configured picocli command line */
    public static CommandLine commandLine() {
        return commandLine(BackendOpener.STANDARD);
    }

    /**
     * @param opener how fit, predict and score open their backends
     * @return the configured picocli command line
     */
    static CommandLine commandLine(BackendOpener opener) {
        return commandLine(opener, null);
    }

    /**
     * @param opener how fit, predict and score open their backends
     * @param only when it names a command, only that one is registered (picocli reads every registered command's
     *     options by reflection: the others would cost start-up time for nothing); null (or any other word) for all
     * @return the configured picocli command line
     */
    static CommandLine commandLine(BackendOpener opener, String only) {
        CommandLine cl = new CommandLine(new Main());
        String one = only != null && COMMANDS.contains(only) ? only : null;
        FitCommand fit = new FitCommand();
        fit.opener = opener;
        PredictCommand predict = new PredictCommand();
        predict.opener = opener;
        ScoreCommand score = new ScoreCommand();
        score.opener = opener;
        for (Object c : new Object[] {fit, predict, score, new SampleCommand(),
            new SelectCommand(), new PlotCommand(), new DevicesCommand(), new TuneCommand()}) {
            if (one == null || one.equals(c.getClass().getAnnotation(Command.class).name())) {
                cl.addSubcommand(c);
            }
        }
        if (one == null || one.equals("bench")) {
            addBench(cl);
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        return cl;
    }

    /**
     * Registers the bench command when it is part of the build. It is looked up by name so this class compiles and
     * runs without it (it lives in its own file, with the benchmark code it drives).
     */
    private static void addBench(CommandLine cl) {
        try {
            Class<?> c = Class.forName("org.emgmm.cli.BenchCommand");
            cl.addSubcommand(c.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            // bench not in this build
        }
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options and examples.");
        err.flush();
        return EXIT_USAGE;
    }

    private static int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(e));
        err.flush();
        return EXIT_ERROR;
    }

    /**
     * @param e a failure
     * @return one paragraph saying what went wrong and where
     */
    static String describe(Throwable e) {
        if (e instanceof ExceptionInInitializerError && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof NoSuchFileException) {
            return "cannot read '" + ((NoSuchFileException) e).getFile() + "': no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "cannot access '" + ((AccessDeniedException) e).getFile() + "': permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException) {
            java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
            return "file system error on '" + f.getFile() + "'" + (f.getReason() != null ? ": " + f.getReason() : "");
        }
        if (e instanceof IOException) {
            return "I/O error: " + Backends.oneLine(e);
        }
        if (e instanceof NotPositiveDefiniteException) {
            return Backends.oneLine(e).replace("increase regCovar", "increase --reg-covar");
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof NotPositiveDefiniteException || e instanceof UnsupportedOperationException) {
            return Backends.oneLine(e);
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + Backends.oneLine(e) + "); give Java more heap with -Xmx";
        }
        return "unexpected " + e.getClass().getSimpleName() + ": " + Backends.oneLine(e);
    }

    /** The version line: the jar's version, Java, and whether the Vector API is present. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = "development build";
            try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/org.emgmm/emgmm/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    v = p.getProperty("version", v);
                }
            } catch (IOException e) {
                // keep the default
            }
            boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            return new String[] {"emgmm " + v,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                "Vector API (jdk.incubator.vector): " + (vector ? "enabled" : "not enabled; run java with "
                    + "--add-modules jdk.incubator.vector for the fast CPU path")};
        }
    }
}
