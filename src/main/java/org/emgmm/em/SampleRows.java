package org.emgmm.em;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Which rows of the data the initialisation's sample holds ({@link Initializer}): a seeded draw without repeats. */
final class SampleRows {
    /** Up to this many rows of data, the sample's rows are drawn into a bit set (at most 16 MiB), else a hash set. */
    private static final long MARKED_ROWS = 1L << 27;

    private SampleRows() {
    }

    /**
     * The rows of the sample: the first {@code m} distinct values of the seeded stream of uniform rows in
     * {@code [0, n)}, sorted (as {@code rnd.longs(0, n).distinct().limit(m).sorted()}, without boxing).
     *
     * @param n rows of the data
     * @param m rows wanted, less than n
     * @param seed random seed
     * @return the sorted row indices
     */
    static long[] draw(long n, int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        if (n <= MARKED_ROWS) {
            // rows marked in a bit set, then collected in order: the same set, sorted, with no sort
            long[] marks = new long[(int) ((n + 63) >>> 6)];
            int got = 0;
            while (got < m) {
                long r = rnd.nextLong(0, n);
                long bit = 1L << r;
                int word = (int) (r >>> 6);
                if ((marks[word] & bit) == 0) {
                    marks[word] |= bit;
                    got++;
                }
            }
            long[] rows = new long[m];
            int i = 0;
            for (int word = 0; word < marks.length; word++) {
                for (long bits = marks[word]; bits != 0; bits &= bits - 1) {
                    rows[i++] = ((long) word << 6) + Long.numberOfTrailingZeros(bits);
                }
            }
            return rows;
        }
        long[] rows = new long[m];
        LongSet seen = new LongSet(m);
        int got = 0;
        while (got < m) {
            long r = rnd.nextLong(0, n);
            if (seen.add(r)) {
                rows[got++] = r;
            }
        }
        Arrays.sort(rows);
        return rows;
    }

    /** An open-addressing set of non-negative longs, sized for a known count. */
    private static final class LongSet {
        private final long[] slots;
        private final int mask;

        LongSet(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected) * 2) * 2;
            slots = new long[cap];
            Arrays.fill(slots, -1);
            mask = cap - 1;
        }

        boolean add(long v) {
            int h = (int) ((v * 0x9E3779B97F4A7C15L) >>> 32) & mask;
            while (slots[h] != -1) {
                if (slots[h] == v) {
                    return false;
                }
                h = (h + 1) & mask;
            }
            slots[h] = v;
            return true;
        }
    }
}
