package org.emgmm.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.emgmm.data.ArrayDataset;

/**
 * One Spark partition's rows packed once into primitive arrays (row-major features, float or double, and the
 * weights): what the fit caches (memory and disk) and what every iteration's task reads. Packing checks every
 * value and records the first bad one, with its column, partition and row, instead of failing the task, so the
 * driver can report it before the first iteration.
 */
final class PackedPartition implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Spark partition index. */
    final int index;
    /** Rows held. */
    final int rows;
    /** Features per row, or -1 when the partition is empty. */
    final int dims;
    private final double[] dvals;
    private final float[] fvals;
    private final double[] weights;
    /** Σ weights (rows when unweighted). */
    final double weightSum;
    /** The first bad value, in words, or null. */
    final String error;
    private transient ArrayDataset dataset;

    private PackedPartition(int index, int rows, int dims, double[] dvals, float[] fvals, double[] weights,
                            double weightSum, String error) {
        this.index = index;
        this.rows = rows;
        this.dims = dims;
        this.dvals = dvals;
        this.fvals = fvals;
        this.weights = weights;
        this.weightSum = weightSum;
        this.error = error;
    }

    /**
     * Packs the rows of one partition: column 0 the feature vector, column 1 (when {@code weightCol} is not null)
     * the weight as a double.
     *
     * @param index partition index
     * @param it the rows
     * @param featuresCol name of the features column, for messages
     * @param weightCol name of the weight column, or null
     * @param asFloat store the features as float
     * @return the packed partition (with {@link #error} set at the first bad value)
     */
    static PackedPartition pack(int index, Iterator<Row> it, String featuresCol, String weightCol, boolean asFloat) {
        DoubleBuffer vals = new DoubleBuffer();
        DoubleBuffer ws = weightCol == null ? null : new DoubleBuffer();
        int d = -1;
        int r = 0;
        double wsum = 0;
        String error = null;
        for (; it.hasNext() && error == null; r++) {
            Row row = it.next();
            String where = "partition " + index + ", row " + r + " (0-based, within the partition)";
            Object v = row.get(0);
            if (v == null) {
                error = "null in column '" + featuresCol + "' at " + where;
                break;
            }
            if (!(v instanceof Vector)) {
                error = "column '" + featuresCol + "' holds " + v.getClass().getSimpleName() + ", not an ML vector, at "
                        + where;
                break;
            }
            Vector x = (Vector) v;
            if (d < 0) {
                d = x.size();
                if (d == 0) {
                    error = "empty vector in column '" + featuresCol + "' at " + where;
                    break;
                }
            } else if (x.size() != d) {
                error = "mixed vector lengths in column '" + featuresCol + "': " + x.size() + " values at " + where
                        + ", " + d + " at row 0 of partition " + index;
                break;
            }
            for (int a = 0; a < d; a++) {
                double xa = x.apply(a);
                if (!Double.isFinite(xa)) {
                    error = xa + " in column '" + featuresCol + "' (element " + a + ") at " + where;
                    break;
                }
                vals.add(xa);
            }
            if (error == null && ws != null) {
                Object wo = row.get(1);
                double w = wo == null ? Double.NaN : ((Number) wo).doubleValue();
                if (wo == null || !(w >= 0) || Double.isInfinite(w)) {
                    error = (wo == null ? "null" : "weight " + w) + " in column '" + weightCol + "' at " + where
                            + ": sample weights must be finite and non-negative";
                    break;
                }
                ws.add(w);
                wsum += w;
            }
        }
        if (error != null) {
            return new PackedPartition(index, 0, d, null, null, null, 0, error);
        }
        double[] dv = vals.toArray();
        float[] fv = null;
        if (asFloat) {
            fv = new float[dv.length];
            for (int i = 0; i < dv.length; i++) {
                fv[i] = (float) dv[i];
            }
            dv = null;
        }
        return new PackedPartition(index, r, d, dv, fv, ws == null ? null : ws.toArray(), ws == null ? r : wsum,
                null);
    }

    /** @return whether this partition adds anything to the statistics (rows with a positive total weight) */
    boolean contributes() {
        return rows > 0 && weightSum > 0;
    }

    /** @return the rows as an emgmm dataset (built once per cached object); only when {@link #contributes()} */
    synchronized ArrayDataset dataset() {
        if (dataset == null) {
            String name = "Spark partition " + index;
            dataset = dvals != null ? ArrayDataset.of(dvals, dims, weights, name)
                    : ArrayDataset.of(fvals, dims, weights);
        }
        return dataset;
    }

    /**
     * Rows of this partition whose global index (first row at {@code offset}) is in the sorted {@code wanted}.
     *
     * @param offset global index of this partition's first row
     * @param wanted sorted global row indices
     * @return one {@link SampledRow} per wanted row held here
     */
    List<SampledRow> rowsAt(long offset, long[] wanted) {
        List<SampledRow> out = new ArrayList<>();
        int from = Arrays.binarySearch(wanted, offset);
        if (from < 0) {
            from = -from - 1;
        }
        for (int i = from; i < wanted.length && wanted[i] < offset + rows; i++) {
            int r = (int) (wanted[i] - offset);
            double[] x = new double[dims];
            for (int a = 0; a < dims; a++) {
                x[a] = dvals != null ? dvals[r * dims + a] : fvals[r * dims + a];
            }
            out.add(new SampledRow(wanted[i], x, weights == null ? 1.0 : weights[r]));
        }
        return out;
    }

    /** One row fetched to the driver for initialisation. */
    static final class SampledRow implements Serializable {
        private static final long serialVersionUID = 1L;
        final long row;
        final double[] x;
        final double weight;

        SampledRow(long row, double[] x, double weight) {
            this.row = row;
            this.x = x;
            this.weight = weight;
        }
    }

    /** What the driver learns about a partition before fitting. */
    static final class Summary implements Serializable {
        private static final long serialVersionUID = 1L;
        final int index;
        final int rows;
        final int dims;
        final double weightSum;
        final String error;

        Summary(PackedPartition p) {
            this.index = p.index;
            this.rows = p.rows;
            this.dims = p.dims;
            this.weightSum = p.weightSum;
            this.error = p.error;
        }
    }

    /** A growable double array. */
    private static final class DoubleBuffer {
        private double[] a = new double[1024];
        private int n;

        void add(double v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
