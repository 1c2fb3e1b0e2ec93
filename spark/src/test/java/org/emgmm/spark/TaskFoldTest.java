package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task that holds packed partitions 0..m-1 adds their statistics itself (one, smaller task result) with the same
 * bits as the driver's additions in partition order; any other task returns its partitions' statistics one by one.
 * Runs the task function directly (no Spark job), on the CPU backend with 2 threads.
 */
class TaskFoldTest {
    private static final int D = 3;
    private static final int K = 4;
    private static final String FIT = "task-fold-test";

    @AfterEach
    void release() {
        TaskBackends.release(FIT);
    }

    /** Three packed partitions of uneven sizes (so each is cut into chunks of its own). */
    private static List<PackedPartition> partitions() {
        ArrayDataset data = SyntheticMixture.generate(7000, D, K, 5, false);
        double[] x = data.doubleArray();
        int[] bounds = {0, 1500, 4100, 7000};
        List<PackedPartition> parts = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            List<Row> rows = new ArrayList<>();
            for (int r = bounds[p]; r < bounds[p + 1]; r++) {
                double[] v = new double[D];
                System.arraycopy(x, r * D, v, 0, D);
                rows.add(RowFactory.create(Vectors.dense(v)));
            }
            parts.add(PackedPartition.pack(p, rows.iterator(), "features", null, false));
        }
        return parts;
    }

    private static Messages.Params params() {
        double[] w = new double[K];
        double[] means = new double[K * D];
        double[] cov = new double[K * D * D];
        for (int c = 0; c < K; c++) {
            w[c] = 1.0 / K;
            for (int a = 0; a < D; a++) {
                means[c * D + a] = c - 1.5 + 0.1 * a;
                cov[c * D * D + a * D + a] = 1.0 + 0.25 * c;
            }
        }
        return new Messages.Params(Gaussians.of(CovarianceType.FULL, w, means, cov, 0));
    }

    /** All 7000 rows as one packed partition. */
    private static PackedPartition whole() {
        double[] x = SyntheticMixture.generate(7000, D, K, 5, false).doubleArray();
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 7000; r++) {
            double[] v = new double[D];
            System.arraycopy(x, r * D, v, 0, D);
            rows.add(RowFactory.create(Vectors.dense(v)));
        }
        return PackedPartition.pack(0, rows.iterator(), "features", null, false);
    }

    private static SparkPass.TaskPass task(Messages.Params ps, boolean fold) {
        return new SparkPass.TaskPass(ps, null, FIT, K, D, CovarianceType.FULL, BackendKind.CPU, Precision.DOUBLE, 2,
                fold, new SparkPass.Rows(7000, 1.0, new long[] {0, 1500, 4100}, null));
    }

    @Test
    void aTaskHoldingTheFirstPartitionsAddsThemWithTheDriversBits() {
        List<PackedPartition> parts = partitions();
        Messages.Params ps = params();
        // the driver's additions: one result per partition, added in partition order
        Messages.Stats[] each = task(ps, false).statsOf(parts.iterator());
        assertEquals(3, each.length);
        Messages.Stats driver = each[0];
        driver.merge(each[1]).merge(each[2]);
        // the same partitions in one task, in another order: one result
        Messages.Stats[] folded = task(ps, true).statsOf(List.of(parts.get(2), parts.get(0), parts.get(1))
                .iterator());
        assertEquals(1, folded.length);
        assertEquals(0, folded[0].index);
        assertArrayEquals(driver.s0, folded[0].s0);
        assertArrayEquals(driver.s1, folded[0].s1);
        assertArrayEquals(driver.s2, folded[0].s2);
        assertEquals(Double.doubleToRawLongBits(driver.logLik), Double.doubleToRawLongBits(folded[0].logLik));
        assertEquals(Double.doubleToRawLongBits(driver.weightSum), Double.doubleToRawLongBits(folded[0].weightSum));
        assertEquals(7000.0, folded[0].weightSum);
    }

    @Test
    void aTaskNotHoldingPartitionZeroReturnsEachPartition() {
        List<PackedPartition> parts = partitions();
        Messages.Stats[] out = task(params(), true).statsOf(List.of(parts.get(1), parts.get(2)).iterator());
        assertEquals(2, out.length);
        assertEquals(1, out[0].index);
        assertEquals(2, out[1].index);
    }

    @Test
    void prefixMeansPartitionsZeroToMMinusOne() {
        Messages.Params ps = params();
        List<PackedPartition> parts = partitions();
        Messages.Stats[] each = task(ps, false).statsOf(parts.iterator());
        assertTrue(SparkPass.prefix(List.of(each[0], each[1], each[2])));
        assertTrue(SparkPass.prefix(List.of(each[0])));
        assertFalse(SparkPass.prefix(List.of(each[0], each[2])));
        assertFalse(SparkPass.prefix(List.of(each[1], each[2])));
        assertFalse(SparkPass.prefix(List.of()));
    }

    /**
     * A partition's statistics are the same bits whichever partitions share its task (the chunks follow the whole
     * data's grid, not the task's rows).
     */
    @Test
    void aPartitionsStatisticsAreTheSameBitsInAnyTask() {
        List<PackedPartition> parts = partitions();
        Messages.Params ps = params();
        Messages.Stats inAll = task(ps, false).statsOf(parts.iterator())[1];
        Messages.Stats alone = task(ps, false).statsOf(List.of(parts.get(1)).iterator())[0];
        Messages.Stats withTwo = task(ps, false).statsOf(List.of(parts.get(2), parts.get(1)).iterator())[0];
        for (Messages.Stats other : new Messages.Stats[] {alone, withTwo}) {
            assertEquals(1, other.index);
            assertArrayEquals(inAll.s0, other.s0);
            assertArrayEquals(inAll.s1, other.s1);
            assertArrayEquals(inAll.s2, other.s2);
            assertEquals(Double.doubleToRawLongBits(inAll.logLik), Double.doubleToRawLongBits(other.logLik));
        }
        assertEquals(2600.0, inAll.weightSum);
    }

    /** With the data in one partition a task's statistics are the single-machine CPU pass's, bit for bit. */
    @Test
    void onePartitionIsTheSingleMachinePass() {
        Messages.Params ps = params();
        SparkPass.TaskPass one = new SparkPass.TaskPass(ps, null, FIT, K, D, CovarianceType.FULL, BackendKind.CPU,
                Precision.DOUBLE, 2, true, new SparkPass.Rows(7000, 1.0, new long[] {0}, null));
        Messages.Stats got = one.statsOf(List.of(whole()).iterator())[0];
        try (CpuBackend cpu = new CpuBackend(2, Precision.DOUBLE)) {
            SufficientStatistics ref = cpu.prepare(SyntheticMixture.generate(7000, D, K, 5, false), K,
                    CovarianceType.FULL).accumulate(ps.gaussians());
            assertArrayEquals(ref.s0, got.s0);
            assertArrayEquals(ref.s1, got.s1);
            assertArrayEquals(ref.s2, got.s2);
            assertEquals(Double.doubleToRawLongBits(ref.logLik), Double.doubleToRawLongBits(got.logLik));
        }
    }

    /**
     * A task's chunks are the whole data's chunk grid ({@link CpuBackend#chunkStarts} of all rows) cut again at the
     * partition boundaries, whichever partitions the task holds.
     */
    @Test
    void chunksFollowTheWholeDataGrid() {
        long[] grid = CpuBackend.chunkStarts(7000);
        assertEquals(29, grid.length); // 28 blocks of 256 rows: one chunk each
        TaskChunks all = TaskChunks.of(7000, new long[] {0, 1500, 4100}, new int[] {1500, 2600, 2900});
        java.util.TreeSet<Long> expected = new java.util.TreeSet<>();
        for (long g : grid) {
            expected.add(g);
        }
        expected.add(1500L);
        expected.add(4100L);
        assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(), all.chunkStart);
        // partition 1 alone: grid points inside [1500, 4100), shifted to its own rows
        TaskChunks mid = TaskChunks.of(7000, new long[] {1500}, new int[] {2600});
        long[] inside = expected.subSet(1500L, true, 4100L, true).stream().mapToLong(g -> g - 1500).toArray();
        assertArrayEquals(inside, mid.chunkStart);
        assertArrayEquals(new int[] {0, mid.chunkStart.length - 1}, mid.groupStart);
        // groups: each partition's chunks, in order
        int p1 = java.util.Arrays.binarySearch(all.chunkStart, 1500);
        int p2 = java.util.Arrays.binarySearch(all.chunkStart, 4100);
        assertArrayEquals(new int[] {0, p1, p2, all.chunkStart.length - 1}, all.groupStart);
    }
}
