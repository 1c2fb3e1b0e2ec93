package org.emgmm.backend.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * <p>How: the kernel runs over the first {@value #ROWS} rows of the real dataset (so the profile sees the real
 * {@link Dataset} class and row layout), round after round, with three synthetic parameter sets built from those
 * rows: broad components (every sample shares every component: the dense sums; pairs of equal ones, so that some
 * component is no sample's best candidate), tight ones (a few components per
 * sample: the sparse sums and, for full, the pruning) and very tight ones (components far from the reference, summed
 * about their own means). Covering every branch keeps C2 from compiling a path away and deoptimising when the real
 * data takes it. The rounds stop once their time has fallen well below the first round's and stays level (the
 * compiled code is in use) and the JIT compiler threads have been idle for a moment, or after {@value #MAX_NANOS} ns
 * (on a busy machine the compiler may get too little CPU to finish; the real pass then runs while it does).
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
    /** System property: "false" keeps the warm-up on one thread (see {@link Helper}; for measurements). */
    static final String HELPER_PROPERTY = "emgmm.warmup.helper";
    /** System property: a cap in milliseconds other than the default (for measurements). */
    static final String MAX_MILLIS_PROPERTY = "emgmm.warmup.maxMillis";
    /**
     * The rounds stop when the median of the last {@value} is within {@link #LEVEL} of the fastest so far (a median,
     * so that a round slowed by another process on the machine does not count) ...
     */
    private static final int LEVEL_ROUNDS = 9;
    private static final double LEVEL = 1.3;
    /**
     * ... the fastest round is this many times faster than the first (interpreted) one: the Vector API kernels run
     * some hundred times faster compiled by C2 than interpreted, and only some ten times faster under C1, so this
     * tells C2's code from C1's; the plain-Java kernels gain less ...
     */
    private static final double SPEED_UP_VECTOR = 40;
    private static final double SPEED_UP_PLAIN = 4;
    /** ... and, where the JIT's threads can be watched, they have used no CPU for this long. */
    private static final long QUIET_NANOS = 150_000_000L;
    /** Rows of each of the first rounds (a few vectors' worth: the kernels pad a block to whole groups of vectors). */
    static final int FIRST_ROWS = 16;
    /** Rounds of {@link #FIRST_ROWS} rows. */
    static final int SMALL_ROUNDS = 4;
    /** Covariance scales of the three parameter sets, relative to the rows' own variances. */
    private static final double[] SCALES = {1, 1e-2, 1e-5};

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
     *     if it is still running and no pass waits for it)
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
        Kernel kernel = new CpuBackend(1, execution.precision(), vector).kernel(data, k, type);
        String kind = kind(kernel.getClass(), type);
        if (DONE.contains(kind)) {
            return Early.NONE;
        }
        Early early = new Early(kind, kept);
        if (EARLY.putIfAbsent(kind, early) != null) {
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
     * first warm-up round would otherwise spend; no results, no state beyond the JVM's own.
     */
    public static void preload() {
        if (!CpuBackend.vectorAvailable()) {
            return;
        }
        int d = 8;
        int k = 4;
        double[] x = new double[FIRST_ROWS * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 0.618034) % 1 + i % 3;
        }
        Dataset data = org.emgmm.data.ArrayDataset.of(x, d, null);
        for (CovarianceType type : new CovarianceType[] {CovarianceType.DIAG, CovarianceType.FULL}) {
            Kernel kernel = new CpuBackend(1, Precision.DOUBLE, true).kernel(data, k, type);
            SufficientStatistics st = new SufficientStatistics(k, d, type);
            kernel.run(new Params(synthetic(data, k, type, 1), false, 1.0), 0, FIRST_ROWS, st);
        }
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
     * The warm-up rounds themselves, every time it is called.
     *
     * @param maxNanos the most time to spend
     * @param blocking whether the JVM compiles this package's methods in the calling thread (see
     *     {@link #BLOCKING_PROPERTY}): the rounds then stop once they are fast and level, after at least
     *     {@link #MIN_ROUNDS_BLOCKING}, without waiting for the compiler threads to fall idle
     * @param stop asked after every round: true stops the rounds
     * @param helped whether a {@link Helper} may run the rounds too (not when other warm-ups run beside this one)
     * @return the nanoseconds spent
     */
    static long exercise(Kernel kernel, boolean vector, int k, CovarianceType type, boolean withFloat,
                         double meanWeight, long maxNanos, boolean blocking, BooleanSupplier stop, boolean helped) {
        long t0 = System.nanoTime();
        boolean log = Boolean.getBoolean(LOG_PROPERTY);
        long cpu0 = log ? processCpu() : 0;
        long jit0 = log ? JitActivity.compilerTicks() : 0;
        Params[] sets = new Params[SCALES.length];
        for (int i = 0; i < SCALES.length; i++) {
            sets[i] = new Params(synthetic(kernel.data, k, type, SCALES[i]), withFloat, meanWeight);
        }
        SufficientStatistics st = new SufficientStatistics(k, kernel.d, type);
        int allRows = (int) Math.min(ROWS, kernel.data.rows());
        Rounds rounds = new Rounds(vector ? SPEED_UP_VECTOR : SPEED_UP_PLAIN);
        JitActivity jit = new JitActivity();
        String why = "time cap";
        StringBuilder times = new StringBuilder();
        Helper helper = helped && blocking && vector && helpers() ? Helper.start(kernel, k, type, withFloat, sets, allRows) : null;
        try {
        while (System.nanoTime() - t0 < maxNanos) {
            if (stop.getAsBoolean()) {
                why = "cancelled";
                break;
            }
            int rows = roundRows(rounds.count, allRows);
            long c0 = log ? threadCpu() : 0;
            long r0 = System.nanoTime();
            for (Params p : sets) {
                st.clear();
                kernel.run(p, 0, rows, st);
            }
            rounds.add((System.nanoTime() - r0) * allRows / rows);
            if (log) {
                times.append(String.format(" %.1f/%.1f", (System.nanoTime() - r0) / 1e6,
                        (threadCpu() - c0) / 1e6));
            }
            if (blocking ? rounds.count >= MIN_ROUNDS_BLOCKING && rounds.level()
                    : rounds.level() && jit.quietFor(QUIET_NANOS)) {
                why = blocking ? "level (compiled in this thread)" : "level and JIT quiet";
                break;
            }
        }
        } finally {
            if (helper != null) {
                helper.stop();
            }
        }
        long ns = System.nanoTime() - t0;
        if (log) {
            System.err.printf("warm-up %s%s: %.1f ms, process CPU %.0f ms, JIT threads %d ticks, %d rounds (first "
                    + "%.2f ms, best %.3f ms, last %.3f ms), stopped: %s%n", kernel.getClass().getSimpleName(),
                    type.needsOuterProducts() ? " outer" : "", ns / 1e6, (processCpu() - cpu0) / 1e6,
                    JitActivity.compilerTicks() - jit0, rounds.count, rounds.first / 1e6, rounds.best / 1e6,
                    rounds.lastNanos / 1e6, why);
            System.err.println("warm-up rounds (wall/thread CPU ms):" + times);
        }
        return ns;
    }

    /**
     * @return whether a second thread drives the rounds too: more than one processor, not switched off, and a
     *     machine that is not overloaded (the 1-minute load average, where the system tells it, at most the
     *     processors: on a busy machine the two threads' compilations cannot run in parallel, and the helper's own
     *     rounds only add CPU time). Only the warm-up's time depends on it, never a result.
     */
    private static boolean helpers() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return cpus > 1 && !"false".equals(System.getProperty(HELPER_PROPERTY)) && loadAverage() <= cpus;
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
     * A second thread running the same rounds on a kernel of its own, over the parameter sets in the reverse order:
     * with the kernels compiled in the calling thread, one warm-up thread waits for one compilation at a time, and the
     * JIT's compiler threads compile the kernels' methods one after another; a second thread that reaches another
     * method's threshold meanwhile (a method already queued does not block it) has it compiled in parallel, on a
     * second C2 thread (the launcher's {@code -XX:CICompilerCount=3} on a machine that has fewer by default). Its
     * results are thrown away; it stops (and is waited for) when the warm-up's own rounds stop.
     */
    private static final class Helper implements Runnable {
        private final Kernel kernel;
        private final Params[] sets;
        private final SufficientStatistics st;
        private final int allRows;
        private final Thread thread;
        private volatile boolean stopped;

        private Helper(Kernel kernel, Params[] sets, SufficientStatistics st, int allRows) {
            this.kernel = kernel;
            this.sets = sets;
            this.st = st;
            this.allRows = allRows;
            thread = new Thread(this, "emgmm-warmup-helper");
            thread.setDaemon(true);
        }

        /** Starts a helper for the rounds of {@code like}, or returns null when no kernel of its kind can be made. */
        static Helper start(Kernel like, int k, CovarianceType type, boolean withFloat, Params[] sets,
                            int allRows) {
            Kernel own;
            try {
                own = new CpuBackend(1, withFloat ? Precision.FLOAT : Precision.DOUBLE, true).kernel(like.data, k, type);
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
            if (own.getClass() != like.getClass()) {
                return null;
            }
            Params[] reversed = new Params[sets.length];
            for (int i = 0; i < sets.length; i++) {
                reversed[i] = sets[sets.length - 1 - i];
            }
            Helper h = new Helper(own, reversed, new SufficientStatistics(k, like.d, type), allRows);
            h.thread.start();
            return h;
        }

        @Override
        public void run() {
            try {
                for (int round = 0; !stopped; round++) {
                    int rows = roundRows(round, allRows);
                    for (Params p : sets) {
                        st.clear();
                        kernel.run(p, 0, rows, st);
                    }
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

    /**
     * The rows of round {@code round}: {@value #FIRST_ROWS} in the first {@value #SMALL_ROUNDS} rounds, which run
     * interpreted or under C1 (the counts that trigger a method's compilation are calls and loop iterations, not
     * rows, so these rounds cost little and trigger as much), then twice as many each round up to the whole block,
     * so the profile C2 compiles from has seen whole blocks.
     *
     * @param round the round, from 0
     * @param all rows of a whole round
     * @return rows of this round
     */
    static int roundRows(int round, int all) {
        int shift = Math.max(0, round - SMALL_ROUNDS + 1);
        return shift >= 31 ? all : (int) Math.min(all, (long) FIRST_ROWS << shift);
    }

    /** @return this thread's CPU time in ns (for the log only) */
    private static long threadCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** @return this process's CPU time in ns, or 0 when unknown (for the log only) */
    private static long processCpu() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }

    /** The times of the warm-up rounds. */
    private static final class Rounds {
        private final double speedUp;
        private final long[] last = new long[LEVEL_ROUNDS];
        private int count;
        private long first;
        private long best = Long.MAX_VALUE;

        Rounds(double speedUp) {
            this.speedUp = speedUp;
        }

        long lastNanos;

        void add(long nanos) {
            lastNanos = nanos;
            if (count == 0) {
                first = nanos;
            }
            best = Math.min(best, nanos);
            last[count++ % LEVEL_ROUNDS] = nanos;
        }

        /** Whether the rounds have become fast and stay level. */
        boolean level() {
            if (count < LEVEL_ROUNDS || first < speedUp * best) {
                return false;
            }
            long[] sorted = last.clone();
            Arrays.sort(sorted);
            return sorted[LEVEL_ROUNDS / 2] <= LEVEL * best;
        }
    }

    /**
     * The CPU time of the JIT compiler threads, read on Linux from {@code /proc/self/task/TID/stat} of the threads
     * named "C1 CompilerThre…" and "C2 CompilerThre…" (in clock ticks). Elsewhere it is never known, and
     * {@link #quietFor} is always true.
     */
    static final class JitActivity {
        private static final Path TASKS = Paths.get("/proc/self/task");
        private long lastTicks = -1;
        private long lastChange;
        private long lastPoll;
        /** At most one look at /proc per this many nanoseconds. */
        private static final long POLL_NANOS = 10_000_000L;

        /**
         * @param nanos a span of wall time
         * @return whether the compiler threads have used no CPU time for at least that long (or cannot be watched)
         */
        boolean quietFor(long nanos) {
            long now = System.nanoTime();
            if (lastTicks >= 0 && now - lastPoll < POLL_NANOS) {
                return false;
            }
            lastPoll = now;
            long ticks = compilerTicks();
            if (ticks < 0) {
                return true;
            }
            if (ticks != lastTicks) {
                lastTicks = ticks;
                lastChange = now;
                return false;
            }
            return now - lastChange >= nanos;
        }

        /** @return the compiler threads' CPU time in clock ticks, or -1 when it cannot be read */
        static long compilerTicks() {
            if (!Files.isDirectory(TASKS)) {
                return -1;
            }
            long sum = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
                for (Path t : tasks) {
                    sum += ticksIfCompiler(t);
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return sum;
        }

        private static long ticksIfCompiler(Path task) {
            try {
                String name = new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.US_ASCII);
                if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                    return 0;
                }
                String stat = new String(Files.readAllBytes(task.resolve("stat")), StandardCharsets.US_ASCII);
                // fields after the command name in parentheses: state is field 3, utime 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return 0; // the thread ended (a compiler thread the JVM stopped): its time no longer changes
            }
        }
    }

    /**
     * Parameters for the warm-up: equal weights, the means spread over the first rows, and covariances the rows'
     * per-feature variances (diagonal) times {@code scale}.
     */
    static Gaussians synthetic(Dataset data, int k, CovarianceType type, double scale) {
        int d = data.dims();
        int n = (int) Math.min(ROWS, data.rows());
        double[] x = new double[n * d];
        data.read(0, n, x, 0);
        double[] var = new double[d];
        for (int a = 0; a < d; a++) {
            double m = 0;
            for (int i = 0; i < n; i++) {
                m += x[i * d + a];
            }
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) {
                double e = x[i * d + a] - m;
                v += e * e;
            }
            v /= n;
            var[a] = (v > 0 && Double.isFinite(v) ? v : 1) * scale + 1e-6;
        }
        double[] weights = new double[k];
        double[] means = new double[k * d];
        for (int j = 0; j < k; j++) {
            weights[j] = 1.0 / k;
            // broad set: odd components repeat the even one before them, so that some component is no sample's
            // best (a path of the pruned full sums the real data takes and the other sets never do)
            int row = scale == SCALES[0] && j % 2 == 1 ? j - 1 : j;
            System.arraycopy(x, (int) ((long) row * n / k) * d, means, j * d, d);
        }
        double[] cov = new double[Gaussians.covarianceLength(type, k, d)];
        int blocks = type == CovarianceType.TIED ? 1 : k;
        for (int j = 0; j < blocks; j++) {
            for (int a = 0; a < d; a++) {
                switch (type) {
                    case FULL:
                    case TIED:
                        cov[j * d * d + a * d + a] = var[a];
                        break;
                    case DIAG:
                        cov[j * d + a] = var[a];
                        break;
                    default:
                        cov[j] += var[a] / d;
                }
            }
        }
        return Gaussians.of(type, weights, means, cov, 0);
    }
}
