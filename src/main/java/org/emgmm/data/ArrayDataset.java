package org.emgmm.data;

import java.util.Arrays;

/** A {@link Dataset} over one row-major Java array (float or double), with optional weights. */
public final class ArrayDataset implements Dataset {
    private final double[] dvals;
    private final float[] fvals;
    private final double[] weights;
    private final int rows;
    private final int dims;
    private final String description;

    private ArrayDataset(double[] dvals, float[] fvals, int rows, int dims, double[] weights, String description) {
        this.dvals = dvals;
        this.fvals = fvals;
        this.rows = rows;
        this.dims = dims;
        this.weights = weights;
        this.description = description;
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("sample weights: " + weights.length + " weights for " + rows
                    + " samples");
        }
    }

    /**
     * Wraps (does not copy) row-major doubles.
     *
     * @param values row-major values, {@code rows * dims} long
     * @param dims number of features
     * @param weights per-sample weights, or null for all 1
     * @return the dataset, validated
     * @throws IllegalArgumentException for empty or ragged data, non-finite values or bad weights
     */
    public static ArrayDataset of(double[] values, int dims, double[] weights) {
        int rows = Datasets.checkShape(values == null ? -1 : values.length, dims);
        ArrayDataset ds = new ArrayDataset(values, null, rows, dims, weights,
                "double[" + rows + "x" + dims + "]");
        Datasets.validate(ds);
        return ds;
    }

    /**
     * Wraps (does not copy) row-major doubles read from a named source (a file), so reports and messages name it.
     *
     * @param values row-major values, {@code rows * dims} long
     * @param dims number of features
     * @param weights per-sample weights, or null for all 1
     * @param description what {@link #describe()} returns, e.g. the file name
     * @return the dataset, validated
     * @throws IllegalArgumentException for empty or ragged data, non-finite values or bad weights
     */
    public static ArrayDataset of(double[] values, int dims, double[] weights, String description) {
        int rows = Datasets.checkShape(values == null ? -1 : values.length, dims);
        ArrayDataset ds = new ArrayDataset(values, null, rows, dims, weights, description);
        Datasets.validate(ds);
        return ds;
    }

    /**
     * Wraps (does not copy) row-major floats.
     *
     * @param values row-major values, {@code rows * dims} long
     * @param dims number of features
     * @param weights per-sample weights, or null for all 1
     * @return the dataset, validated
     * @throws IllegalArgumentException for empty or ragged data, non-finite values or bad weights
     */
    public static ArrayDataset of(float[] values, int dims, double[] weights) {
        int rows = Datasets.checkShape(values == null ? -1 : values.length, dims);
        ArrayDataset ds = new ArrayDataset(null, values, rows, dims, weights,
                "float[" + rows + "x" + dims + "]");
        Datasets.validate(ds);
        return ds;
    }

    /**
     * Copies a {@code double[][]} (one array per row) into a dataset.
     *
     * @param rowsIn the samples, all rows of the same length
     * @param weights per-sample weights, or null for all 1
     * @return the dataset, validated
     * @throws IllegalArgumentException for empty or ragged data (naming the row), non-finite values or bad weights
     */
    public static ArrayDataset of(double[][] rowsIn, double[] weights) {
        if (rowsIn == null || rowsIn.length == 0) {
            throw new IllegalArgumentException("empty data: no samples");
        }
        if (rowsIn[0] == null || rowsIn[0].length == 0) {
            throw new IllegalArgumentException("empty data: row 0 has no features");
        }
        int d = rowsIn[0].length;
        double[] flat = new double[Math.multiplyExact(rowsIn.length, d)];
        for (int i = 0; i < rowsIn.length; i++) {
            if (rowsIn[i] == null || rowsIn[i].length != d) {
                throw new IllegalArgumentException("ragged data: row " + i + " has "
                        + (rowsIn[i] == null ? 0 : rowsIn[i].length) + " values, row 0 has " + d);
            }
            System.arraycopy(rowsIn[i], 0, flat, i * d, d);
        }
        return of(flat, d, weights);
    }

    /** @return a copy of this dataset with the given weights (or none when null), validated */
    public ArrayDataset withWeights(double[] newWeights) {
        ArrayDataset ds = new ArrayDataset(dvals, fvals, rows, dims, newWeights, description);
        Datasets.validate(ds);
        return ds;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int dims() {
        return dims;
    }

    @Override
    public boolean isFloat() {
        return fvals != null;
    }

    /** @return the backing double array (not a copy), or null when the storage is float */
    public double[] doubleArray() {
        return dvals;
    }

    /** @return the backing float array (not a copy), or null when the storage is double */
    public float[] floatArray() {
        return fvals;
    }

    @Override
    public void read(long start, int count, double[] dst, int off) {
        int from = Math.toIntExact(start * dims);
        int len = count * dims;
        if (dvals != null) {
            System.arraycopy(dvals, from, dst, off, len);
        } else {
            for (int i = 0; i < len; i++) {
                dst[off + i] = fvals[from + i];
            }
        }
    }

    @Override
    public void read(long start, int count, float[] dst, int off) {
        int from = Math.toIntExact(start * dims);
        int len = count * dims;
        if (fvals != null) {
            System.arraycopy(fvals, from, dst, off, len);
        } else {
            for (int i = 0; i < len; i++) {
                dst[off + i] = (float) dvals[from + i];
            }
        }
    }

    @Override
    public boolean hasWeights() {
        return weights != null;
    }

    @Override
    public void readWeights(long start, int count, double[] dst, int off) {
        if (weights == null) {
            Arrays.fill(dst, off, off + count, 1.0);
        } else {
            System.arraycopy(weights, Math.toIntExact(start), dst, off, count);
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
