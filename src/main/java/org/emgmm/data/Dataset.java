package org.emgmm.data;

/**
 * A read-only table of samples: {@link #rows()} rows of {@link #dims()} features, row-major, with optional
 * non-negative per-sample weights. Backends read it in blocks of rows, so an implementation may hold the values in
 * a Java array, in memory-mapped files, or anywhere else; nothing requires the whole table to fit in one array.
 *
 * <p>Implementations are immutable and safe to read from several threads at once. Values are finite (checked when
 * the dataset is built: see {@link Datasets#validate}).
 */
public interface Dataset {

    /** @return number of samples (rows), at least 1 */
    long rows();

    /** @return number of features (columns), at least 1 */
    int dims();

    /** @return whether the values are stored as 32-bit floats (otherwise doubles) */
    boolean isFloat();

    /**
     * Copies rows {@code [start, start + count)} into {@code dst} from offset {@code off}, row-major, as doubles.
     *
     * @param start first row
     * @param count number of rows
     * @param dst destination, at least {@code off + count * dims()} long
     * @param off offset into {@code dst}
     */
    void read(long start, int count, double[] dst, int off);

    /**
     * Copies rows {@code [start, start + count)} into {@code dst} from offset {@code off}, row-major, as floats
     * (rounded when the storage is double).
     *
     * @param start first row
     * @param count number of rows
     * @param dst destination, at least {@code off + count * dims()} long
     * @param off offset into {@code dst}
     */
    void read(long start, int count, float[] dst, int off);

    /** @return whether samples carry weights; without them every weight is 1 */
    boolean hasWeights();

    /**
     * Copies the weights of rows {@code [start, start + count)} into {@code dst} from {@code off}; all 1 when
     * {@link #hasWeights()} is false.
     *
     * @param start first row
     * @param count number of rows
     * @param dst destination
     * @param off offset into {@code dst}
     */
    void readWeights(long start, int count, double[] dst, int off);

    /** @return a short description for reports and error messages (a file name, "double[1000x2]", ...) */
    String describe();
}
