package org.emgmm.cli;

import java.util.Set;
import org.emgmm.MixtureModel;
import org.emgmm.backend.cpu.Warmup;
import org.emgmm.config.CovarianceType;

/**
 * Start-up work done on a daemon thread of its own while picocli builds the command line and reads the options: the
 * classes a fit, predict, score or select run needs soon after are loaded and initialised then, on the other core,
 * instead of one after the other on the main thread (Jackson, by writing and reading a one-component model; the
 * Vector API kernels' classes and linkage, {@link Warmup#preload}). It computes nothing the command uses, so the
 * command's results and messages do not depend on whether or how far it ran; a failure in it is ignored (the
 * command meets the same failure itself, with its own message).
 */
final class Preload {
    /** The commands that read a model file or fit, i.e. use Jackson and the CPU kernels. */
    private static final Set<String> COMMANDS = Set.of("fit", "predict", "score", "select");

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
        Thread t = new Thread(Preload::run, "emgmm-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        try {
            MixtureModel.fromJson(MixtureModel.of(CovarianceType.DIAG, new double[] {1}, new double[] {0},
                    new double[] {1}).toJson());
            Warmup.preload();
        } catch (RuntimeException | LinkageError e) {
            // the command itself meets and reports whatever failed here
        }
    }
}
