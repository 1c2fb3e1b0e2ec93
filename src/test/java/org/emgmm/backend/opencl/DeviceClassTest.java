package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.junit.jupiter.api.Test;

/**
 * The device classes' defaults (bench/results/tuning-defaults.md) on made-up devices: the class is chosen by vendor
 * and type, and each class's plan keeps the properties its reasoning asks for. No OpenCL needed.
 */
class DeviceClassTest {
    /** H200 as NVIDIA's OpenCL reports it: 132 SMs, 48 KB local per group, 1024 work-items. */
    static DeviceInfo nvidia() {
        return new DeviceInfo(0, "NVIDIA CUDA", "NVIDIA H200", "NVIDIA Corporation", "GPU", "OpenCL 3.0 CUDA",
                140L << 30, 35L << 30, 48 << 10, 132, 1024, 65536, true, null, null);
    }

    /** MI300X as ROCm reports it: 304 CUs, 64 KB LDS, work-groups of up to 256. */
    static DeviceInfo amd() {
        return new DeviceInfo(0, "AMD Accelerated Parallel Processing", "gfx942", "Advanced Micro Devices, Inc.",
                "GPU", "OpenCL 2.0", 192L << 30, 160L << 30, 64 << 10, 304, 256, 65536, true, null, null);
    }

    /** An Arc A770 as Intel's runtime reports it: 512 EUs as compute units, 64 KB SLM, 1024 work-items, 4 GB alloc. */
    static DeviceInfo intel() {
        return new DeviceInfo(0, "Intel(R) OpenCL Graphics", "Intel(R) Arc(TM) A770 Graphics", "Intel(R) Corporation",
                "GPU", "OpenCL 3.0 NEO", 16L << 30, 4L << 30, 64 << 10, 512, 1024, 65536, false, null, null);
    }

    /** PoCL on an AMD CPU: the vendor says AMD, the type says CPU. */
    static DeviceInfo poclOnAmd() {
        return new DeviceInfo(0, "Portable Computing Language", "cpu-znver3", "AuthenticAMD", "CPU", "OpenCL 3.0",
                64L << 30, 16L << 30, 512 << 10, 16, 4096, 65536, true, null, null);
    }

    @Test
    void classComesFromVendorAndType() {
        assertEquals(DeviceClass.NVIDIA, DeviceClass.of(nvidia()));
        assertEquals(DeviceClass.AMD, DeviceClass.of(amd()));
        assertEquals(DeviceClass.INTEL_GPU, DeviceClass.of(intel()));
        assertEquals(DeviceClass.CPU, DeviceClass.of(poclOnAmd()));
        assertEquals(DeviceClass.OTHER_GPU, DeviceClass.of(KernelPlanTest.gpu()));
        assertEquals(DeviceClass.CPU, DeviceClass.of(KernelPlanTest.cpu()));
    }

    @Test
    void nvidiaKeepsWarpMultiplesAndFillsSms() {
        KernelPlan full = KernelPlan.of(nvidia(), Precision.FLOAT, 10_000_000, 16, 16, CovarianceType.FULL, false, 0);
        assertEquals(64, full.wgs, full.toString());
        assertEquals(0, full.accWgs % 32, full.toString());
        assertEquals(132 * 16, full.maxGroups);
        assertTrue(full.source.contains("nvidia"), full.source);
    }

    /**
     * The plans measured best on an H200 (bench/results/opencl-h200-2026-12-04.md): the smallest accumulation
     * group that holds one component's register tiles at one per item, even at the price of more launches, and never
     * two tiles per item (they spill).
     */
    @Test
    void nvidiaTakesTheSmallestAccumulationGroupThatHoldsAComponent() {
        KernelPlan diag = KernelPlan.of(nvidia(), Precision.FLOAT, 100_000_000, 16, 16, CovarianceType.DIAG, false, 0);
        assertEquals(64, diag.accWgs, diag.toString());      // 32 tasks (all 16 components) in 2 phases
        assertEquals(1, diag.compTiles, diag.toString());
        assertEquals(2, diag.nph, diag.toString());
        KernelPlan full = KernelPlan.of(nvidia(), Precision.FLOAT, 10_000_000, 16, 16, CovarianceType.FULL, false, 0);
        assertEquals(64, full.accWgs, full.toString());      // 10 tasks per component: 6 components per launch
        assertEquals(6, full.kt, full.toString());
        assertEquals(3, full.compTiles, full.toString());
        assertEquals(1, full.apt, full.toString());
        KernelPlan wide = KernelPlan.of(nvidia(), Precision.FLOAT, 1_000_000, 64, 64, CovarianceType.FULL, false, 0);
        assertEquals(160, wide.accWgs, wide.toString());     // 136 tasks per component: the smallest group above
        assertEquals(1, wide.apt, wide.toString());
        KernelPlan huge = KernelPlan.of(nvidia(), Precision.FLOAT, 100_000, 128, 4, CovarianceType.FULL, false, 0);
        assertEquals(192, huge.accWgs, huge.toString());     // 528 tasks: no group holds one; the usual score
        assertEquals(3, huge.apt, huge.toString());          // (fewest idle: 528 of 3 x 192)
    }

    @Test
    void amdUsesWholeWavefrontsAndLeavesLdsForTwoGroups() {
        for (CovarianceType t : new CovarianceType[] {CovarianceType.DIAG, CovarianceType.FULL}) {
            KernelPlan p = KernelPlan.of(amd(), Precision.FLOAT, 10_000_000, 16, 16, t, false, 0);
            assertEquals(0, p.accWgs % 64, p.toString());
            assertTrue(p.wgs <= 256, p.toString());
            // estep's local tiles: x (dp rows x tile+4) and the log-densities; two groups fit a CU's 64 KB
            long estepLocal = ((long) p.dp * (p.tile + 4) + Math.max((long) p.tile * p.kp, 2L * p.wgs)) * 4;
            long accumLocal = (long) (p.dp + (p.kt + 1) / 2 * 2) * (p.accTile + 4) * 4;
            assertTrue(2 * estepLocal <= 64 << 10, p + " estep local " + estepLocal);
            assertTrue(2 * accumLocal <= 64 << 10, p + " accum local " + accumLocal);
            assertEquals(304 * 8, p.maxGroups);
        }
    }

    @Test
    void intelCountsEusAndKeepsScratchSmall() {
        KernelPlan p = KernelPlan.of(intel(), Precision.FLOAT, 50_000_000, 16, 16, CovarianceType.DIAG, false, 0);
        assertEquals(512 * 2, p.maxGroups, p.toString());
        assertTrue(p.scratchRows * 16 * 4 <= 1L << 28, p.toString());
        assertEquals(0, p.accWgs % 16, p.toString());
    }

    @Test
    void cpuDevicesKeepTheLoopShapedPlanWhateverTheVendor() {
        KernelPlan p = KernelPlan.of(poclOnAmd(), Precision.DOUBLE, 100_000, 16, 16, CovarianceType.FULL, false, 0);
        assertEquals(128, p.wgs, p.toString());
        assertEquals(128, p.accWgs, p.toString());
        assertEquals(16 * 4, p.maxGroups);
        assertTrue(p.scratchRows * 16 * 8 <= KernelPlan.CPU_SCRATCH_BYTES, p.toString());
    }

    /** Explicit values win over the class; a tuned tile is lowered to what fits, an explicit one is kept. */
    @Test
    void overridesWinAndTunedTilesAreBounds() {
        KernelPlan o = KernelPlan.of(amd(), Precision.FLOAT, 1_000_000, 16, 16, CovarianceType.DIAG, false, 0,
                PlanOverride.none().withWorkGroupSize(128).withTasksPerItem(2));
        assertEquals(128, o.wgs);
        assertEquals(128, o.accWgs);
        assertEquals("override", o.source);
        KernelPlan fits = KernelPlan.of(nvidia(), Precision.DOUBLE, 1_000_000, 64, 64, CovarianceType.FULL, false, 0);
        PlanOverride big = PlanOverride.none().withTileRows(1024);
        KernelPlan tuned = KernelPlan.of(nvidia(), Precision.DOUBLE, 1_000_000, 64, 64, CovarianceType.FULL, false,
                0, big.asTuned(), "test");
        assertEquals(fits.tile, tuned.tile, tuned.toString());
        assertEquals(fits.accTile, tuned.accTile, tuned.toString());
        KernelPlan explicit = KernelPlan.of(nvidia(), Precision.DOUBLE, 1_000_000, 64, 64, CovarianceType.FULL,
                false, 0, big);
        assertEquals(1024, explicit.tile);
        KernelPlan smaller = KernelPlan.of(nvidia(), Precision.DOUBLE, 1_000_000, 64, 64, CovarianceType.FULL, false,
                0, PlanOverride.none().withTileRows(8).asTuned(), "test");
        assertEquals(8, smaller.tile);
    }

    @Test
    void settingBecomesTheSameOverride() {
        org.emgmm.config.OpenClPlan s = org.emgmm.config.OpenClPlan.auto().withWorkGroupSize(64).withTasksPerItem(2)
                .withTileRows(32).withScratchRows(4096).withPinnedStaging(false);
        assertEquals(PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(2).withTileRows(32)
                .withScratchRows(4096).withPinnedStaging(false), PlanOverride.of(s));
        assertTrue(PlanOverride.of(org.emgmm.config.OpenClPlan.auto()).isNone());
        PlanOverride merged = PlanOverride.none().withWorkGroupSize(64)
                .orElse(PlanOverride.none().withWorkGroupSize(256).withTasksPerItem(4).asTuned());
        assertEquals(64, merged.workGroupSize());
        assertEquals(4, merged.tasksPerItem());
    }
}
