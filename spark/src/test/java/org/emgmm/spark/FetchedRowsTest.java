package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.Initializer;
import org.junit.jupiter.api.Test;

/**
 * The driver's view of the sampled rows ({@link FetchedRows}): the rows are fetched (a Spark job on a cluster) only
 * when the initialiser first reads its sample, and at most once; a complete start reads none; the start is the one
 * an initialiser over the whole data gives.
 */
class FetchedRowsTest {
    @Test
    void rowsAreFetchedOnFirstReadOnlyAndOnce() {
        int n = 200;
        int d = 2;
        double[] x = new double[n * d];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian() + (i % 7);
        }
        AtomicInteger fetches = new AtomicInteger();
        FetchedRows.Served served = new FetchedRows.Served(n, d, false, () -> {
            fetches.incrementAndGet();
            FetchedRows.Recorder rec = new FetchedRows.Recorder(n, d, false);
            new Initializer(rec, 3).draw();
            Map<Long, PackedPartition.SampledRow> byRow = new TreeMap<>();
            for (long r : rec.wanted()) {
                double[] row = new double[d];
                System.arraycopy(x, (int) r * d, row, 0, d);
                byRow.put(r, new PackedPartition.SampledRow(r, row, 1.0));
            }
            return byRow;
        });
        Initializer init = new Initializer(served, 3);
        Gaussians want = new Initializer(ArrayDataset.of(x, d, null), 3).initialize(2, CovarianceType.DIAG,
                InitMethod.KMEANS_PLUSPLUS, 1e-6, null, null, null, new SplittableRandom(1));

        init.initialize(2, CovarianceType.DIAG, InitMethod.KMEANS_PLUSPLUS, 1e-6, want.weights, want.means,
                want.covariances, new SplittableRandom(1));
        assertEquals(0, fetches.get(), "a complete start fetches no rows");

        Gaussians got = init.initialize(2, CovarianceType.DIAG, InitMethod.KMEANS_PLUSPLUS, 1e-6, null, null, null,
                new SplittableRandom(1));
        assertEquals(1, fetches.get(), "fetched once, on the first read");
        assertArrayEquals(want.means, got.means, 0.0);
        assertArrayEquals(want.covariances, got.covariances, 0.0);
        init.randomRow(new SplittableRandom(2));
        assertEquals(1, fetches.get(), "and not again");
    }
}
