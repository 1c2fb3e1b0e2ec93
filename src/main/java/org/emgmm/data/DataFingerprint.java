package org.emgmm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A cheap identity of a dataset, recorded in a checkpoint so that a fit is only resumed on the data it started on:
 * the shape (rows, features), the total sample weight, and a 64-bit hash of the values and weights of a sample of
 * rows ({@link #SAMPLE_ROWS} evenly spaced rows, including the first and the last; every row when there are no
 * more).
 *
 * <p>What it guarantees: a change of the row count, the feature count or the total weight (summed in row order, in
 * double, compared exactly) is always detected; a change of any value or weight of a sampled row is detected but
 * for a 2⁻⁶⁴ chance of a hash collision, so data of at most {@link #SAMPLE_ROWS} rows is checked in full. A change
 * confined to rows that are not sampled and that keeps the total weight (an edited value in one row of a million)
 * is not detected: that would take a full pass over the data, which is what the fingerprint avoids. Reading it
 * costs {@link #SAMPLE_ROWS} row reads, plus one pass over the weights when the data has weights.
 */
public final class DataFingerprint {
    /** Rows hashed at most. */
    public static final int SAMPLE_ROWS = 4096;

    private final long rows;
    private final int features;
    private final double weightSum;
    private final int sampleRows;
    private final long sampleHash;

    /**
     * @param rows number of rows
     * @param features number of features
     * @param weightSum total sample weight
     * @param sampleRows number of rows hashed
     * @param sampleHash hash of the sampled rows' values and weights
     */
    public DataFingerprint(long rows, int features, double weightSum, int sampleRows, long sampleHash) {
        this.rows = rows;
        this.features = features;
        this.weightSum = weightSum;
        this.sampleRows = sampleRows;
        this.sampleHash = sampleHash;
    }

    /**
     * Reads the fingerprint of a dataset.
     *
     * @param data the data
     * @return its fingerprint
     */
    public static DataFingerprint of(Dataset data) {
        long n = data.rows();
        int d = data.dims();
        int m = (int) Math.min(n, SAMPLE_ROWS);
        double[] row = new double[d];
        double[] w = new double[1];
        long h = 0x9E3779B97F4A7C15L ^ n ^ ((long) d << 32);
        for (int i = 0; i < m; i++) {
            long r = m == 1 ? 0 : (long) ((double) i * (n - 1) / (m - 1)); // 0 … n−1, evenly spaced
            data.read(r, 1, row, 0);
            data.readWeights(r, 1, w, 0);
            h = mix(h ^ r);
            for (double v : row) {
                h = mix(h ^ Double.doubleToLongBits(v));
            }
            h = mix(h ^ Double.doubleToLongBits(w[0]));
        }
        return new DataFingerprint(n, d, weightSum(data), m, h);
    }

    /** Σ ωᵢ in row order (the row count, exactly, without weights). */
    private static double weightSum(Dataset data) {
        long n = data.rows();
        if (!data.hasWeights()) {
            return n;
        }
        int block = 8192;
        double[] buf = new double[block];
        double sum = 0;
        for (long s = 0; s < n; s += block) {
            int count = (int) Math.min(block, n - s);
            data.readWeights(s, count, buf, 0);
            for (int i = 0; i < count; i++) {
                sum += buf[i];
            }
        }
        return sum;
    }

    /**
     * One step of a 64-bit mixing function (the finaliser of SplitMix64 / MurmurHash3), used to hash values.
     *
     * @param z state
     * @return the mixed state
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    /**
     * @param values arrays to hash (null entries hash as such)
     * @return a 64-bit hash of their lengths and the bits of their values
     */
    public static long hash(double[]... values) {
        long h = 0x2545F4914F6CDD1DL;
        for (double[] a : values) {
            h = mix(h ^ (a == null ? -1 : a.length));
            if (a != null) {
                for (double v : a) {
                    h = mix(h ^ Double.doubleToLongBits(v));
                }
            }
        }
        return h;
    }

    /** @return number of rows */
    public long rows() {
        return rows;
    }

    /** @return number of features */
    public int features() {
        return features;
    }

    /** @return the total sample weight */
    public double weightSum() {
        return weightSum;
    }

    /** @return number of rows hashed */
    public int sampleRows() {
        return sampleRows;
    }

    /** @return the hash of the sampled rows, 16 hexadecimal digits */
    public String sampleChecksum() {
        return String.format("%016x", sampleHash);
    }

    /**
     * @param now the fingerprint of the data at hand
     * @return one phrase per difference ("rows: 1000 in the checkpoint, 999 now"), empty when they match
     */
    public List<String> differences(DataFingerprint now) {
        List<String> out = new ArrayList<>();
        if (rows != now.rows) {
            out.add("data rows: " + rows + " in the checkpoint, " + now.rows + " now");
        }
        if (features != now.features) {
            out.add("data features: " + features + " in the checkpoint, " + now.features + " now");
        }
        if (Double.doubleToLongBits(weightSum) != Double.doubleToLongBits(now.weightSum)) {
            out.add("data weight sum: " + weightSum + " in the checkpoint, " + now.weightSum + " now");
        }
        if (out.isEmpty() && (sampleRows != now.sampleRows || sampleHash != now.sampleHash)) {
            out.add("data values: the checksum of " + sampleRows + " sampled rows is " + sampleChecksum()
                    + " in the checkpoint, " + now.sampleChecksum() + " now");
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataFingerprint && differences((DataFingerprint) o).isEmpty();
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, features, sampleHash);
    }

    @Override
    public String toString() {
        return rows + " x " + features + ", weight sum " + weightSum + ", sample checksum " + sampleChecksum();
    }
}
