package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.junit.jupiter.api.Test;

/** The launch arithmetic, on made-up devices (no OpenCL needed). */
class KernelPlanTest {
    static DeviceInfo gpu() {
        return new DeviceInfo(0, "Fake", "Fake GPU", "Fake", "GPU", "OpenCL 3.0", 80L << 30, 20L << 30, 48 << 10,
                132, 1024, true, null, null);
    }

    static DeviceInfo cpu() {
        return new DeviceInfo(0, "Fake", "Fake CPU", "Fake", "CPU", "OpenCL 3.0", 4L << 30, 2L << 30, 512 << 10,
                2, 4096, true, null, null);
    }

    /** Regression: a shorter last chunk may use more work-groups than a full one; the partials must hold them. */
    @Test
    void partialsHoldEveryChunksGroups() {
        for (long cap : new long[] {40_000, 100_000, 300_000}) {
            KernelPlan p = KernelPlan.of(cpu(), Precision.DOUBLE, 20_000, 3, 3, CovarianceType.DIAG, true, cap);
            assertFalse(p.resident);
            for (long rows = 1; rows <= p.chunkRows; rows++) {
                int g = p.groups(rows);
                assertTrue(g <= p.maxGroupsPerLaunch(), p + " rows " + rows);
                assertTrue((long) g * p.tilesPerGroup(rows) * p.tile >= rows, "rows covered");
            }
        }
    }

    @Test
    void targetShapesOnAGpu() {
        KernelPlan diag = KernelPlan.of(gpu(), Precision.FLOAT, 100_000_000, 16, 16, CovarianceType.DIAG, false, 0);
        assertTrue(diag.resident, diag.toString());
        assertEquals(256, diag.wgs);
        assertEquals(1, diag.compTiles);
        assertEquals(16 * 33 + 2, diag.entries);
        assertEquals(16 * 17 + 2, diag.slots);
        assertEquals(2, diag.apt);
        KernelPlan full = KernelPlan.of(gpu(), Precision.FLOAT, 10_000_000, 16, 16, CovarianceType.FULL, false, 0);
        assertEquals(2, full.compTiles, full.toString());
        assertTrue(full.apt <= KernelPlan.MAX_APT, full.toString());
        long localBytes = (long) (16 + full.kt + 2) * (full.tile + 4) * 4;
        assertTrue(localBytes <= 48 << 10, full.toString());
        // over the allocation limit: streamed in chunks that each fit one allocation
        KernelPlan big = KernelPlan.of(gpu(), Precision.FLOAT, 1_000_000_000, 16, 16, CovarianceType.DIAG, false, 0);
        assertFalse(big.resident);
        assertTrue(big.chunkRows * 16 * 4 <= KernelPlan.MAX_CHUNK_BYTES, big.toString());
        assertEquals((1_000_000_000 + big.chunkRows - 1) / big.chunkRows, big.chunks);
    }

    @Test
    void tooLargeDimensionIsAClearError() {
        OpenClException e = assertThrows(OpenClException.class, () -> KernelPlan.of(gpu(), Precision.DOUBLE, 10,
                5000, 2, CovarianceType.DIAG, false, 0));
        assertTrue(e.getMessage().contains("D = 5000 is too large"), e.getMessage());
    }
}
