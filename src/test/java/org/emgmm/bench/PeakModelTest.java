package org.emgmm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.emgmm.config.Precision;
import org.junit.jupiter.api.Test;

/**
 * The roofline of {@code bench --compare}: the device model against vendors' published peaks, the least time, and
 * the override syntax.
 */
class PeakModelTest {
    /** Relative agreement with a published peak (published figures are rounded to 3 digits). */
    private static final double PUBLISHED = 0.005;

    private static double model(String vendor, String name, int units, int clockMhz, Precision p) {
        return PeakModel.deviceGflops(units, PeakModel.lanesPerUnit("GPU", vendor, name, p, 1, 1), clockMhz);
    }

    @Test
    void gpuModelMatchesPublishedPeaks() {
        // NVIDIA H100 SXM5 datasheet: 132 SMs, boost 1980 MHz; FP32 66.9 TFLOPS, FP64 (non-tensor) 33.5 TFLOPS
        assertEquals(66_900, model("NVIDIA Corporation", "NVIDIA H100 80GB HBM3", 132, 1980, Precision.FLOAT),
                66_900 * PUBLISHED);
        assertEquals(33_500, model("NVIDIA Corporation", "NVIDIA H100 80GB HBM3", 132, 1980, Precision.DOUBLE),
                33_500 * PUBLISHED);
        // NVIDIA A100 datasheet: 108 SMs, boost 1410 MHz; FP32 19.5 TFLOPS, FP64 (non-tensor) 9.7 TFLOPS
        assertEquals(19_500, model("NVIDIA Corporation", "NVIDIA A100-SXM4-40GB", 108, 1410, Precision.FLOAT),
                19_500 * PUBLISHED);
        assertEquals(9_700, model("NVIDIA Corporation", "NVIDIA A100-SXM4-40GB", 108, 1410, Precision.DOUBLE),
                9_700 * PUBLISHED);
        // NVIDIA RTX 4090: 128 SMs, boost 2520 MHz; FP32 82.6 TFLOPS, FP64 1/64 of it (1.29 TFLOPS)
        assertEquals(82_600, model("NVIDIA Corporation", "NVIDIA GeForce RTX 4090", 128, 2520, Precision.FLOAT),
                82_600 * PUBLISHED);
        assertEquals(1_290, model("NVIDIA Corporation", "NVIDIA GeForce RTX 4090", 128, 2520, Precision.DOUBLE),
                1_290 * PUBLISHED);
        // AMD Instinct MI250X: 220 CUs, 1700 MHz; FP32 and FP64 vector 47.9 TFLOPS
        assertEquals(47_900, model("Advanced Micro Devices, Inc.", "gfx90a:sramecc+:xnack-", 220, 1700,
                Precision.DOUBLE), 47_900 * PUBLISHED);
    }

    @Test
    void cpuDeviceUsesTheNativeWidthAndTwoFmaPipes() {
        assertEquals(2 * 8, PeakModel.lanesPerUnit("CPU", "AuthenticAMD", "pthread-znver3", Precision.FLOAT, 8, 4));
        assertEquals(2 * 4, PeakModel.lanesPerUnit("CPU", "AuthenticAMD", "pthread-znver3", Precision.DOUBLE, 8, 4));
        assertEquals(Double.NaN, PeakModel.deviceGflops(4, 8, 0));
    }

    @Test
    void limitIsTheLargerTermAndIgnoresAnUnknownPeak() {
        // 2e9 flops at 1000 GFLOP/s = 2 ms; 3e9 bytes at 1000 GB/s = 3 ms
        assertEquals(3.0, PeakModel.limitMillis(2e9, 3e9, 1000, 1000), 1e-12);
        assertEquals(2.0, PeakModel.limitMillis(2e9, 3e9, 1000, Double.NaN), 1e-12);
        assertEquals(3.0, PeakModel.limitMillis(2e9, 3e9, Double.NaN, 1000), 1e-12);
        assertEquals(4e6 * 4, PeakModel.bytesPerIteration(1_000_000, 4, Precision.FLOAT));
        assertEquals(4e6 * 8, PeakModel.bytesPerIteration(1_000_000, 4, Precision.DOUBLE));
    }

    @Test
    void overridesNameTargetAndPrecision() {
        Map<String, Double> m = PeakModel.parseOverrides("--peak-gflops", "cpu=150, opencl1:float=6e4");
        assertEquals(Map.of("cpu:float", 150.0, "cpu:double", 150.0, "opencl1:float", 60000.0), m);
        assertEquals(List.of("cpu:float", "cpu:double", "opencl1:float"), List.copyOf(m.keySet()));
        assertTrue(PeakModel.parseOverrides("--peak-gbs", null).isEmpty());
        for (String bad : new String[] {"cpu", "=5", "cpu=0", "cpu=NaN", "cpu=x", "gpu=5", "opencl=5", "cpu:half=5",
            "cpu=5,"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PeakModel.parseOverrides("--peak-gbs", bad), bad);
            assertTrue(e.getMessage().startsWith("--peak-gbs: '"), e.getMessage());
        }
    }
}
