package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.junit.jupiter.api.Test;

/** The launch arithmetic, on made-up devices (no OpenCL needed). */
class KernelPlanTest {
    static DeviceInfo gpu() {
        return new DeviceInfo(0, "Fake", "Fake GPU", "Fake", "GPU", "OpenCL 3.0", 80L << 30, 20L << 30, 48 << 10,
                132, 1024, 65536, true, null, null);
    }

    static DeviceInfo cpu() {
        return new DeviceInfo(0, "Fake", "Fake CPU", "Fake", "CPU", "OpenCL 3.0", 4L << 30, 2L << 30, 512 << 10,
                2, 4096, 65536, true, null, null);
    }

    /** Every chunk's rows are covered by its launches, and no launch needs more groups than the buffers hold. */
    @Test
    void launchesCoverEveryChunk() {
        for (long cap : new long[] {40_000, 100_000, 300_000}) {
            KernelPlan p = KernelPlan.of(cpu(), Precision.DOUBLE, 20_000, 3, 3, CovarianceType.DIAG, true, cap,
                    PlanOverride.none().withScratchRows(1000));
            assertFalse(p.resident);
            assertTrue((long) p.launchesPerChunk * p.scratchRows >= p.chunkRows, p.toString());
            for (long rows = 1; rows <= p.scratchRows; rows += 7) {
                for (int t : new int[] {p.tile, p.accTile}) {
                    int g = p.groups(rows, t);
                    assertTrue(g <= p.maxGroups, p + " rows " + rows);
                    assertTrue((long) g * p.tilesPerGroup(rows, t) * t >= rows, "rows covered");
                }
            }
        }
    }

    /** The shapes on a GPU: one launch of all components, and no idle work-item in accum. */
    @Test
    void targetShapesOnAGpu() {
        KernelPlan diag = KernelPlan.of(gpu(), Precision.FLOAT, 100_000_000, 16, 16, CovarianceType.DIAG, false, 0);
        assertTrue(diag.resident, diag.toString());
        assertEquals(256, diag.wgs);
        assertEquals(1, diag.compTiles);
        assertEquals(16 * 33, diag.entries);
        assertEquals(32, diag.ntask, diag.toString());
        assertEquals(0, diag.accWgs % diag.ntask, diag.toString()); // phases fill the group
        assertTrue(diag.constantParams, diag.toString());
        KernelPlan full = KernelPlan.of(gpu(), Precision.FLOAT, 10_000_000, 16, 16, CovarianceType.FULL, false, 0);
        assertEquals(1, full.compTiles, full.toString());
        assertEquals(160, full.ntask, full.toString());
        assertEquals(160, full.accWgs, full.toString());
        assertEquals(1, full.apt, full.toString());
        long localBytes = (long) (16 + 2 * full.kt) * (full.accTile + 4) * 4;
        assertTrue(localBytes <= 48 << 10, full.toString());
        KernelPlan big = KernelPlan.of(gpu(), Precision.FLOAT, 1_000_000, 64, 64, CovarianceType.FULL, false, 0);
        assertTrue(big.ntask <= big.accWgs * big.apt && big.apt == 1, big.toString());
        assertFalse(big.constantParams, big.toString());
        assertTrue(big.scratchRows * 64 * 4 <= KernelPlan.GPU_SCRATCH_BYTES, big.toString());
        // over the allocation limit (20 GiB) but within the memory (75% of 80 GiB): resident in several buffers,
        // each within one allocation and a whole number of launches
        KernelPlan several = KernelPlan.of(gpu(), Precision.FLOAT, 1_000_000_000, 16, 16, CovarianceType.DIAG, false,
                0);
        assertTrue(several.resident, several.toString());
        assertTrue(several.chunks >= 3 && several.chunkRows * 16 * 4 <= 20L << 30, several.toString());
        assertEquals((1_000_000_000 + several.chunkRows - 1) / several.chunkRows, several.chunks);
        assertEquals(0, several.chunkRows % several.scratchRows, several.toString());
        // over the memory: streamed in chunks that each fit one allocation
        KernelPlan huge = KernelPlan.of(gpu(), Precision.FLOAT, 2_000_000_000, 16, 16, CovarianceType.DIAG, false,
                0);
        assertFalse(huge.resident);
        assertTrue(huge.chunkRows * 16 * 4 <= KernelPlan.MAX_CHUNK_BYTES, huge.toString());
        assertEquals((2_000_000_000 + huge.chunkRows - 1) / huge.chunkRows, huge.chunks);
    }

    @Test
    void tooLargeDimensionIsAClearError() {
        OpenClException e = assertThrows(OpenClException.class, () -> KernelPlan.of(gpu(), Precision.DOUBLE, 10,
                5000, 2, CovarianceType.DIAG, false, 0));
        assertTrue(e.getMessage().contains("D = 5000"), e.getMessage());
    }

    /**
     * The fused plan on an H200-shaped device, diag 1e8 x 16 x 16 float: one kernel at the E step's work-group (64)
     * and tile for both halves, all 16 components in one launch (32 tasks, 2 row phases), " fused" in the
     * description; the default stays two kernels, and full covariance falls back to them.
     */
    @Test
    void fusedPlanSharesTheEstepShape() {
        DeviceInfo h200 = DeviceClassTest.nvidia();
        KernelPlan two = KernelPlan.of(h200, Precision.FLOAT, 100_000_000L, 16, 16, CovarianceType.DIAG, false, 0);
        assertFalse(two.fused);
        assertFalse(two.toString().contains(" fused"), two.toString());
        KernelPlan f = KernelPlan.of(h200, Precision.FLOAT, 100_000_000L, 16, 16, CovarianceType.DIAG, false, 0,
                PlanOverride.none().withFused(true));
        assertTrue(f.fused, f.toString());
        assertTrue(f.toString().contains(" fused"), f.toString());
        assertEquals(64, f.wgs);
        assertEquals(f.wgs, f.accWgs);
        assertEquals(f.tile, f.accTile);
        assertEquals(16, f.kt);
        assertEquals(1, f.compTiles);
        assertEquals(32, f.ntask);
        assertEquals(2, f.nph);
        assertTrue(f.fusedOptions(true).contains("-D NTASK=32 -D APT=1 -D NPH=2"), f.fusedOptions(true));
        KernelPlan full = KernelPlan.of(h200, Precision.FLOAT, 10_000_000L, 16, 16, CovarianceType.FULL, false, 0,
                PlanOverride.none().withFused(true));
        assertFalse(full.fused, full.toString());
        assertEquals(PlanOverride.none().withFused(true), PlanOverride.none().withFused(true));
        assertFalse(PlanOverride.none().withFused(true).isNone());
        assertTrue(PlanOverride.none().withFused(true).toString().contains(" fused"));
    }
}
