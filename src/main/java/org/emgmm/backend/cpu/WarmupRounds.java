package org.emgmm.backend.cpu;

import java.util.function.BooleanSupplier;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.em.SufficientStatistics;

/**
 * The warm-up's rounds ({@link Warmup}): each runs a kernel over the first rows with each of the synthetic
 * parameter sets ({@link WarmupSets}), until the rounds are fast and level ({@link WarmupLevel}) or a time cap. Every
 * other round runs on a new kernel of the same kind, so that the kernels' set-up on their first run (buffers
 * allocated on first use, as in {@link SharedSums#begin}) is profiled both ways, as the real pass's new per-thread
 * kernels take it: C2 then compiles both sides instead of a trap that deoptimises in the first real pass.
 */
final class WarmupRounds {
    /** Rows of each of the first rounds (a few vectors' worth: the kernels pad a block to whole groups of vectors). */
    static final int FIRST_ROWS = 16;
    /** Rounds of {@link #FIRST_ROWS} rows. */
    static final int SMALL_ROUNDS = 4;
    /**
     * The fastest round is this many times faster than the first (interpreted) one: the Vector API kernels run
     * some hundred times faster compiled by C2 than interpreted, and only some ten times faster under C1, so this
     * tells C2's code from C1's; the plain-Java kernels gain less.
     */
    private static final double SPEED_UP_VECTOR = 40;
    private static final double SPEED_UP_PLAIN = 4;
    /**
     * Short runs ({@value #FIRST_ROWS} rows each) after each round but the small ones: the methods a kernel runs
     * once per run rather than per block ({@link Kernel#run}, the kernels' {@code begin} and {@code finish}, the
     * parameters' packing) then reach C2's thresholds during the warm-up (the launcher compiles them in the
     * background), not in the first real pass, where their compilation would take a core from the workers. Untimed.
     */
    static final int SHORT_RUNS = 16;
    /** Without the launcher's options: the JIT's threads have used no CPU for this long. */
    private static final long QUIET_NANOS = 150_000_000L;

    private WarmupRounds() {
    }

    /**
     * The kernels of a warm-up thread's rounds: its own on even rounds, a new one of the same kind on odd ones.
     */
    static final class Kernels {
        private final Kernel own;
        private final int k;
        private final CovarianceType type;
        private final Precision precision;
        private final boolean vector;
        private boolean noNew;

        /**
         * @param own the kernel of the even rounds
         * @param k components
         * @param type covariance type (it chooses the kernel's kind)
         * @param withFloat whether the kernel reads the float parameters
         * @param vector whether it is a Vector API kernel
         */
        Kernels(Kernel own, int k, CovarianceType type, boolean withFloat, boolean vector) {
            this.own = own;
            this.k = k;
            this.type = type;
            this.precision = withFloat ? Precision.FLOAT : Precision.DOUBLE;
            this.vector = vector;
        }

        /** @return the kernel of round {@code round}, from 0 */
        Kernel forRound(int round) {
            return round % 2 == 0 ? own : fresh();
        }

        /** @return a new kernel of {@link #own}'s kind, or {@link #own} when none can be made */
        Kernel fresh() {
            if (!noNew) {
                Kernel made = newLike(own, k, type, precision, vector);
                if (made != null) {
                    return made;
                }
                noNew = true; // then the rounds reuse their own
            }
            return own;
        }
    }

    /**
     * @param like a kernel
     * @param k components
     * @param type covariance type
     * @param precision the kernel's precision
     * @param vector whether a Vector API kernel
     * @return a new kernel of {@code like}'s class over its data ({@link Warmup#newKernel}), or null when none can be
     *     made
     */
    static Kernel newLike(Kernel like, int k, CovarianceType type, Precision precision, boolean vector) {
        try {
            Kernel made = Warmup.newKernel(like.data, k, type, precision, vector);
            return made.getClass() == like.getClass() ? made : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** One round: {@code kernel} over the first {@code rows} rows with every set, into {@code st} (thrown away). */
    static void once(Kernel kernel, Params[] sets, int rows, SufficientStatistics st) {
        for (Params p : sets) {
            st.clear();
            kernel.run(p, 0, rows, st);
        }
    }

    /**
     * The untimed {@link #SHORT_RUNS} after round {@code round} (none after the first {@value #SMALL_ROUNDS}, which
     * run interpreted or under C1).
     */
    static void shortRuns(Kernel kernel, Params[] sets, int round, SufficientStatistics st) {
        if (round < SMALL_ROUNDS) {
            return;
        }
        for (int i = 0; i < SHORT_RUNS; i++) {
            st.clear();
            kernel.run(sets[i % sets.length], 0, Math.min(FIRST_ROWS, kernel.data.rows()), st);
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

    /**
     * The warm-up rounds themselves, every time it is called.
     *
     * @param kernel a kernel over the real dataset (it runs every other round)
     * @param vector whether it is a Vector API kernel
     * @param k components
     * @param type covariance type
     * @param withFloat whether the kernel reads the float parameters
     * @param meanWeight the data's mean sample weight
     * @param maxNanos the most time to spend
     * @param blocking whether the JVM compiles this package's methods in the calling thread (see
     *     {@link Warmup#BLOCKING_PROPERTY}): the rounds then stop once they are fast and level, after at least
     *     {@link Warmup#MIN_ROUNDS_BLOCKING}, without waiting for the compiler threads to fall idle
     * @param stop asked after every round: true stops the rounds
     * @param helped whether a {@link WarmupHelper} may run the rounds too (not when other warm-ups run beside this one)
     * @return the nanoseconds spent
     */
    static long exercise(Kernel kernel, boolean vector, int k, CovarianceType type, boolean withFloat,
                         double meanWeight, long maxNanos, boolean blocking, BooleanSupplier stop, boolean helped) {
        long t0 = System.nanoTime();
        WarmupLog log = WarmupLog.start();
        Params[] sets = WarmupSets.of(kernel.data, k, type, withFloat, meanWeight);
        SufficientStatistics st = new SufficientStatistics(k, kernel.d, type);
        int allRows = (int) Math.min(Warmup.ROWS, kernel.data.rows());
        Kernels kernels = new Kernels(kernel, k, type, withFloat, vector);
        WarmupLevel rounds = new WarmupLevel(vector ? SPEED_UP_VECTOR : SPEED_UP_PLAIN);
        JitActivity jit = new JitActivity();
        String why = "time cap";
        WarmupHelper helper = helped && blocking && vector && WarmupHelper.wanted()
                ? WarmupHelper.start(kernel, k, type, withFloat, sets, allRows) : null;
        log.setUp(System.nanoTime() - t0);
        try {
            while (System.nanoTime() - t0 < maxNanos) {
                if (stop.getAsBoolean()) {
                    why = "cancelled";
                    break;
                }
                int rows = roundRows(rounds.count(), allRows);
                Kernel kern = kernels.forRound(rounds.count());
                log.roundStart();
                long r0 = System.nanoTime();
                once(kern, sets, rows, st);
                long r1 = System.nanoTime();
                rounds.add((r1 - r0) * allRows / rows);
                log.roundEnd(r1 - r0);
                shortRuns(kern, sets, rounds.count() - 1, st);
                log.shortRuns(System.nanoTime() - r1);
                if (blocking ? rounds.count() >= Warmup.MIN_ROUNDS_BLOCKING && rounds.level()
                        : rounds.level() && jit.quietFor(QUIET_NANOS)) {
                    why = blocking ? "level (compiled in this thread)" : "level and JIT quiet";
                    break;
                }
            }
        } finally {
            if (helper != null) {
                long s0 = System.nanoTime();
                helper.stop();
                log.helperStop(System.nanoTime() - s0);
            }
        }
        long ns = System.nanoTime() - t0;
        log.end(kernel, type, ns, rounds, why);
        return ns;
    }
}
