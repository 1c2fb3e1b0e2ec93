package org.emgmm.spark;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.emgmm.MixtureModel;
import org.emgmm.backend.Backends;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import org.emgmm.cli.EmOptions;
import org.emgmm.cli.Progress;
import org.emgmm.cli.StopSignal;
import org.emgmm.cli.Summary;
import org.emgmm.em.SufficientStatistics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class org.emgmm.spark.SparkFitMain}: fits a Parquet, CSV or ORC file's numeric columns
 * on the cluster and writes the model file, with the options, progress lines and summary of {@code emgmm fit}.
 * Errors are one line on stderr (exit 1; 2 for a bad command line), never a stack trace.
 */
@Command(name = "emgmm-spark fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fit a Gaussian mixture by expectation-maximisation on a Spark cluster.",
            "Each partition runs emgmm's backend (CPU, or OpenCL on a task's gpu resource); the result is the model "
                + "file 'emgmm fit --output' writes."},
        footer = {"", "Examples:",
            "  spark-submit --jars emgmm.jar --class org.emgmm.spark.SparkFitMain emgmm-spark.jar \\",
            "      --input hdfs:///data/points.parquet --columns x,y,z --k 8 --output hdfs:///models/gmm.json",
            "  ... --input data.csv --k 3 --covariance diag --weight-column w --output model.json"})
public final class SparkFitMain implements Callable<Integer> {
    private static final Pattern ELEMENT = Pattern.compile("(NaN|-?Infinity) in column '" + Pattern.quote(
            SparkFitMain.FEATURES) + "' \\(element (\\d+)\\)");
    private static final String FEATURES = "__emgmm_features";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "PATH", required = true,
            description = "Data: a Parquet, CSV or ORC file or directory (any Hadoop file system).")
    String input;

    @Option(names = "--format", paramLabel = "FMT",
            description = "parquet, csv or orc (default: from the extension; parquet for a directory).")
    String format;

    @Option(names = "--columns", paramLabel = "A,B,...", split = ",",
            description = "Feature columns (default: every numeric column but the weight column).")
    List<String> columns;

    @Option(names = "--weight-column", paramLabel = "COL", description = "Non-negative sample weights.")
    String weightColumn;

    @Option(names = "--no-header", description = "CSV without a header line (columns are _c0, _c1, ...).")
    boolean noHeader;

    @Option(names = {"-k", "--k"}, paramLabel = "K",
            description = "Number of components (required, unless --init-model gives it).")
    Integer k;

    @Option(names = "--covariance", paramLabel = "TYPE",
            description = "full, diag, spherical or tied (default: full, or the --init-model's).")
    String covariance;

    @Option(names = "--init-model", paramLabel = "FILE",
            description = "Start from a saved model (warm start); its k and covariance type apply.")
    String initModel;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Save the fitted model as JSON.")
    String output;

    /** --tol, --max-iter, --reg-covar, --n-init, --seed, --init: the core's, with its checks and messages. */
    @Mixin
    EmOptions em;

    @Option(names = "--backend", paramLabel = "B", defaultValue = "auto",
            description = "auto (OpenCL on a task's gpu resource, else CPU), cpu, opencl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "double",
            description = "Per-sample arithmetic: float or double; the M step is always double (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no summary; only errors.")
    boolean quiet;

    /**
     * Runs the fit and exits with its status.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(out, err, args);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(code);
    }

    /**
     * Runs in-process (tests) without exiting; uses the active Spark session, or creates one.
     *
     * @param out standard output (summary)
     * @param err standard error (progress, errors)
     * @param args command-line arguments
     * @return the exit status: 0, 1 for bad input or a failed fit, 2 for a bad command line
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new SparkFitMain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(e));
            cmd.getErr().flush();
            return 1;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName()
                    + " --help' for the options and examples.");
            cmd.getErr().flush();
            return 2;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** One line: what went wrong, with the source column named for an assembled feature. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof IllegalArgumentException) && !(t instanceof IllegalStateException)
                && !(t instanceof org.apache.spark.sql.AnalysisException)) {
            t = t.getCause();
        }
        String m = Backends.oneLine(t);
        if (t instanceof java.io.IOException) {
            m = "I/O error: " + m;
        } else if (t instanceof org.emgmm.em.NotPositiveDefiniteException) {
            m = m.replace("increase regCovar", "increase --reg-covar");
        }
        return m;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        Choices c = checkOptions(cl);
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        SparkSession.Builder sb = SparkSession.builder().appName("emgmm fit");
        if (SparkSession.getActiveSession().isEmpty() && !new org.apache.spark.SparkConf().contains("spark.master")) {
            sb = sb.master("local[*]"); // run with plain java, not spark-submit: this machine's cores
        }
        SparkSession spark = sb.getOrCreate();
        Dataset<Row> raw = read(spark);
        List<String> cols = featureColumns(raw);
        Dataset<Row> df = new VectorAssembler().setInputCols(cols.toArray(new String[0])).setOutputCol(FEATURES)
                .setHandleInvalid("keep").transform(raw);
        String backendName = c.backend().name().toLowerCase(Locale.ROOT);
        GaussianMixture gm = new GaussianMixture().setFeaturesCol(FEATURES).setTol(em.tol())
                .setMaxIter(em.maxIter()).setRegCovar(em.regCovar()).setNInit(em.nInit()).setSeed(em.seed())
                .setInit(c.init().cliName()).setBackend(backendName)
                .setPrecision(c.precision().name().toLowerCase(Locale.ROOT));
        if (weightColumn != null) {
            gm.setWeightCol(weightColumn);
        }
        if (initModel != null) {
            gm.setInitialModelPath(initModel);
        }
        if (k != null) {
            gm.setK(k);
        }
        if (c.covariance() != null) {
            gm.setCovarianceType(c.covariance().jsonName());
        }
        Progress.Mode mode = Progress.detect(quiet);
        GaussianMixtureModel model;
        boolean stopped;
        try (StopSignal stop = StopSignal.install()) {
            Progress progress = new Progress(mode, err, stop, em.nInit(), 1);
            long t0 = System.nanoTime();
            progress.backend("spark " + spark.sparkContext().master() + ", backend " + backendName);
            try {
                model = rewriteElement(() -> gm.fit(df, progress), cols);
            } finally {
                progress.finish();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            stopped = stop.requested();
            MixtureModel m = model.mixtureModel();
            if (output != null) {
                model.saveModelFile(output);
            }
            if (!quiet) {
                SufficientStatistics st = model.setWeightCol(weightColumn == null ? "" : weightColumn)
                        .evaluate(df);
                double p = m.nParameters();
                double bic = -2 * st.logLik + p * Math.log(st.weightSum);
                double aic = -2 * st.logLik + 2 * p;
                long rows = df.count();
                out.print(Summary.of(m, rows, bic, aic, input, cols, wall, stopped, progress.events()));
                if (output != null) {
                    out.println("model saved  " + output);
                }
                if (output == null && stopped) {
                    err.println("stopped by Ctrl-C; no --output was given, so nothing was saved");
                }
                out.flush();
            }
        }
        return stopped ? 130 : 0;
    }

    /** The choice options, parsed by the core's parsers (so the same spellings and messages as {@code emgmm fit}). */
    private record Choices(InitMethod init, CovarianceType covariance, BackendKind backend, Precision precision) {
    }

    private Choices checkOptions(CommandLine cl) {
        InitMethod init = em.check(cl);
        if (k != null && k < 1) {
            throw new CommandLine.ParameterException(cl, "--k must be at least 1, got " + k);
        }
        if (k == null && initModel == null) {
            throw new CommandLine.ParameterException(cl, "--k is required with --input (or give --init-model)");
        }
        CovarianceType type = covariance == null ? null
                : EmOptions.choice(cl, "--covariance", covariance, CovarianceType::parse);
        BackendKind b = EmOptions.choice(cl, "--backend", backend, BackendKind::parse);
        Precision p = EmOptions.choice(cl, "--precision", precision, Precision::parse);
        if (format != null && !Arrays.asList("parquet", "csv", "orc").contains(format.trim().toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(cl, "--format: unknown format '" + format
                    + "': expected one of parquet, csv, orc");
        }
        if (output != null && !output.contains("://")) {
            Path parent = Path.of(output).toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new CommandLine.ParameterException(cl, "--output: directory '" + parent + "' does not exist");
            }
        }
        return new Choices(init, type, b, p);
    }

    private Dataset<Row> read(SparkSession spark) {
        String fmt = format != null ? format.trim().toLowerCase(Locale.ROOT) : formatOf(input);
        DataFrameReader r = spark.read().format(fmt);
        if (fmt.equals("csv")) {
            r = r.option("header", !noHeader).option("inferSchema", true);
        }
        return r.load(input);
    }

    static String formatOf(String path) {
        String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
            return "csv";
        }
        if (p.endsWith(".orc")) {
            return "orc";
        }
        return "parquet";
    }

    private List<String> featureColumns(Dataset<Row> raw) {
        List<String> names = Arrays.asList(raw.schema().fieldNames());
        if (weightColumn != null && !names.contains(weightColumn)) {
            throw new IllegalArgumentException("unknown column '" + weightColumn + "' (--weight-column); " + input
                    + " has columns: " + String.join(", ", names));
        }
        List<String> cols = new ArrayList<>();
        if (columns != null) {
            for (String c : columns) {
                String t = c.trim();
                if (!names.contains(t)) {
                    throw new IllegalArgumentException("unknown column '" + t + "' (--columns); " + input
                            + " has columns: " + String.join(", ", names));
                }
                StructField f = raw.schema().apply(t);
                if (!(f.dataType() instanceof NumericType)) {
                    throw new IllegalArgumentException("column '" + t + "' of " + input + " is of type "
                            + f.dataType().simpleString() + ", not numeric");
                }
                cols.add(t);
            }
        } else {
            for (StructField f : raw.schema().fields()) {
                if (f.dataType() instanceof NumericType && !f.name().equals(weightColumn)) {
                    cols.add(f.name());
                }
            }
            if (cols.isEmpty()) {
                throw new IllegalArgumentException(input + " has no numeric column; its columns: "
                        + String.join(", ", names));
            }
        }
        return cols;
    }

    /** Runs the fit, naming the source column where the message names an element of the assembled vector. */
    private static GaussianMixtureModel rewriteElement(java.util.function.Supplier<GaussianMixtureModel> fit,
                                                       List<String> cols) {
        try {
            return fit.get();
        } catch (IllegalArgumentException e) {
            Matcher m = ELEMENT.matcher(e.getMessage());
            if (m.find()) {
                String col = cols.get(Integer.parseInt(m.group(2)));
                String what = m.group(1).equals("NaN") ? "null or NaN" : m.group(1);
                throw new IllegalArgumentException(m.replaceFirst(Matcher.quoteReplacement(what + " in column '" + col
                        + "'")), e);
            }
            throw e;
        }
    }
}
