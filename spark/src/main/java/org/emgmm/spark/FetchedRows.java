package org.emgmm.spark;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.emgmm.data.Dataset;

/**
 * The two driver-side views of the distributed rows that let the core's {@link org.emgmm.em.Initializer} draw its
 * sample exactly as on one machine: a {@link Recorder} notes which rows it reads (the values are not needed to
 * choose them), the driver fetches those rows from the partitions, and {@link Served} hands them to a second
 * initialiser with the same seed, which asks for the same rows. Both initialisers draw their samples on first use,
 * so the rows are fetched only when a fit needs the sample.
 */
final class FetchedRows {
    private FetchedRows() {
    }

    /** Answers every read with zeros and records the rows asked for. */
    static final class Recorder implements Dataset {
        private final long rows;
        private final int dims;
        private final boolean weighted;
        private final TreeSet<Long> wanted = new TreeSet<>();

        Recorder(long rows, int dims, boolean weighted) {
            this.rows = rows;
            this.dims = dims;
            this.weighted = weighted;
        }

        /** @return the rows read so far, ascending */
        long[] wanted() {
            return wanted.stream().mapToLong(Long::longValue).toArray();
        }

        private void note(long start, int count) {
            for (long r = start; r < start + count; r++) {
                wanted.add(r);
            }
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
            return false;
        }

        @Override
        public void read(long start, int count, double[] dst, int off) {
            note(start, count);
            Arrays.fill(dst, off, off + count * dims, 0.0);
        }

        @Override
        public void read(long start, int count, float[] dst, int off) {
            note(start, count);
            Arrays.fill(dst, off, off + count * dims, 0f);
        }

        @Override
        public boolean hasWeights() {
            return weighted;
        }

        @Override
        public void readWeights(long start, int count, double[] dst, int off) {
            note(start, count);
            Arrays.fill(dst, off, off + count, 1.0);
        }

        @Override
        public String describe() {
            return "Spark data (" + rows + " rows)";
        }
    }

    /**
     * Serves the fetched rows, fetched on the first read (once); any other row is a programming error.
     */
    static final class Served implements Dataset {
        private final long rows;
        private final int dims;
        private final boolean weighted;
        private final Supplier<Map<Long, PackedPartition.SampledRow>> fetch;
        private Map<Long, PackedPartition.SampledRow> byRow;

        /**
         * @param fetch fetches the rows, by global row index: called at the first read, and only then
         */
        Served(long rows, int dims, boolean weighted, Supplier<Map<Long, PackedPartition.SampledRow>> fetch) {
            this.rows = rows;
            this.dims = dims;
            this.weighted = weighted;
            this.fetch = fetch;
        }

        private synchronized PackedPartition.SampledRow row(long r) {
            if (byRow == null) {
                byRow = fetch.get();
            }
            PackedPartition.SampledRow s = byRow.get(r);
            if (s == null) {
                throw new IllegalStateException("row " + r + " was not fetched for initialisation");
            }
            return s;
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
            return false;
        }

        @Override
        public void read(long start, int count, double[] dst, int off) {
            for (int i = 0; i < count; i++) {
                System.arraycopy(row(start + i).x, 0, dst, off + i * dims, dims);
            }
        }

        @Override
        public void read(long start, int count, float[] dst, int off) {
            for (int i = 0; i < count; i++) {
                double[] x = row(start + i).x;
                for (int a = 0; a < dims; a++) {
                    dst[off + i * dims + a] = (float) x[a];
                }
            }
        }

        @Override
        public boolean hasWeights() {
            return weighted;
        }

        @Override
        public void readWeights(long start, int count, double[] dst, int off) {
            for (int i = 0; i < count; i++) {
                dst[off + i] = row(start + i).weight;
            }
        }

        @Override
        public String describe() {
            return "Spark data (" + rows + " rows)";
        }
    }
}
