package org.emgmm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.emgmm.FitListener;
import org.emgmm.FitState;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.ModelScorer;
import org.emgmm.StartParameters;
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

/** {@code emgmm fit}: fits a mixture by EM, prints a summary, optionally saves the model and a picture. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fit a Gaussian mixture by expectation-maximisation.",
            "Without --input, fits the bundled Old Faithful data (272 eruptions x 2 features, k = 2).",
            "Ctrl-C stops between iterations; with --output the best model so far is saved, "
                + "marked \"converged\": false.",
            "With --checkpoint, the fit's state is saved as it goes; the same command with --resume continues "
                + "a fit that was stopped or killed, to the same bits."},
        footer = {"", "Examples:",
            "  emgmm fit",
            "  emgmm fit --input data.csv --k 3 --covariance diag --output model.json",
            "  emgmm fit --input data.npy --k 8 --n-init 5 --seed 7 --backend opencl --precision float",
            "  emgmm fit --input data.f32 --dims 16 --k 4 --output model.json --plot fit.png",
            "  emgmm fit --input data.csv --init-model start.json --output refined.json   (warm start)",
            "  emgmm fit --input big.npy --k 16 --checkpoint fit.ckpt.json --checkpoint-every 60 --output m.json",
            "  emgmm fit --input big.npy --k 16 --checkpoint fit.ckpt.json --checkpoint-every 60 --output m.json "
                + "--resume fit.ckpt.json"})
final class FitCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Data: CSV, .npy (float32/float64) or raw float32 (with --dims). Default: bundled Old Faithful.")
    Path input;

    @Option(names = {"-k", "--k"}, paramLabel = "K",
            description = "Number of components (default: 2 for the bundled data, the model's with --init-model).")
    Integer k;

    @Option(names = "--covariance", paramLabel = "TYPE",
            description = "full, diag, spherical or tied (default: full, or the --init-model's).")
    String covariance;

    @Option(names = "--init-model", paramLabel = "FILE",
            description = "Start from a saved model (warm start); its k and covariance type apply.")
    Path initModel;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Save the fitted model as JSON.")
    Path output;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw the fit as a PNG picture.")
    Path plot;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Save the fit's state after every iteration (or every --checkpoint-every seconds), "
                    + "atomically: a model file of the running initialisation that --resume continues.")
    Path checkpoint;

    @Option(names = "--checkpoint-every", paramLabel = "SECONDS", defaultValue = "0",
            description = "At most one checkpoint per this many seconds; the first, the last and the one at "
                    + "Ctrl-C are always saved; 0 = after every iteration (default: ${DEFAULT-VALUE}).")
    double checkpointEvery;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the fit saved in this checkpoint, to the same bits as an uninterrupted fit; "
                    + "give the data and options it had (they are checked).")
    Path resume;

    @Mixin
    FitOptions fitOptions;

    @Mixin
    InputArgs inputArgs;

    /** Opens the backend (tests give a recording one). */
    BackendOpener opener = BackendOpener.STANDARD;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        GmmSettings.Builder b = fitOptions.builder(cl);
        CovarianceType type = covariance == null ? null
                : EmOptions.choice(cl, "--covariance", covariance, CovarianceType::parse);
        if (k != null && k < 1) {
            throw new CommandLine.ParameterException(cl, "--k must be at least 1, got " + k);
        }
        Outputs.checkWritable(output, "--output");
        Outputs.checkWritable(plot, "--plot");
        Outputs.checkWritable(checkpoint, "--checkpoint");
        if (!(checkpointEvery >= 0) || Double.isInfinite(checkpointEvery)) {
            throw new CommandLine.ParameterException(cl, "--checkpoint-every must be a finite number of seconds "
                    + ">= 0, got " + checkpointEvery);
        }
        if (checkpointEvery > 0 && checkpoint == null) {
            throw new CommandLine.ParameterException(cl, "--checkpoint-every needs --checkpoint FILE");
        }
        FitState resumed = resume == null ? null : loadCheckpoint();
        MixtureModel start = null;
        if (initModel != null) {
            start = MixtureModel.load(initModel);
            if (k != null && k != start.nComponents()) {
                throw new IllegalArgumentException("--k " + k + " does not match --init-model '" + initModel
                        + "', which has " + start.nComponents() + " components");
            }
            if (type != null && type != start.covarianceType()) {
                throw new IllegalArgumentException("--covariance " + type.jsonName() + " does not match --init-model '"
                        + initModel + "', which is " + start.covarianceType().jsonName());
            }
            k = start.nComponents();
            type = start.covarianceType();
            b.start(resumed == null ? StartParameters.of(start) : StartParameters.of(start).resumingFrom(resumed));
        } else if (resumed != null) {
            b.start(StartParameters.resume(resumed));
        }
        if (k == null) {
            if (input != null) {
                throw new CommandLine.ParameterException(cl, "--k is required with --input "
                        + "(or use 'emgmm select' to choose it by BIC)");
            }
            k = 2;
        }
        GmmSettings settings = b.k(k).covarianceType(type == null ? CovarianceType.FULL : type).build();
        LoadedData in = LoadedData.load(input, inputArgs);
        if (start != null && start.nFeatures() != in.data().dims()) {
            throw new IllegalArgumentException("--init-model '" + initModel + "' has " + start.nFeatures()
                    + " features but the data (" + in.name() + ") has " + in.data().dims());
        }
        if (k > in.data().rows()) {
            throw new IllegalArgumentException("--k " + k + " is larger than the number of samples in " + in.name()
                    + " (" + in.data().rows() + ")");
        }
        // the CPU kernels' warm-up (JIT compilation before the first pass) starts now, on its own thread, while this
        // one sets up the fit; the first pass waits for it (results do not depend on it, only the time to the first
        // iteration does)
        Warmup.Early early = settings.execution().backend() == BackendKind.OPENCL ? Warmup.Early.NONE
                : Warmup.startEarly(in.data(), k, settings.covarianceType(), settings.execution());
        try {
            return fitAndReport(settings, in, early, out, err);
        } finally {
            early.close();
        }
    }

    /** The fit, after the options, the start model and the data have been read and checked. */
    private int fitAndReport(GmmSettings settings, LoadedData in, Warmup.Early early, PrintWriter out, PrintWriter err)
            throws java.io.IOException {
        Progress.Mode mode = Progress.detect(fitOptions.quiet);
        MixtureModel model;
        boolean stopped;
        try (StopSignal stop = StopSignal.install()) {
            Progress progress = new Progress(mode, err, stop, settings.nInit(), 1);
            long t0 = System.nanoTime();
            Backends.Choice choice = opener.forFit(settings, in.data());
            try (Backend backend = choice.backend()) {
                if (!"cpu".equals(backend.name())) {
                    early.close(); // not needed: the fit runs elsewhere
                }
                try {
                    progress.backend(backend.name() + " (" + backend.device() + ")");
                    CheckpointWriter saver = checkpoint == null ? null
                            : new CheckpointWriter(progress, checkpoint, checkpointEvery);
                    try {
                        // reports the choice's warning; under --backend auto, refits in double when float fails
                        model = fit(settings, in.data(), choice, saver == null ? progress : saver);
                    } catch (RuntimeException e) {
                        if (saver != null) {
                            try {
                                saver.close();
                            } catch (IllegalStateException second) {
                                e.addSuppressed(second);
                            }
                        }
                        throw e;
                    }
                    if (saver != null) {
                        saver.close(); // the last state is on disk before the summary
                    }
                } finally {
                    progress.finish();
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                stopped = stop.requested();
                // The model file and the summary's tables on threads of their own while this one runs the scoring
                // pass for BIC and AIC: in a JVM that has not yet written JSON or formatted numbers, each is some
                // tens of milliseconds of code run for the first time, mostly on one core (full 2e5x16 K=16: save
                // 22-26 ms, tables 35-48 ms, pass 28-31 ms, one after the other). The file is complete, or its
                // failure reported, before the picture is drawn or anything printed, as when it was written first.
                MixtureModel fitted = model;
                Background<Void> saving = output == null ? null : Background.start("emgmm-save", () -> {
                    fitted.save(output);
                    return null;
                });
                Background<String> tables = fitOptions.quiet ? null : Background.start("emgmm-summary",
                        () -> Summary.body(fitted, in.data().rows(), in.name(), in.featureNames()));
                ModelScorer.Evaluation ev;
                try {
                    // BIC and AIC from one more E step of the fit's own pass, whose kernels are compiled and
                    // warm (the lower bound is of the parameters before the last M step, so it cannot serve)
                    ev = fitOptions.quiet ? null : new ModelScorer(model, backend).evaluateByFitPass(in.data());
                } finally {
                    if (saving != null) {
                        saving.await();
                    }
                }
                if (saving != null) {
                    saving.get();
                }
                if (plot != null) {
                    Charts.writePng(Charts.model(model, in.data(), in.name(), in.featureNames()), plot, Charts.WIDTH,
                            Charts.HEIGHT);
                }
                if (!fitOptions.quiet) {
                    out.print(tables.get() + Summary.tail(model, ev.bic(), ev.aic(), wall, stopped,
                            progress.events()));
                    if (output != null) {
                        out.println("model saved  " + output);
                    }
                    if (plot != null) {
                        out.println("picture      " + plot);
                    }
                    if (output == null && stopped && checkpoint == null) {
                        err.println("stopped by Ctrl-C; no --output was given, so nothing was saved");
                    }
                    if (stopped && checkpoint != null) {
                        err.println("stopped by Ctrl-C; the same command with --resume " + checkpoint
                                + " continues");
                    }
                    out.flush();
                }
            }
        }
        return stopped ? 130 : 0;
    }

    /** @return the --resume checkpoint; errors name the option and file */
    private FitState loadCheckpoint() throws java.io.IOException {
        String text = java.nio.file.Files.readString(resume, java.nio.charset.StandardCharsets.UTF_8);
        try {
            return FitState.fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resume '" + resume + "': " + e.getMessage(), e);
        }
    }

    /** Fits; a checkpoint that does not match the settings or data is named as the --resume file. */
    private MixtureModel fit(GmmSettings settings, org.emgmm.data.Dataset data, Backends.Choice choice,
                             FitListener listener) {
        try {
            return new GaussianMixture(settings).fit(data, choice, listener);
        } catch (IllegalArgumentException e) {
            if (resume != null && e.getMessage() != null && e.getMessage().startsWith("cannot resume")) {
                throw new IllegalArgumentException("--resume '" + resume + "': " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
