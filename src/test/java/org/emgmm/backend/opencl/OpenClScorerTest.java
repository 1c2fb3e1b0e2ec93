package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.emgmm.MixtureModel;
import org.emgmm.ModelScorer;
import org.emgmm.ScalarReference;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreBlock;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.Scorer;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL backend scores on the device (its own {@link OpenClScorer}, not the CPU default), in chunks of
 * {@value OpenClScorer#CHUNK_ROWS} rows handed over in row order; its numbers against the scalar reference for
 * every covariance type are in {@code ScoringContractTest}.
 */
class OpenClScorerTest {

    @Test
    void scoresOnTheDeviceInRowOrderedChunks() {
        DeviceInfo dev = OpenClTestSupport.device();
        Precision p = dev.fp64() ? Precision.DOUBLE : Precision.FLOAT;
        int n = 2 * OpenClScorer.CHUNK_ROWS + 123;
        ArrayDataset data = OpenClTestSupport.blobs(n, 3, 4, 2.0, 11);
        MixtureModel m = MixtureModel.of(CovarianceType.DIAG, new double[] {0.25, 0.25, 0.25, 0.25},
                new double[] {0, 0, 0, 2, 2, 2, -2, 0, 2, 4, -4, 0}, new double[] {1, 1, 1, 2, 2, 2, 1, 2, 1, 3, 1, 1});
        try (OpenClBackend b = OpenClBackend.create(dev, p, 0);
             Scorer s = b.scorer(data, 4, CovarianceType.DIAG)) {
            assertTrue(s instanceof OpenClScorer, s.getClass().getName());
        }
        try (OpenClBackend b = OpenClBackend.create(dev, p, 0)) {
            List<Long> starts = new java.util.ArrayList<>();
            int[] labels = new int[n];
            new ModelScorer(m, b).stream(data, EnumSet.of(RowOutput.LABEL), ScoreSink.inOrder((ScoreBlock blk) -> {
                starts.add(blk.start());
                System.arraycopy(blk.labels(), 0, labels, (int) blk.start(), blk.count());
            }));
            assertEquals(List.of(0L, (long) OpenClScorer.CHUNK_ROWS, 2L * OpenClScorer.CHUNK_ROWS), starts);
            ScalarReference ref = new ScalarReference(m, data);
            int differ = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] != ref.labels[i] && !ref.nearTie(i, 1e-4)) {
                    differ++;
                }
            }
            assertEquals(0, differ);
            assertArrayEquals(ref.logProb, new ModelScorer(m, b).scoreSamples(data), p == Precision.DOUBLE ? 1e-11
                    : 1e-4);
        }
    }
}
