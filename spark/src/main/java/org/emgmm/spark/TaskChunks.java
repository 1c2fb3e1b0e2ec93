package org.emgmm.spark;

import java.util.Arrays;
import java.util.List;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.data.Dataset;

/**
 * How one task's packed partitions are cut into the CPU backend's chunks: on the grid the single-machine pass uses
 * for the whole data ({@link CpuBackend#chunkStarts} of all N rows, global row numbers), cut again at the partition
 * boundaries. A chunk is so a function of the data and its partitioning alone, never of which task holds the
 * partition or of the thread count, and each partition's statistics (its chunks merged in order) are the same bits
 * in any layout; with one partition they are the single-machine pass's chunks. A partition of n rows of N is cut
 * into about 64·n/N + 1 chunks, so a task's chunks in all number about 64 plus its partitions, where chunking each
 * partition on its own grid gives up to 64 per partition.
 */
final class TaskChunks {
    /** Chunk c is rows [chunkStart[c], chunkStart[c + 1]) of the task's partitions, concatenated in order. */
    final long[] chunkStart;
    /** Partition i of the task is chunks [groupStart[i], groupStart[i + 1]). */
    final int[] groupStart;

    private TaskChunks(long[] chunkStart, int[] groupStart) {
        this.chunkStart = chunkStart;
        this.groupStart = groupStart;
    }

    /**
     * @param totalRows N, the rows of all partitions
     * @param offsets the global row of each of the task's partitions' first row, in the order they are concatenated
     * @param rows each of those partitions' rows (each at least 1)
     * @return the chunks and the partitions' groups of chunks
     */
    static TaskChunks of(long totalRows, long[] offsets, int[] rows) {
        long[] grid = CpuBackend.chunkStarts(totalRows);
        long[] starts = new long[grid.length + 2 * offsets.length];
        int[] groups = new int[offsets.length + 1];
        int c = 0;
        long base = 0;
        for (int i = 0; i < offsets.length; i++) {
            long from = offsets[i];
            long to = from + rows[i];
            groups[i] = c;
            starts[c++] = base;
            // the grid points strictly inside the partition
            int g = Arrays.binarySearch(grid, from + 1);
            for (g = g < 0 ? -g - 1 : g; g < grid.length && grid[g] < to; g++) {
                starts[c++] = base + grid[g] - from;
            }
            base += rows[i];
        }
        groups[offsets.length] = c;
        starts[c++] = base;
        return new TaskChunks(Arrays.copyOf(starts, c), groups);
    }

    /** The rows of several packed partitions as one {@link Dataset}, in the given order, without copying them. */
    static final class Concatenated implements Dataset {
        private final Dataset[] parts;
        /** First row of each part, and the total rows last. */
        private final long[] first;

        /** @param parts the partitions' rows (at least one; same features, storage and weighting) */
        Concatenated(List<? extends Dataset> parts) {
            this.parts = parts.toArray(new Dataset[0]);
            this.first = new long[this.parts.length + 1];
            for (int i = 0; i < this.parts.length; i++) {
                first[i + 1] = first[i] + this.parts[i].rows();
            }
        }

        @Override
        public long rows() {
            return first[parts.length];
        }

        @Override
        public int dims() {
            return parts[0].dims();
        }

        @Override
        public boolean isFloat() {
            return parts[0].isFloat();
        }

        @Override
        public boolean hasWeights() {
            return parts[0].hasWeights();
        }

        /** @return the part holding row {@code r} */
        private int part(long r) {
            int i = Arrays.binarySearch(first, r);
            i = i < 0 ? -i - 2 : i;
            while (i < parts.length - 1 && first[i + 1] == r) {
                i++; // an empty part starts where the next one does
            }
            return i;
        }

        @Override
        public void read(long start, int count, double[] dst, int off) {
            across(start, count, off, dims(), (part, s, n, o) -> part.read(s, n, dst, o));
        }

        @Override
        public void read(long start, int count, float[] dst, int off) {
            across(start, count, off, dims(), (part, s, n, o) -> part.read(s, n, dst, o));
        }

        @Override
        public void readWeights(long start, int count, double[] dst, int off) {
            across(start, count, off, 1, (part, s, n, o) -> part.readWeights(s, n, dst, o));
        }

        /**
         * Rows {@code [start, start + count)} read part by part: each part's share of them through {@code read}, into
         * the destination from {@code off}, which advances {@code stride} values a row.
         */
        private void across(long start, int count, int off, int stride, PartRead read) {
            while (count > 0) {
                int i = part(start);
                int n = (int) Math.min(count, first[i + 1] - start);
                read.read(parts[i], start - first[i], n, off);
                start += n;
                count -= n;
                off += n * stride;
            }
        }

        /** Reads {@code n} rows of a part from its row {@code start} to destination offset {@code off}. */
        @FunctionalInterface
        private interface PartRead {
            void read(Dataset part, long start, int n, int off);
        }

        @Override
        public String describe() {
            return parts.length == 1 ? parts[0].describe() : parts.length + " Spark partitions";
        }
    }
}
