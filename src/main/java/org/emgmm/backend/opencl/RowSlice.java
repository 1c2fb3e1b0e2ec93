package org.emgmm.backend.opencl;

import org.emgmm.data.Dataset;

/**
 * Rows {@code [first, first + rows)} of another dataset, as a dataset of its own: the share of one device in a fit
 * over several. Nothing is copied; reads go to the parent (safe for concurrent reads as the parent is).
 */
final class RowSlice implements Dataset {
    private final Dataset parent;
    private final long first;
    private final long rows;

    /**
     * @param parent the whole dataset
     * @param first first row of the slice
     * @param rows rows in the slice, at least 1
     */
    RowSlice(Dataset parent, long first, long rows) {
        if (first < 0 || rows < 1 || first + rows > parent.rows()) {
            throw new IllegalArgumentException("rows [" + first + ", " + (first + rows) + ") are not within the "
                    + parent.rows() + " rows of " + parent.describe());
        }
        this.parent = parent;
        this.first = first;
        this.rows = rows;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int dims() {
        return parent.dims();
    }

    @Override
    public boolean isFloat() {
        return parent.isFloat();
    }

    @Override
    public void read(long start, int count, double[] dst, int off) {
        check(start, count);
        parent.read(first + start, count, dst, off);
    }

    @Override
    public void read(long start, int count, float[] dst, int off) {
        check(start, count);
        parent.read(first + start, count, dst, off);
    }

    @Override
    public boolean hasWeights() {
        return parent.hasWeights();
    }

    @Override
    public void readWeights(long start, int count, double[] dst, int off) {
        check(start, count);
        parent.readWeights(first + start, count, dst, off);
    }

    private void check(long start, int count) {
        if (start < 0 || count < 0 || start + count > rows) {
            throw new IndexOutOfBoundsException("rows [" + start + ", " + (start + count) + ") of a slice of "
                    + rows + " rows");
        }
    }

    @Override
    public String describe() {
        return parent.describe() + " rows " + first + ".." + (first + rows - 1);
    }
}
