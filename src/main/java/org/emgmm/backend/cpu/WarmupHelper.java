package org.emgmm.backend.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.em.SufficientStatistics;

/**
 * A second thread running the warm-up's rounds ({@link WarmupRounds}) on kernels of its own (its own one and, every other
 * round, a new one), over the parameter sets
 * in the reverse order: with the kernels compiled in the calling thread (the launcher's options,
 * {@link Warmup#BLOCKING_PROPERTY}), one warm-up thread waits for one compilation at a time, and the JIT's compiler
 * threads compile the kernels' methods one after another; a second thread that reaches another method's threshold
 * meanwhile (a method already queued does not block it) has it compiled in parallel, on a second C2 thread (the
 * launcher's {@code -XX:CICompilerCount=3} on a machine that has fewer by default). Its results are thrown away; it
 * stops (and is waited for) when the warm-up's own rounds stop.
 */
final class WarmupHelper implements Runnable {
    /** System property: "false" keeps the warm-up on one thread (for measurements). */
    static final String PROPERTY = "emgmm.warmup.helper";
    /** The helper thread's name. */
    static final String THREAD_NAME = "emgmm-warmup-helper";

    private final WarmupRounds.Kernels kernels;
    private final Params[] sets;
    private final SufficientStatistics st;
    private final int allRows;
    private final Thread thread;
    private volatile boolean stopped;

    private WarmupHelper(WarmupRounds.Kernels kernels, Params[] sets, SufficientStatistics st, int allRows) {
        this.kernels = kernels;
        this.sets = sets;
        this.st = st;
        this.allRows = allRows;
        thread = new Thread(this, THREAD_NAME);
        thread.setDaemon(true);
    }

    /**
     * @return whether a second thread should drive the rounds too: more than one processor, not switched off, and a
     *     machine that is not overloaded (the 1-minute load average, where the system tells it, at most the
     *     processors: on a busy machine the two threads' compilations cannot run in parallel, and the helper's own
     *     rounds only add CPU time). Only the warm-up's time depends on it, never a result.
     */
    static boolean wanted() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return cpus > 1 && !"false".equals(System.getProperty(PROPERTY)) && loadAverage() <= cpus;
    }

    /** @return the 1-minute load average from /proc/loadavg, or 0 where it cannot be read */
    static double loadAverage() {
        try {
            String s = new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII);
            return Double.parseDouble(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Starts a helper for the rounds of {@code like}'s kind.
     *
     * @param like the warm-up's kernel
     * @param k components
     * @param type covariance type
     * @param withFloat whether the kernel reads the float parameters
     * @param sets the warm-up's parameter sets
     * @param allRows rows of a whole round
     * @return the running helper, or null when no kernel of {@code like}'s kind can be made
     */
    static WarmupHelper start(Kernel like, int k, CovarianceType type, boolean withFloat, Params[] sets,
                              int allRows) {
        Kernel own = WarmupRounds.newLike(like, k, type, withFloat ? Precision.FLOAT : Precision.DOUBLE, true);
        if (own == null) {
            return null;
        }
        WarmupRounds.Kernels kernels = new WarmupRounds.Kernels(own, k, type, withFloat, true);
        Params[] reversed = new Params[sets.length];
        for (int i = 0; i < sets.length; i++) {
            reversed[i] = sets[sets.length - 1 - i];
        }
        WarmupHelper h = new WarmupHelper(kernels, reversed, new SufficientStatistics(k, like.d, type), allRows);
        h.thread.start();
        return h;
    }

    @Override
    public void run() {
        try {
            for (int round = 0; !stopped; round++) {
                Kernel kern = kernels.forRound(round);
                WarmupRounds.once(kern, sets, WarmupRounds.roundRows(round, allRows), st);
                WarmupRounds.shortRuns(kern, sets, round, st);
            }
        } catch (RuntimeException e) {
            // a warm-up only: the real pass meets and reports any failure itself
        }
    }

    /** Stops the helper after its current round and waits for it. */
    void stop() {
        stopped = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
