package org.emgmm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.emgmm.backend.Backends;
import org.emgmm.backend.opencl.DeviceInfo;
import org.emgmm.backend.opencl.KernelTuner;
import org.emgmm.backend.opencl.OpenClBackend;
import org.emgmm.backend.opencl.TuningCache;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code emgmm tune}: searches the OpenCL kernels' launch tunables for one device and the shape classes asked for,
 * and stores the fastest plans in the per-user tuning cache that later OpenCL fits read ({@link TuningCache}).
 * OpenCL classes are loaded only when the command runs.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Tune the OpenCL kernels for a device: time the launch plans (work-group size, accumulator "
            + "tasks per work-item, tile rows) on synthetic data of each shape class, and store the fastest in the "
            + "tuning cache that later fits on that device read.",
            "Cache: $EMGMM_TUNING_CACHE, else $XDG_CACHE_HOME/emgmm/tuning.json, else ~/.cache/emgmm/tuning.json. "
                + "Entries are keyed by platform, device, driver version, kernel sources and shape class; stale or "
                + "unreadable ones are ignored with a warning.",
            "A plan changes only the order of the sums: results agree with the default plan's to rounding."},
        footer = {"", "Examples:",
            "  emgmm tune                      (diag and full, D = K = 16, both precisions, 60 s)",
            "  emgmm tune --device 0 --covariance full --d 16,64 --k 16,64 --budget 300",
            "  emgmm tune --show",
            "  emgmm tune --clear"})
final class TuneCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--device", description = "OpenCL device index or part of its name (default: the first GPU, "
            + "else the first device).")
    String device;

    @Option(names = "--precision", split = ",", paramLabel = "float|double",
            description = "Precisions to tune (default: float, and double where the device has fp64).")
    List<String> precisions;

    @Option(names = "--covariance", split = ",", paramLabel = "TYPE",
            description = "Covariance types (diag, spherical, full, tied); diag and spherical share a class, "
                    + "as do full and tied "
                    + "(default: diag,full).")
    List<String> covariances;

    @Option(names = "--d", split = ",", paramLabel = "D", description = "Feature counts; each selects its "
            + "band 1-4, 5-8, 9-16, 17-32, 33-64, 65+ (default: 16).")
    List<Integer> ds;

    @Option(names = "--k", split = ",", paramLabel = "K", description = "Component counts; each selects its "
            + "band 1-4, 5-16, 17-64, 65+ (default: 16).")
    List<Integer> ks;

    @Option(names = "--n", description = "Rows of the synthetic data (default: chosen per device and shape, "
            + "at most 1,048,576).", defaultValue = "0")
    long rows;

    @Option(names = "--budget", paramLabel = "SECONDS", description = "Time for the whole search, shared by the "
            + "classes (default: ${DEFAULT-VALUE}).", defaultValue = "60")
    double budget;

    @Option(names = "--reps", description = "Timed passes per candidate; the fastest counts "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int reps;

    @Option(names = "--cache", paramLabel = "FILE", description = "The tuning cache file (default: see above).")
    Path cache;

    @Option(names = "--show", description = "Print the cache's entries and exit.")
    boolean show;

    @Option(names = "--clear", description = "Delete the cache file and exit.")
    boolean clear;

    @Override
    public Integer call() throws IOException {
        return new Run(this).call(); // classes of the OpenCL backend load only here, not when the command is built
    }

    /** The command's work, apart so that building the command line loads no class of the OpenCL backend. */
    private static final class Run {
        private final TuneCommand cmd;
        private final CommandLine.Model.CommandSpec spec;

        Run(TuneCommand cmd) {
            this.cmd = cmd;
            this.spec = cmd.spec;
        }

        int call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Path file = cmd.cache != null ? cmd.cache : TuningCache.defaultPath();
            if (cmd.show && cmd.clear) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--show and --clear exclude each other");
            }
            if (cmd.clear) {
                out.println(Files.deleteIfExists(file) ? "deleted the tuning cache " + file
                        : "no tuning cache at " + file);
                return 0;
            }
            if (cmd.show) {
                return show(out, file);
            }
            KernelTuner.Spec s;
            try {
                s = new KernelTuner.Spec(precisions(), types(), cmd.ds == null ? List.of(16) : cmd.ds,
                        cmd.ks == null ? List.of(16) : cmd.ks, cmd.rows, cmd.budget, cmd.reps, null, 1);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            return tune(out, file, s);
        }

        private int tune(PrintWriter out, Path file, KernelTuner.Spec s) throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            DeviceInfo d;
            try {
                d = OpenClBackend.device(cmd.device);
            } catch (RuntimeException | LinkageError e) {
                err.println("emgmm tune: no OpenCL device could be used: " + Backends.oneLine(e) + ". "
                        + DevicesCommand.HOW_TO_INSTALL);
                return Main.EXIT_ERROR;
            }
            KernelTuner.Spec run = s;
            if (cmd.precisions == null && !d.fp64()) {
                run = new KernelTuner.Spec(List.of(Precision.FLOAT), s.types(), s.ds(), s.ks(), s.rows(),
                        s.budgetSeconds(), s.reps(), null, s.seed());
            }
            out.println("tuning " + d.describe() + " for " + String.format(Locale.ROOT, "%.0f", cmd.budget) + " s");
            out.flush();
            List<KernelTuner.Outcome> outcomes;
            try {
                outcomes = new KernelTuner(d, run).run(line -> {
                    out.println("  " + line);
                    out.flush();
                });
            } catch (RuntimeException e) {
                err.println("emgmm tune: the default plan failed on " + d.describe() + ": " + Backends.oneLine(e)
                        + "; nothing was written");
                return Main.EXIT_ERROR;
            }
            KernelTuner.store(file, outcomes);
            out.println("wrote " + outcomes.size() + " entr" + (outcomes.size() == 1 ? "y" : "ies") + " to " + file);
            return 0;
        }

        private int show(PrintWriter out, Path file) {
            TuningCache c = TuningCache.read(file);
            if (c.problem() != null) {
                spec.commandLine().getErr().println("emgmm tune: the tuning cache " + file + " " + c.problem()
                        + "; fits ignore it ('emgmm tune --clear' deletes it)");
                return Main.EXIT_ERROR;
            }
            out.println("tuning cache " + file + ": " + c.entries().size() + " entries");
            for (TuningCache.Entry e : c.entries()) {
                out.println(String.format(Locale.ROOT, "  %s | %s | driver %s | kernels %s | %s | wgs=%d apt=%d tile=%d"
                        + " | %.3f ms (default %.3f ms) | %s", e.platform(), e.device(), e.driver(), e.kernels(),
                        e.shapeClass(), e.workGroupSize(), e.tasksPerItem(), e.tileRows(), e.bestMs(), e.defaultMs(),
                        e.tunedAt()));
            }
            return 0;
        }

        private List<Precision> precisions() {
            List<Precision> out = new ArrayList<>();
            for (String p : cmd.precisions == null ? List.of("float", "double") : cmd.precisions) {
                Precision v = Precision.parse(p);
                if (!out.contains(v)) {
                    out.add(v);
                }
            }
            return out;
        }

        private List<CovarianceType> types() {
            List<CovarianceType> out = new ArrayList<>();
            for (String c : cmd.covariances == null ? List.of("diag", "full") : cmd.covariances) {
                out.add(CovarianceType.parse(c));
            }
            return out;
        }
    }
}
