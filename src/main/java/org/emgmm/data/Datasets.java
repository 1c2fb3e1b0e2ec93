package org.emgmm.data;

/** Validation shared by every {@link Dataset} implementation. */
public final class Datasets {
    /**
     * Rows read per call: small enough that the per-block methods are called often, so the JIT compiles them by
     * their call counts (the launcher keeps C2 from compiling long loops on stack replacement).
     */
    private static final int BLOCK = 256;

    private Datasets() {
    }

    /**
     * Checks that a flat array of {@code length} values holds whole rows of {@code dims}.
     *
     * @return the number of rows
     * @throws IllegalArgumentException for empty or ragged data
     */
    static int checkShape(int length, int dims) {
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be at least 1, got " + dims);
        }
        if (length <= 0) {
            throw new IllegalArgumentException("empty data: no samples");
        }
        if (length % dims != 0) {
            throw new IllegalArgumentException("ragged data: " + length + " values do not make whole rows of "
                    + dims + " features");
        }
        return length / dims;
    }

    /**
     * Scans a dataset once and rejects NaN or infinite values (naming row and column, both 0-based) and negative,
     * NaN or infinite weights (naming the row), and an all-zero weight vector.
     *
     * @param ds the dataset
     * @throws IllegalArgumentException naming the first offending value
     */
    public static void validate(Dataset ds) {
        long n = ds.rows();
        int d = ds.dims();
        if (n < 1) {
            throw new IllegalArgumentException("empty data: no samples in " + ds.describe());
        }
        int block = Math.max(1, Math.min(BLOCK, (int) Math.min(n, Integer.MAX_VALUE / Math.max(1, d))));
        double[] buf = new double[block * d];
        double[] w = new double[block];
        double wsum = 0;
        for (long start = 0; start < n; start += block) {
            int count = (int) Math.min(block, n - start);
            ds.read(start, count, buf, 0);
            int bad = firstNonFinite(buf, count * d);
            if (bad >= 0) {
                throw new IllegalArgumentException("non-finite value " + buf[bad] + " in " + ds.describe()
                        + " at row " + (start + bad / d) + ", column " + (bad % d) + " (0-based)");
            }
            if (ds.hasWeights()) {
                ds.readWeights(start, count, w, 0);
                for (int i = 0; i < count; i++) {
                    if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
                        throw new IllegalArgumentException("sample weight " + w[i] + " at row " + (start + i)
                                + " (0-based) of " + ds.describe() + ": weights must be finite and non-negative");
                    }
                    wsum += w[i];
                }
            }
        }
        if (ds.hasWeights() && !(wsum > 0)) {
            throw new IllegalArgumentException("sample weights of " + ds.describe() + " are all zero");
        }
    }

    /** @return the index of the first NaN or infinite value among the first {@code count}, or -1 */
    private static int firstNonFinite(double[] v, int count) {
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }
}
