package org.emgmm.backend.cpu;

import java.util.Arrays;

/**
 * The times of the warm-up's rounds ({@link WarmupRounds}) and the rule that stops them: the median of the last
 * {@value #LEVEL_ROUNDS} is within {@value #LEVEL} of the fastest so far (a median, so that a round slowed by another
 * process on the machine does not count), and the fastest round is a given factor faster than the first
 * (interpreted) one, which tells C2's code from C1's.
 */
final class WarmupLevel {
    private static final int LEVEL_ROUNDS = 9;
    private static final double LEVEL = 1.3;
    private final double speedUp;
    private final long[] last = new long[LEVEL_ROUNDS];
    private int count;
    private long first;
    private long best = Long.MAX_VALUE;
    private long lastNanos;

    /** @param speedUp how many times faster than the first round the fastest must be */
    WarmupLevel(double speedUp) {
        this.speedUp = speedUp;
    }

    /** @param nanos the time of the next round (scaled to a whole round) */
    void add(long nanos) {
        lastNanos = nanos;
        if (count == 0) {
            first = nanos;
        }
        best = Math.min(best, nanos);
        last[count++ % LEVEL_ROUNDS] = nanos;
    }

    /** @return whether the rounds have become fast and stay level */
    boolean level() {
        if (count < LEVEL_ROUNDS || first < speedUp * best) {
            return false;
        }
        long[] sorted = last.clone();
        Arrays.sort(sorted);
        return sorted[LEVEL_ROUNDS / 2] <= LEVEL * best;
    }

    /** @return the rounds so far */
    int count() {
        return count;
    }

    /** @return a summary for the log: rounds, first, best and last time */
    String describe() {
        return String.format("%d rounds (first %.2f ms, best %.3f ms, last %.3f ms)", count, first / 1e6,
                best / 1e6, lastNanos / 1e6);
    }
}
