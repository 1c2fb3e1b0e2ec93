package org.emgmm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.emgmm.bench.BenchRunner;
import org.emgmm.bench.Comparison;
import org.emgmm.bench.ComparisonReport;
import org.emgmm.bench.PeakModel;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.plot.Charts;
import org.emgmm.plot.ComparisonChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code emgmm bench}: times EM iterations (the backend's fused pass plus the host M step) on a seeded synthetic
 * mixture generated in memory, after untimed warm-up; prints a summary, or with {@code --json} one JSON line
 * ({@link BenchRunner.Result#toMap()}). With {@code --compare}, every backend found over a sweep of problems
 * ({@link Comparison}): a table, or with {@code --json} one JSON document ({@link ComparisonReport#toMap()}), and with
 * {@code --plot} a chart. Bad options exit with status 2.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time EM iterations on a seeded synthetic Gaussian mixture held in memory.",
            "One timed iteration = the backend's fused pass over all samples + the host M step; data generation, "
                + "backend start-up and warm-up iterations are not timed.",
            "With --compare: every backend found (CPU double and float, each OpenCL device in double where it has "
                + "fp64, and float) over the sweep of --n, --d, --k and --covariance (each a comma-separated "
                + "list), with the speed-up over the CPU backend and the %% of each backend's limit by a roofline "
                + "model (see README, 'GPU against CPU')."},
        footer = {"", "Examples:",
            "  emgmm bench --n 1000000 --d 16 --k 16 --covariance diag --iters 5",
            "  emgmm bench --backend opencl --precision float --n 1000000 --covariance full --json",
            "  emgmm bench --compare --n 10000,100000,1000000 --d 16 --k 16 --plot compare.png",
            "  emgmm bench --compare --n 1000000 --covariance diag,full --peak-gflops opencl0:float=60000 --json"})
public final class BenchCommand implements Callable<Integer> {
    /** N of a {@code --compare} sweep when {@code --n} is not given. */
    static final String COMPARE_NS = "10000,100000,1000000";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", paramLabel = "auto|cpu|opencl",
            description = "Backend (default: cpu; not with --compare, which times them all).")
    String backend;

    @Option(names = "--n", paramLabel = "N[,N...]",
            description = "Rows (default: 100000; with --compare " + COMPARE_NS + ").")
    String n;

    @Option(names = "--d", paramLabel = "D[,D...]", description = "Features (default: ${DEFAULT-VALUE}).",
            defaultValue = "16")
    String d;

    @Option(names = "--k", paramLabel = "K[,K...]", description = "Components (default: ${DEFAULT-VALUE}).",
            defaultValue = "16")
    String k;

    @Option(names = "--covariance", paramLabel = "full|diag|spherical|tied[,...]",
            description = "Covariance type (default: ${DEFAULT-VALUE}).", defaultValue = "diag")
    String covariance;

    @Option(names = "--precision", paramLabel = "float|double",
            description = "Arithmetic of the per-sample pass (default: double; not with --compare, which times both).")
    String precision;

    @Option(names = "--iters", description = "Timed iterations (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int iters;

    @Option(names = "--warmup", description = "Untimed warm-up iterations (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    int warmup;

    @Option(names = "--seed", description = "Seed of the data and the start (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long seed;

    @Option(names = "--threads", description = "CPU threads, 0 = all cores (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int threads;

    @Option(names = "--device", description = "OpenCL device index or part of its name, or a list (0,1) or 'all' "
            + "to split the rows across devices (default: the first GPU; "
            + "not with --compare, which times every device).")
    String device;

    @Option(names = "--plain-java", description = "CPU backend: the plain-Java kernels even when the JVM has the "
            + "Vector API (not with --compare).")
    boolean plainJava;

    @Option(names = "--json", description = "Print JSON instead of the summary (with --compare one document).")
    boolean json;

    @Option(names = "--compare", description = "Time every backend found over the sweep and print a table.")
    boolean compare;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "With --compare: draw ms per iteration against N per backend (log-log) as a PNG.")
    Path plot;

    @Option(names = "--peak-gflops", paramLabel = "TARGET[:float|double]=GFLOPS[,...]",
            description = "With --compare: replace the model's peak GFLOP/s of a backend (TARGET cpu or opencl0, "
                    + "opencl1, ... as in 'emgmm devices').")
    String peakGflops;

    @Option(names = "--peak-gbs", paramLabel = "TARGET[:float|double]=GBS[,...]",
            description = "With --compare: replace the model's peak GB/s of a backend.")
    String peakGbs;

    /** Creates the command (picocli fills the options). */
    public BenchCommand() {
    }

    @Override
    public Integer call() throws IOException {
        if (compare) {
            return compare();
        }
        for (String[] o : new String[][] {{"--plot", plot == null ? null : plot.toString()},
            {"--peak-gflops", peakGflops}, {"--peak-gbs", peakGbs}}) {
            if (o[1] != null) {
                throw usage(o[0] + " needs --compare");
            }
        }
        BenchRunner.Spec s;
        try {
            s = BenchRunner.Spec.builder().backend(BackendKind.parse(backend == null ? "cpu" : backend))
                    .n(single("--n", n == null ? "100000" : n)).d(single("--d", d)).k(single("--k", k))
                    .covariance(CovarianceType.parse(covariance))
                    .precision(Precision.parse(precision == null ? "double" : precision))
                    .iters(iters).warmup(warmup).seed(seed).threads(threads).device(device).plainJava(plainJava)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        BenchRunner.Result r = new BenchRunner(s).run();
        PrintWriter out = spec.commandLine().getOut();
        if (r.warning() != null) {
            spec.commandLine().getErr().println("emgmm bench: warning: " + r.warning());
        }
        if (json) {
            out.println(r.toJson());
        } else {
            java.util.Map<String, Object> m = r.toMap();
            out.println(String.format(Locale.ROOT,
                    "%s (%s): %s N=%s D=%s K=%s %s: %.2f ms per iteration (median of %d; min %.2f, mean %.2f), "
                            + "%.1f GFLOP/s by the model of BenchRunner.flopsPerIteration",
                    r.backend(), r.device(), m.get("covariance"), m.get("n"), m.get("d"), m.get("k"),
                    m.get("precision"), r.medianMillis(), iters, r.minMillis(), r.meanMillis(),
                    (Double) m.get("gflops")));
        }
        out.flush();
        return 0;
    }

    private int compare() throws IOException {
        for (String[] o : new String[][] {{"--backend", backend}, {"--precision", precision}, {"--device", device}}) {
            if (o[1] != null) {
                throw usage(o[0] + " cannot be used with --compare, which times every backend in both precisions");
            }
        }
        if (plainJava) {
            throw usage("--plain-java cannot be used with --compare, which times the kernels the JVM has");
        }
        Comparison.Settings settings;
        try {
            List<CovarianceType> types = new ArrayList<>();
            for (String c : items("--covariance", covariance)) {
                types.add(CovarianceType.parse(c));
            }
            settings = Comparison.Settings.builder().ns(ints("--n", n == null ? COMPARE_NS : n))
                    .ds(ints("--d", d)).ks(ints("--k", k)).covariances(types).iters(iters).warmup(warmup)
                    .seed(seed).threads(threads).peakGflops(PeakModel.parseOverrides("--peak-gflops", peakGflops))
                    .peakGbs(PeakModel.parseOverrides("--peak-gbs", peakGbs)).build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (plot != null) {
            try {
                Outputs.checkWritable(plot, "--plot");
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        ComparisonReport report = new Comparison(settings).run(line -> {
            if (!json) {
                err.println("emgmm bench: " + line);
                err.flush();
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + System.lineSeparator() : report.table());
        if (plot != null) {
            Charts.writePng(ComparisonChart.of(report), plot, Charts.WIDTH, Charts.HEIGHT);
            if (!json) {
                out.println("picture: " + plot);
            }
        }
        out.flush();
        return 0;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The one value of an option that takes a list only under --compare. */
    private static int single(String option, String text) {
        List<Integer> v = ints(option, text);
        if (v.size() != 1) {
            throw new IllegalArgumentException(option + " takes one value without --compare, got '" + text + "'");
        }
        return v.get(0);
    }

    /**
     * Parses a comma-separated list of positive whole numbers; each may be written 1000000, 1_000_000 or 1e6.
     *
     * @param option the option, for messages
     * @param text its value
     * @return the numbers in the order given
     * @throws IllegalArgumentException naming the option and the bad item
     */
    static List<Integer> ints(String option, String text) {
        List<Integer> out = new ArrayList<>();
        for (String item : items(option, text)) {
            int v;
            try {
                v = new BigDecimal(item.replace("_", "")).intValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(option + ": '" + item + "' is not a whole number below 2^31 "
                        + "(e.g. " + option + " 10000,100000 or 1e5)", e);
            }
            if (v < 1) {
                throw new IllegalArgumentException(option + ": values must be >= 1, got " + item);
            }
            out.add(v);
        }
        return out;
    }

    private static List<String> items(String option, String text) {
        List<String> out = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String t = item.trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException(option + ": empty item in '" + text + "'");
            }
            out.add(t);
        }
        return out;
    }

    /**
     * Runs {@code bench} on its own (without the other commands), exiting with its status.
     *
     * @param args the options of {@code emgmm bench}
     */
    public static void main(String[] args) {
        System.exit(Main.commandLine().execute(prepend("bench", args)));
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
