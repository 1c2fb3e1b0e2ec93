package org.emgmm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuBackend#prepareGrouped} (emgmm-spark's per-task pass): one group of the usual chunks is the ordinary
 * pass bit for bit; several groups are each their chunks merged in order, the same bits at 1 and 3 threads.
 */
class GroupedPassTest {
    private static final int N = 5000;

    private static void assertSameBits(SufficientStatistics a, SufficientStatistics b) {
        assertArrayEquals(a.s0, b.s0);
        assertArrayEquals(a.s1, b.s1);
        assertArrayEquals(a.s2, b.s2);
        assertEquals(Double.doubleToRawLongBits(a.logLik), Double.doubleToRawLongBits(b.logLik));
        assertEquals(Double.doubleToRawLongBits(a.weightSum), Double.doubleToRawLongBits(b.weightSum));
    }

    @Test
    void oneGroupOfTheUsualChunksIsThePass() {
        CpuBackendTest.Problem p = CpuBackendTest.problem(7, N, 3, 4, CovarianceType.FULL, true);
        try (CpuBackend cpu = new CpuBackend(2, Precision.DOUBLE)) {
            SufficientStatistics ref = cpu.prepare(p.data, 4, CovarianceType.FULL).accumulate(p.params);
            long[] chunks = CpuBackend.chunkStarts(N);
            SufficientStatistics[] got = cpu.prepareGrouped(p.data, 4, CovarianceType.FULL, chunks,
                    new int[] {0, chunks.length - 1}, CpuBackend.meanWeight(p.data)).accumulateGroups(p.params);
            assertEquals(1, got.length);
            assertSameBits(ref, got[0]);
        }
    }

    @Test
    void eachGroupIsItsChunksMergedInOrderAtAnyThreadCount() {
        CpuBackendTest.Problem p = CpuBackendTest.problem(8, N, 3, 4, CovarianceType.DIAG, false);
        long[] chunks = {0, 700, 1300, 2048, 2100, 4000, N};
        int[] groups = {0, 2, 3, 6};
        SufficientStatistics[] one;
        try (CpuBackend cpu1 = new CpuBackend(1, Precision.DOUBLE)) {
            one = cpu1.prepareGrouped(p.data, 4, CovarianceType.DIAG, chunks, groups, 1.0)
                    .accumulateGroups(p.params);
            // group 0 by hand: chunks [0, 700) and [700, 1300), each a pass of its own, merged
            Kernel k = cpu1.kernel(p.data, 4, CovarianceType.DIAG);
            Params ps = new Params(p.params, false, 1.0);
            SufficientStatistics a = new SufficientStatistics(4, 3, CovarianceType.DIAG);
            k.run(ps, 0, 700, a);
            SufficientStatistics b = new SufficientStatistics(4, 3, CovarianceType.DIAG);
            k.run(ps, 700, 1300, b);
            assertSameBits(a.merge(b), one[0]);
        }
        try (CpuBackend cpu3 = new CpuBackend(3, Precision.DOUBLE)) {
            SufficientStatistics[] three = cpu3.prepareGrouped(p.data, 4, CovarianceType.DIAG, chunks, groups, 1.0)
                    .accumulateGroups(p.params);
            assertEquals(3, three.length);
            for (int g = 0; g < 3; g++) {
                assertSameBits(one[g], three[g]);
            }
            assertEquals(700 + 600, one[0].weightSum, 1e-9);
            assertThrows(IllegalArgumentException.class, () -> cpu3.prepareGrouped(p.data, 4, CovarianceType.DIAG,
                    new long[] {0, 10, 10, N}, new int[] {0, 3}, 1.0));
            assertThrows(IllegalArgumentException.class, () -> cpu3.prepareGrouped(p.data, 4, CovarianceType.DIAG,
                    chunks, new int[] {0, 5}, 1.0));
        }
    }
}
