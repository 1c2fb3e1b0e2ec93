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
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
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

    private static SparkPass.TaskPass task(Messages.Params ps, boolean fold) {
        return new SparkPass.TaskPass(ps, null, FIT, K, D, CovarianceType.FULL, BackendKind.CPU, Precision.DOUBLE, 2,
                fold);
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
}
