package org.emgmm.backend.cpu;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * Gets a kernel's hot methods compiled by the JIT's optimising compiler (C2) before the first real pass, so that
 * the first EM iteration of a process runs at about the speed of the later ones. Until C2 has compiled them, the
 * Vector API kernels run interpreted or under C1, where every vector operation is a call and an allocation: a
 * first pass over 10⁶ rows then takes seconds instead of tens of milliseconds.
 *
 * <p>How ({@link WarmupRounds}): the kernel runs over the first {@value #ROWS} rows of the real dataset (so the
 * profile sees the real {@link Dataset} class and row layout), round after round, with three synthetic parameter
 * sets built from those rows ({@link WarmupSets}), every other round on a new kernel of the same kind (as the real
 * pass's per-thread kernels are new), and, with the launcher's options, on a second thread too
 * ({@link WarmupHelper}). Covering every branch the real data takes keeps C2 from compiling a path away and
 * deoptimising when the real pass takes it. The rounds stop once their time has fallen well below the first round's
 * and stays level ({@link WarmupLevel}: the compiled code is in use) and the JIT compiler threads have been idle for a
 * moment ({@link JitActivity}), or after {@value #MAX_NANOS} ns (on a busy machine the compiler may get too little
 * CPU to finish; the real pass then runs while it does).
 *
 * <p>Determinism: the warm-up's results are thrown away, and a kernel's results do not depend on whether its code
 * runs interpreted or compiled (its exp uses basic IEEE operations only and its sums have a fixed order), so the
 * fit is the same bits with or without a warm-up, however long it takes.
 *
 * <p>It runs once per JVM for each kind of kernel (vector or plain, float or double, diagonal or outer-product
 * sums), and only for a pass big enough that the time it takes is small beside what it saves.
 */
public final class Warmup {
    /** Rows per parameter set and round: one block, so that a round is short even before compilation. */
    static final int ROWS = Kernel.BLOCK;
    /** The smallest pass worth a warm-up, in per-sample, per-component multiply-adds (N·K·D, or N·K·D² full). */
    static final double MIN_WORK = 5e7;
    /** System property: when "true", each warm-up reports its time, rounds and why it stopped on stderr. */
    static final String LOG_PROPERTY = "emgmm.warmup.log";
    /** Give up after this long: the compiler has been too slow, and the real pass compiles the rest. */
    static final long MAX_NANOS = 2_500_000_000L;
    /**
     * System property, set by the {@code emgmm} launcher together with the JIT options that make it true: this
     * package's methods and the Vector API's ({@code jdk.incubator.vector}) are compiled in the thread that calls them
     * ({@code -XX:CompileCommand=BackgroundCompilation,org.emgmm.backend.cpu.*::*,false}, the same for
     * {@code jdk.incubator.vector.*}), after a short profile ({@code CompileThresholdScaling}), and never by C2 on
     * stack replacement ({@code -XX:Tier4BackEdgeThreshold}, so each hot method is compiled by C2 once instead of
     * twice). A round that follows a compilation then runs the compiled code: the rounds stop as soon as they are fast
     * and level, without waiting for the compiler threads to fall idle.
     */
    static final String BLOCKING_PROPERTY = "emgmm.warmup.blocking";
    /**
     * With {@link #BLOCKING_PROPERTY}: at least this many rounds (each runs every hot method three times; the
     * launcher's scaled thresholds have C2 compile them within about 20 rounds: C1 after a few calls, C2 after
     * 600 × 0.05 = 30 more).
     */
    static final int MIN_ROUNDS_BLOCKING = 24;
    /**
     * With {@link #BLOCKING_PROPERTY}, give up after this long: the compilations run in this thread, so stopping
     * early would only move the wait into the first pass (and slow its other worker threads meanwhile).
     */
    static final long MAX_NANOS_BLOCKING = 20_000_000_000L;
    /**
     * {@link #preload}'s merges and M steps per covariance kind: past C1's thresholds (100 calls with loops, 200
     * without), not C2's.
     */
    static final int PRELOAD_EM_STEPS = 120;
    /** System property: a cap in milliseconds other than the default (for measurements). */
    static final String MAX_MILLIS_PROPERTY = "emgmm.warmup.maxMillis";

    /** The kinds of kernel this JVM has warmed up already. */
    private static final Set<String> DONE = ConcurrentHashMap.newKeySet();
    /** Never stops the rounds. */
    private static final BooleanSupplier NEVER = () -> false;
    /** Warm-ups {@linkplain #startEarly started early} and still running, by kind. */
    private static final ConcurrentHashMap<String, Early> EARLY = new ConcurrentHashMap<>();

    private Warmup() {
    }

    /**
     * Whether a pass of this size is worth a warm-up.
     *
     * @param rows samples
     * @param d features
     * @param k components
     * @param type covariance type
     * @return whether to warm up
     */
    static boolean worthIt(long rows, int d, int k, CovarianceType type) {
        double perSample = type.needsOuterProducts() ? (double) d * d : d;
        return rows >= 16 * ROWS && rows * (double) k * perSample >= MIN_WORK;
    }

    /**
     * Warms up the kind of kernel {@code kernel} is, unless this JVM already did. When a warm-up of that kind was
     * {@linkplain #startEarly started early}, waits for it instead (and cancels early warm-ups of other kinds, which
     * no pass of this fit needs).
     *
     * @param kernel a kernel over the real dataset (used here, then free to be used for the real passes)
     * @param vector whether it is a Vector API kernel
     * @param k components
     * @param type covariance type
     * @param withFloat whether the kernel reads the float parameters
     * @param meanWeight the data's mean sample weight
     * @return the nanoseconds spent (0 when skipped; the wait when an early warm-up was running)
     */
    static long run(Kernel kernel, boolean vector, int k, CovarianceType type, boolean withFloat,
                    double meanWeight) {
        String kind = kind(kernel.getClass(), type);
        long t0 = System.nanoTime();
        EARLY.forEach((other, e) -> {
            if (!other.equals(kind) && !e.kept) {
                e.cancel();
            }
        });
        Early early = EARLY.get(kind);
        if (early != null) {
            early.await();
        }
        if (!DONE.add(kind)) {
            return early != null ? System.nanoTime() - t0 : 0;
        }
        return exercise(kernel, vector, k, type, withFloat, meanWeight, capNanos(), blocking(), NEVER, true);
    }

    /**
     * Starts the warm-up that the CPU backend's first pass over {@code data} would run, now, on a daemon thread, so
     * that it overlaps whatever the caller does before the fit (checking the data, choosing the backend, setting
     * up the fit). The pass then waits for it instead of running its own. Nothing is started when the pass would
     * not warm up (too small, or this JVM did already). The fit's results do not depend on it: the warm-up's
     * results are thrown away, and the kernels give the same bits whether or not, and however far, it ran.
     *
     * @param data the dataset the fit will read (its first rows are read; they need not be validated yet)
     * @param k components
     * @param type covariance type
     * @param execution the fit's execution settings (precision; plain Java or the Vector API)
     * @return a handle: close it when the fit is over or will not run on the CPU backend (it cancels the warm-up
     *     if it is still running and no pass waits for it); when a warm-up of this kind was started before and still
     *     runs (the command line's guess, cli/Preload), that one's handle
     */
    public static Early startEarly(Dataset data, int k, CovarianceType type, ExecutionSettings execution) {
        if (!worthIt(data.rows(), data.dims(), k, type)) {
            return Early.NONE;
        }
        return start(data, k, type, execution, false, true);
    }

    /**
     * Starts the warm-ups of every kind of kernel that a selection over {@code types} runs (one per kind: diagonal
     * sums for diag and spherical, outer products for full and tied), now, each on a daemon thread of its own, so
     * that they overlap the selection's set-up and initialisation, and each other (two kinds compile on two
     * compiler threads at once). Unlike {@link #startEarly(Dataset, int, CovarianceType, ExecutionSettings)}'s, these
     * are not cancelled when a pass of another kind starts (the selection's shared pass runs every kind), and they
     * start whenever the candidates' passes together are worth it, though one candidate's pass alone may not be. As
     * there, the results do not depend on them.
     *
     * @param data the dataset the selection will read
     * @param ks the candidates' component counts
     * @param types the candidates' covariance types
     * @param execution the selection's execution settings
     * @return handles to close when the selection is over
     */
    public static java.util.List<Early> startEarly(Dataset data, int[] ks, java.util.List<CovarianceType> types,
                                                   ExecutionSettings execution) {
        java.util.List<Early> out = new java.util.ArrayList<>();
        int maxK = Arrays.stream(ks).max().orElse(1);
        double work = 0;
        for (CovarianceType type : types) {
            for (int k : ks) {
                work += data.rows() * (double) k * (type.needsOuterProducts() ? (double) data.dims() * data.dims()
                        : data.dims());
            }
        }
        if (data.rows() < 16 * ROWS || work < MIN_WORK || maxK > data.rows()) {
            return out;
        }
        java.util.Map<Boolean, CovarianceType> kinds = new java.util.LinkedHashMap<>();
        for (CovarianceType type : types) {
            kinds.putIfAbsent(type.needsOuterProducts(), type);
        }
        for (CovarianceType type : kinds.values()) {
            out.add(start(data, maxK, type, execution, true, kinds.size() == 1));
        }
        return out;
    }

    /**
     * @param kept whether a pass of another kind leaves it running
     * @param helped whether a {@link Helper} may run its rounds too (not when other warm-ups run beside it)
     */
    private static Early start(Dataset data, int k, CovarianceType type, ExecutionSettings execution,
                               boolean kept, boolean helped) {
        boolean vector = CpuBackend.vectorAvailable() && !execution.plainJava();
        boolean f = execution.precision() == Precision.FLOAT;
        Kernel kernel = newKernel(data, k, type, execution.precision(), vector);
        String kind = kind(kernel.getClass(), type);
        if (DONE.contains(kind)) {
            return Early.NONE;
        }
        Early early = new Early(kind, kept);
        Early running = EARLY.putIfAbsent(kind, early);
        if (running != null) {
            return running; // started before (the command line's early guess, cli/Preload): this handle closes it
        }
        if (DONE.contains(kind)) { // one of this kind ended between the check above and the put
            EARLY.remove(kind, early);
            early.over.countDown(); // a pass that saw it meanwhile does not wait
            return Early.NONE;
        }
        Thread t = new Thread(() -> early.runIn(() -> {
            double meanWeight = data.hasWeights() ? CpuBackend.meanWeight(data) : 1.0;
            exercise(kernel, vector, k, type, f, meanWeight, capNanos(), blocking(), early::cancelled, helped);
        }), "emgmm-warmup");
        t.setDaemon(true);
        t.start();
        return early;
    }

    /**
     * Loads, initialises and links what the first round of any Vector API kernel needs, on the calling thread: the
     * Vector API's classes and the method handles its operations link on first use, by one small block of synthetic
     * rows through the double kernel, diagonal and full (the command line calls it on a thread of its own at
     * start-up, while it reads its options). A tenth of a second or so of class loading and interpretation that the
     * first warm-up round would otherwise spend. Then the EM loop's own steps between passes (merging the chunks'
     * statistics, the M step with its Cholesky factorisations) {@value #PRELOAD_EM_STEPS} times on those statistics,
     * so that the JIT has compiled them (C1) before the first iteration, which otherwise runs them interpreted. No
     * results, no state beyond the JVM's own. While a warm-up {@linkplain #startEarly started early} runs (a fit whose
     * kernel the command line told), that warm-up loads and links the Vector API itself, on the real kernel: the
     * statistics for the EM steps then come from the plain-Java kernel, so as not to take CPU from it.
     */
    public static void preload() {
        boolean vector = CpuBackend.vectorAvailable() && EARLY.isEmpty();
        int d = 8;
        int k = 4;
        double[] x = new double[WarmupRounds.FIRST_ROWS * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 0.618034) % 1 + i % 3;
        }
        Dataset data = org.emgmm.data.ArrayDataset.of(x, d, null);
        for (CovarianceType type : new CovarianceType[] {CovarianceType.DIAG, CovarianceType.FULL}) {
            Kernel kernel = newKernel(data, k, type, Precision.DOUBLE, vector);
            SufficientStatistics st = new SufficientStatistics(k, d, type);
            Gaussians g = synthetic(data, k, type, 1);
            kernel.run(new Params(g, false, 1.0), 0, WarmupRounds.FIRST_ROWS, st);
            SufficientStatistics sum = new SufficientStatistics(k, d, type);
            try {
                for (int i = 0; i < PRELOAD_EM_STEPS; i++) {
                    sum.merge(st);
                    org.emgmm.em.MStep.apply(st, g.means, 1e-6, 1);
                }
            } catch (RuntimeException e) {
                // a warm-up only (the synthetic statistics gave a singular covariance): the fit meets its own
            }
        }
    }

    /**
     * A new kernel of the kind a one-thread CPU backend runs: the warm-up's own kernels (its first, the new ones of
     * its rounds ({@link WarmupRounds.Kernels}), the helper's, {@link #preload}'s).
     *
     * @param data the dataset it reads
     * @param k components
     * @param type covariance type
     * @param precision the kernel's precision
     * @param vector whether a Vector API kernel (when available)
     * @return the kernel
     */
    static Kernel newKernel(Dataset data, int k, CovarianceType type, Precision precision, boolean vector) {
        return new CpuBackend(1, precision, vector).kernel(data, k, type);
    }

    /** A warm-up started ahead of its pass ({@link #startEarly}). */
    public static final class Early implements AutoCloseable {
        /** Started nothing (closing it does nothing). */
        public static final Early NONE = new Early(null, false);
        private final String kind;
        /** Started for a selection: a pass of another kind does not cancel it. */
        private final boolean kept;
        private final java.util.concurrent.CountDownLatch over = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean cancelled;

        private Early(String kind, boolean kept) {
            this.kind = kind;
            this.kept = kept;
            if (kind == null) {
                over.countDown();
            }
        }

        /** The warm-up itself; marks the kind done when it ran to the end, not cancelled. */
        private void runIn(Runnable warmup) {
            try {
                warmup.run();
                if (!cancelled) {
                    DONE.add(kind);
                }
            } catch (RuntimeException | Error e) {
                // the pass runs its own warm-up (or, on bad data, never starts)
            } finally {
                EARLY.remove(kind, this);
                over.countDown();
            }
        }

        boolean cancelled() {
            return cancelled;
        }

        /** Stops the rounds at the next round's end (the pass that needs this kind then runs its own). */
        void cancel() {
            cancelled = true;
        }

        /** Waits until the warm-up is over (finished or cancelled). */
        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    over.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** Cancels the warm-up if it is still running (a pass waiting for it still gets the rounds run so far). */
        @Override
        public void close() {
            cancel();
        }
    }

    /** @return whether this JVM has warmed up the kind of kernel {@code kernel} is, for {@code type} (for tests) */
    static boolean done(Kernel kernel, CovarianceType type) {
        return DONE.contains(kind(kernel.getClass(), type));
    }

    /** Forgets every kind warmed up so far, so that a test sees a fresh JVM's behaviour (for tests). */
    static void forget() {
        DONE.clear();
    }

    private static String kind(Class<?> kernelClass, CovarianceType type) {
        return kernelClass.getName() + "/" + type.needsOuterProducts();
    }

    private static boolean blocking() {
        return Boolean.getBoolean(BLOCKING_PROPERTY);
    }

    private static long capNanos() {
        boolean blocking = blocking();
        return Long.getLong(MAX_MILLIS_PROPERTY, (blocking ? MAX_NANOS_BLOCKING : MAX_NANOS) / 1_000_000) * 1_000_000;
    }

    /**
     * The warm-up rounds themselves, every time it is called, stopping as without the launcher's JIT options.
     *
     * @param maxNanos the most time to spend
     * @return the nanoseconds spent
     */
    static long exercise(Kernel kernel, boolean vector, int k, CovarianceType type, boolean withFloat,
                         double meanWeight, long maxNanos) {
        return exercise(kernel, vector, k, type, withFloat, meanWeight, maxNanos, false);
    }

    /**
     * The warm-up rounds themselves, every time it is called.
     *
     * @param maxNanos the most time to spend
     * @param blocking see {@link #exercise(Kernel, boolean, int, CovarianceType, boolean, double, long, boolean,
     *     BooleanSupplier, boolean)}
     * @return the nanoseconds spent
     */
    static long exercise(Kernel kernel, boolean vector, int k, CovarianceType type, boolean withFloat,
                         double meanWeight, long maxNanos, boolean blocking) {
        return exercise(kernel, vector, k, type, withFloat, meanWeight, maxNanos, blocking, NEVER, true);
    }

    /**
     * The warm-up rounds themselves, every time it is called ({@link WarmupRounds#exercise}).
     *
     * @param maxNanos the most time to spend
     * @param blocking whether the JVM compiles this package's methods in the calling thread (see
     *     {@link #BLOCKING_PROPERTY})
     * @param stop asked after every round: true stops the rounds
     * @param helped whether a {@link WarmupHelper} may run the rounds too (not when other warm-ups run beside this one)
     * @return the nanoseconds spent
     */
    static long exercise(Kernel kernel, boolean vector, int k, CovarianceType type, boolean withFloat,
                         double meanWeight, long maxNanos, boolean blocking, BooleanSupplier stop, boolean helped) {
        return WarmupRounds.exercise(kernel, vector, k, type, withFloat, meanWeight, maxNanos, blocking, stop, helped);
    }

    /**
     * Parameters for the warm-up ({@link WarmupSets#synthetic}).
     *
     * @param data the dataset
     * @param k components
     * @param type covariance type
     * @param scale covariance scale relative to the first rows' variances
     * @return the parameters
     */
    static Gaussians synthetic(Dataset data, int k, CovarianceType type, double scale) {
        return WarmupSets.synthetic(data, k, type, scale);
    }
}
