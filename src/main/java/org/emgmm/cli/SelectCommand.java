package org.emgmm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.emgmm.GmmSettings;
import org.emgmm.ModelSelection;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.cpu.Warmup;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.plot.Charts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emgmm select}: fits every (K, covariance type) candidate and keeps the lowest BIC (or AIC). */
@Command(name = "select", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Choose K and the covariance type by BIC (or AIC).",
            "Fits every candidate (each with --n-init restarts), prints a BIC/AIC table and saves the best",
            "model. Without --input, uses the bundled Old Faithful data."},
        footer = {"", "Examples:",
            "  emgmm select --k 1..6",
            "  emgmm select --input data.csv --k 1..10 --covariance all --n-init 3 --output best.json --plot bic.png",
            "  emgmm select --input data.csv --k 2,4,8 --covariance diag,full --criterion aic"})
final class SelectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Data: CSV, .npy or raw float32 (with --dims). Default: bundled Old Faithful.")
    Path input;

    @Option(names = {"-k", "--k"}, paramLabel = "KS", defaultValue = "1..10",
            description = "Candidate K: a range A..B, a list, or both (2..5,8) (default: ${DEFAULT-VALUE}).")
    String ks;

    @Option(names = "--covariance", paramLabel = "TYPES", defaultValue = "full",
            description = "Candidate types: all, or a list of full, diag, spherical, tied (default: ${DEFAULT-VALUE}).")
    String covariance;

    @Option(names = "--criterion", paramLabel = "C", defaultValue = "bic",
            description = "bic or aic: which decides (default: ${DEFAULT-VALUE}).")
    String criterion;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Save the best model as JSON.")
    Path output;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw BIC and AIC against K as a PNG.")
    Path plot;

    @Mixin
    FitOptions fitOptions;

    @Mixin
    InputArgs inputArgs;

    /**
     * @param spec "1..10", "2,4,8", "1..3,6"
     * @return the sorted distinct values
     * @throws IllegalArgumentException naming the bad part
     */
    static int[] parseKs(String spec) {
        TreeSet<Integer> set = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dots = p.indexOf("..");
                if (dots >= 0) {
                    int a = Integer.parseInt(p.substring(0, dots).trim());
                    int b = Integer.parseInt(p.substring(dots + 2).trim());
                    for (int v : ModelSelection.range(a, b)) {
                        set.add(v);
                    }
                } else {
                    int v = Integer.parseInt(p);
                    if (v < 1) {
                        throw new IllegalArgumentException("K must be at least 1, got " + v);
                    }
                    set.add(v);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not a K, a range A..B or a list of them");
            }
            if (set.size() > 1000) {
                throw new IllegalArgumentException("more than 1000 candidate K values");
            }
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param spec "all" or a comma-separated list of types
     * @return the types, in the given order
     */
    static List<CovarianceType> parseTypes(String spec) {
        if (spec.trim().equalsIgnoreCase("all")) {
            return List.of(CovarianceType.FULL, CovarianceType.TIED, CovarianceType.DIAG, CovarianceType.SPHERICAL);
        }
        List<CovarianceType> out = new ArrayList<>();
        for (String p : spec.split(",")) {
            CovarianceType t = CovarianceType.parse(p);
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        GmmSettings base = fitOptions.builder(cl).build();
        int[] kList;
        List<CovarianceType> types;
        ModelSelection.Criterion crit;
        try {
            kList = parseKs(ks);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--k " + ks + ": " + e.getMessage());
        }
        types = EmOptions.choice(cl, "--covariance", covariance, SelectCommand::parseTypes);
        crit = EmOptions.choice(cl, "--criterion", criterion, ModelSelection.Criterion::parse);
        Outputs.checkWritable(output, "--output");
        Outputs.checkWritable(plot, "--plot");
        LoadedData in = LoadedData.load(input, inputArgs);
        ModelSelection sel = new ModelSelection(base, kList, types, crit);
        ModelSelection.Result result;
        boolean stopped;
        // the CPU kernels' warm-ups (JIT compilation), one per kind of kernel the candidates need, start now on
        // threads of their own, while this one sets up the selection and initialises the candidates (results do
        // not depend on them)
        List<Warmup.Early> early = base.execution().backend() == BackendKind.OPENCL ? List.of()
                : Warmup.startEarly(in.data(), kList, types, base.execution());
        try (StopSignal stop = StopSignal.install()) {
            Progress progress = new Progress(Progress.detect(fitOptions.quiet), err, stop, base.nInit(), sel.size());
            progress.criterion(crit);
            long t0 = System.nanoTime();
            Backends.Choice choice = Backends.open(base, in.data());
            try (Backend backend = choice.backend()) {
                if (!"cpu".equals(backend.name())) {
                    early.forEach(Warmup.Early::close); // not needed: the candidates run elsewhere
                }
                if (choice.warning() != null) {
                    progress.event(choice.warning());
                }
                progress.backend(backend.name() + " (" + backend.device() + ")");
                result = sel.fit(in.data(), backend, progress);
            } finally {
                progress.finish();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            stopped = stop.requested();
            ModelSelection.Candidate best = result.best();
            if (output != null) {
                best.model().save(output);
            }
            if (plot != null) {
                Charts.writePng(Charts.selection(result, "Model selection: " + in.name()), plot, Charts.WIDTH,
                        Charts.HEIGHT);
            }
            if (!fitOptions.quiet) {
                out.print(table(result, in.name(), in.data().rows(), wall));
                if (stopped) {
                    out.println("stopped by Ctrl-C after " + result.candidates().size() + " of " + sel.size()
                            + " candidates; the best so far was kept");
                }
                if (output != null) {
                    out.println("best model saved  " + output);
                }
                if (plot != null) {
                    out.println("picture           " + plot);
                }
                out.flush();
            }
        } finally {
            early.forEach(Warmup.Early::close);
        }
        return stopped ? 130 : 0;
    }

    /**
     * @param r a selection
     * @param name the data's name
     * @param rows its sample count
     * @param wall seconds taken
     * @return the BIC/AIC table with the chosen model marked
     */
    static String table(ModelSelection.Result r, String name, long rows, double wall) {
        StringBuilder sb = new StringBuilder();
        ModelSelection.Candidate best = r.best();
        sb.append(String.format(Locale.ROOT, "Model selection on %s (%d samples), by %s; %d candidates in %.2f s%n%n",
                name, rows, r.criterion(), r.candidates().size(), wall));
        sb.append(String.format(Locale.ROOT, "  %-10s %4s %16s %16s %8s %6s  %s%n", "covariance", "k", "BIC", "AIC",
                "iters", "conv", ""));
        for (ModelSelection.Candidate c : r.candidates()) {
            if (c.ok()) {
                sb.append(String.format(Locale.ROOT, "  %-10s %4d %16.4f %16.4f %8d %6s  %s%n", c.type().jsonName(),
                        c.k(), c.bic(), c.aic(), c.model().nIter(), c.model().converged() ? "yes" : "no",
                        c == best ? "<- best" : ""));
            } else {
                sb.append(String.format(Locale.ROOT, "  %-10s %4d  failed: %s%n", c.type().jsonName(), c.k(),
                        c.error()));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nbest: k = %d, %s covariance, %s %.4f%n", best.k(),
                best.type().jsonName(), r.criterion(), best.value(r.criterion())));
        return sb.toString();
    }
}
