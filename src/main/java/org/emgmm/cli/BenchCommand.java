package org.emgmm.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.emgmm.BackendKind;
import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.emgmm.bench.BenchRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code emgmm bench}: times EM iterations (the backend's fused pass plus the host M step) on a seeded synthetic
 * mixture generated in memory, after untimed warm-up; prints a summary, or with {@code --json} one JSON line
 * ({@link BenchRunner.Result#toMap()}). Bad options exit with status 2.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time EM iterations on a seeded synthetic Gaussian mixture held in memory.",
            "One timed iteration = the backend's fused pass over all samples + the host M step; data generation, "
                + "backend start-up and warm-up iterations are not timed."},
        footer = {"", "Examples:",
            "  emgmm bench --n 1000000 --d 16 --k 16 --covariance diag --iters 5",
            "  emgmm bench --backend opencl --precision float --n 1000000 --covariance full --json"})
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", paramLabel = "auto|cpu|opencl", description = "Backend (default: ${DEFAULT-VALUE}).",
            defaultValue = "cpu")
    String backend;

    @Option(names = "--n", description = "Rows (default: ${DEFAULT-VALUE}).", defaultValue = "100000")
    int n;

    @Option(names = "--d", description = "Features (default: ${DEFAULT-VALUE}).", defaultValue = "16")
    int d;

    @Option(names = "--k", description = "Components (default: ${DEFAULT-VALUE}).", defaultValue = "16")
    int k;

    @Option(names = "--covariance", paramLabel = "full|diag|spherical|tied",
            description = "Covariance type (default: ${DEFAULT-VALUE}).", defaultValue = "diag")
    String covariance;

    @Option(names = "--precision", paramLabel = "float|double",
            description = "Arithmetic of the per-sample pass (default: ${DEFAULT-VALUE}).", defaultValue = "double")
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

    @Option(names = "--device", description = "OpenCL device index or part of its name (default: the first GPU).")
    String device;

    @Option(names = "--json", description = "Print one JSON line instead of the summary.")
    boolean json;

    /** Creates the command (picocli fills the options). */
    public BenchCommand() {
    }

    @Override
    public Integer call() {
        BenchRunner.Spec s;
        try {
            s = BenchRunner.Spec.builder().backend(BackendKind.parse(backend)).n(n).d(d).k(k)
                    .covariance(CovarianceType.parse(covariance)).precision(Precision.parse(precision))
                    .iters(iters).warmup(warmup).seed(seed).threads(threads).device(device).build();
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
                    "%s (%s): %s N=%d D=%d K=%d %s: %.2f ms per iteration (median of %d; min %.2f, mean %.2f), "
                            + "%.1f GFLOP/s by the model of BenchRunner.flopsPerIteration",
                    r.backend(), r.device(), m.get("covariance"), n, d, k, m.get("precision"), r.medianMillis(),
                    iters, r.minMillis(), r.meanMillis(), (Double) m.get("gflops")));
        }
        out.flush();
        return 0;
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
