package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.Pass;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The OpenCL backend's own properties: chunking, determinism, numerics, device choice, errors, caching. */
class OpenClBackendTest {

    private static MixtureModel fit(DeviceInfo dev, GmmSettings s, ArrayDataset data, long cap) {
        try (Backend b = OpenClBackend.create(dev, s.precision(), cap)) {
            return new GaussianMixture(s).fit(data, b, new FitListener() { });
        }
    }

    /** N = 10⁶ (issue 3: OpenCL vs CPU up to 10⁶ samples), diag, float; few iterations to bound the time. */
    @Test
    void millionSamplesAgreeWithCpu() {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(1_000_000, 2, 3, 0, 21);
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(CovarianceType.DIAG).seed(2).maxIter(4).tol(0)
                .precision(Precision.FLOAT).build();
        OpenClVsCpuTest.compare(dev, s, data);
    }

    /** A fit forced through many small chunks (weights streamed too) equals the resident fit. */
    @ParameterizedTest
    @EnumSource(CovarianceType.class)
    void chunkedEqualsResident(CovarianceType type) {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(20_000, 3, 3, 0, 4);
        double[] w = new double[20_000];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.25 + r.nextDouble();
        }
        data = data.withWeights(w);
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(type).seed(5).tol(1e-6).maxIter(30).build();
        long cap = 40_000; // bytes, two slots of 32-byte rows: chunks of at most 625 rows
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.DOUBLE, cap)) {
            String plan = b.describePlan(20_000, 3, 3, type, true);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("chunks=(\\d+)x").matcher(plan);
            assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 32, plan);
        }
        MixtureModel resident = fit(dev, s, data, 0);
        MixtureModel chunked = fit(dev, s, data, cap);
        assertEquals(resident.nIter(), chunked.nIter());
        assertEquals(resident.lowerBound(), chunked.lowerBound(), 1e-12 * Math.abs(resident.lowerBound()));
        OpenClVsCpuTest.close(resident.meansFlat(), chunked.meansFlat(), 1e-10, "means");
        OpenClVsCpuTest.close(resident.covariancesFlat(), chunked.covariancesFlat(), 1e-10, "covariances");
        OpenClVsCpuTest.close(resident.weights(), chunked.weights(), 1e-10, "weights");
    }

    /** Two passes, and two whole fits, give the same bits (fixed-order reductions, no atomics). */
    @Test
    void bitForBitDeterministic() {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(30_000, 4, 5, 0, 8);
        GmmSettings s = GmmSettings.builder().k(5).covarianceType(CovarianceType.FULL).seed(1).maxIter(15)
                .precision(Precision.FLOAT).build();
        MixtureModel a = fit(dev, s, data, 0);
        MixtureModel b = fit(dev, s, data, 0);
        assertArrayEquals(a.lowerBoundHistory(), b.lowerBoundHistory());
        assertArrayEquals(a.meansFlat(), b.meansFlat());
        assertArrayEquals(a.covariancesFlat(), b.covariancesFlat());
        MixtureModel c = fit(dev, s, data, 100_000); // streamed: deterministic as well
        MixtureModel d = fit(dev, s, data, 100_000);
        assertArrayEquals(c.lowerBoundHistory(), d.lowerBoundHistory());
        assertArrayEquals(c.covariancesFlat(), d.covariancesFlat());
    }

    /**
     * Float arithmetic, data with mean 1000 and standard deviation 1: accumulating about the shift recovers the
     * variance to 1e-4 relative (E[x²] − μ² in float would lose every digit: ulp(10⁶) = 0.06).
     */
    @ParameterizedTest
    @EnumSource(value = CovarianceType.class, names = {"DIAG", "FULL"})
    void floatVarianceAtMeanThousand(CovarianceType type) {
        DeviceInfo dev = OpenClTestSupport.device();
        int n = 200_000;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (1000 + OpenClTestSupport.gauss(r));
        }
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= n; // two-pass, double: the exact population variance of the float data
        ArrayDataset data = ArrayDataset.of(x, 1, null);
        GmmSettings s = GmmSettings.builder().k(1).covarianceType(type).regCovar(0).maxIter(3)
                .precision(Precision.FLOAT).build();
        MixtureModel m = fit(dev, s, data, 0);
        assertEquals(mean, m.meansFlat()[0], 1e-4);
        assertEquals(var, m.covariancesFlat()[0], 1e-4 * var);
        assertTrue(Math.abs(var - 1) < 0.01, "sample variance " + var);
    }

    /** The statistics of one pass agree with the scalar reference for every type, in double, with a fixed start. */
    @ParameterizedTest
    @EnumSource(CovarianceType.class)
    void oneStepStatistics(CovarianceType type) {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(5000, 3, 2, 0, 9);
        int k = 2;
        int d = 3;
        double[] means = {0.5, -1, 2, -2, 1, 0};
        double[] cov;
        if (type == CovarianceType.SPHERICAL) {
            cov = new double[] {1.5, 0.7};
        } else if (type == CovarianceType.DIAG) {
            cov = new double[] {1.5, 0.7, 2, 0.9, 1.1, 0.6};
        } else {
            double[] one = {2, 0.3, -0.2, 0.3, 1, 0.1, -0.2, 0.1, 1.5};
            cov = type == CovarianceType.TIED ? one : new double[18];
            if (type == CovarianceType.FULL) {
                System.arraycopy(one, 0, cov, 0, 9);
                double[] two = {1, -0.4, 0, -0.4, 2, 0.5, 0, 0.5, 1.2};
                System.arraycopy(two, 0, cov, 9, 9);
            }
        }
        Gaussians g = Gaussians.of(type, new double[] {0.4, 0.6}, means, cov, 0);
        SufficientStatistics ref = ScalarBackend.statistics(data, g);
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.DOUBLE, 0);
             Pass p = b.prepare(data, k, type)) {
            SufficientStatistics st = p.accumulate(g);
            assertEquals(ref.logLik, st.logLik, 1e-10 * Math.abs(ref.logLik));
            assertEquals(ref.weightSum, st.weightSum, 1e-9);
            OpenClVsCpuTest.close(ref.s0, st.s0, 1e-10, "s0");
            OpenClVsCpuTest.close(ref.s1, st.s1, 1e-10, "s1");
            double[] s2 = st.s2.clone();
            double[] r2 = ref.s2.clone();
            if (type.needsOuterProducts()) { // only the upper triangle is defined
                for (int j = 0; j < k; j++) {
                    for (int a = 0; a < d; a++) {
                        for (int c = 0; c < a; c++) {
                            s2[(j * d + a) * d + c] = 0;
                            r2[(j * d + a) * d + c] = 0;
                        }
                    }
                }
            }
            OpenClVsCpuTest.close(r2, s2, 1e-10, "s2");
            SufficientStatistics again = p.accumulate(g);
            assertArrayEquals(st.s2, again.s2);
        }
    }

    /**
     * Component tiles (several accum launches per pass, each accumulating some of the components) must not change
     * the result: forced here by a plan of 8 work-items and one accumulator task each.
     */
    @Test
    void componentTilesAgreeWithReference() {
        DeviceInfo dev = OpenClTestSupport.device();
        int d = 6;
        int k = 5;
        ArrayDataset data = OpenClTestSupport.blobs(3000, d, k, 0, 12);
        PlanOverride small = PlanOverride.none().withWorkGroupSize(8).withTasksPerItem(1);
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.DOUBLE, 0, small)) {
            String plan = b.describePlan(3000, d, k, CovarianceType.FULL, false);
            // three tiles of 2 components: the last one half empty (component 6 does not exist)
            assertTrue(plan.contains("kt=2 compTiles=3 "), plan);
        }
        GmmSettings s = GmmSettings.builder().k(k).covarianceType(CovarianceType.FULL).seed(4).maxIter(5).tol(0)
                .build();
        OpenClVsCpuTest.compare(dev, s, data, small);
    }

    /**
     * A plan the device cannot launch (twice its largest work-group) fails while the backend is opened (the kernel's
     * own limits are checked and every kernel is launched once before any fit), so {@code --backend auto}, which
     * opens it exactly so, falls back to the CPU; the same plan on the device's own limits works.
     */
    @Test
    void impossiblePlanFailsAtOpen() {
        DeviceInfo dev = OpenClTestSupport.device();
        // large enough for auto to consider the device: N·K·D = 1.25e6 · 4 · 2 = 1e7
        ArrayDataset data = OpenClTestSupport.blobs(1_250_000, 2, 4, 0, 1);
        GmmSettings s = GmmSettings.builder().k(4).covarianceType(CovarianceType.DIAG)
                .device(String.valueOf(dev.index())).build();
        int tooMany = (int) Math.min(1 << 20, 2 * dev.maxWorkGroupSize());
        PlanOverride impossible = PlanOverride.none().withWorkGroupSize(tooMany).withTileRows(4);
        OpenClException e = assertThrows(OpenClException.class, () -> OpenClBackend.open(s, data, true, impossible));
        assertTrue(e.getMessage().contains("work-items per group") || e.getMessage().contains("WORK_GROUP_SIZE")
                || e.getMessage().contains("OUT_OF_RESOURCES"), e.getMessage());
        try (OpenClBackend b = OpenClBackend.open(s, data, true, PlanOverride.none())) {
            assertNotNull(b);
        }
    }

    @Test
    void devicesAreListedAndChosen() {
        DeviceInfo dev = OpenClTestSupport.device();
        List<DeviceInfo> all = OpenClBackend.devices();
        assertFalse(all.isEmpty());
        for (int i = 0; i < all.size(); i++) {
            DeviceInfo d = all.get(i);
            assertEquals(i, d.index());
            assertTrue(d.globalMemory() > 0 && d.maxAlloc() > 0 && d.maxAlloc() <= d.globalMemory(), d.toString());
            assertTrue(d.computeUnits() > 0, d.toString());
            assertTrue(d.toString().startsWith(i + ": " + d.platform() + " | " + d.name()), d.toString());
        }
        assertEquals(dev.index(), OpenClBackend.choose(all, String.valueOf(dev.index()), true).index());
        String fragment = dev.name().substring(0, Math.min(6, dev.name().length())).toUpperCase();
        assertNotNull(OpenClBackend.choose(all, fragment, true));
        OpenClException e = assertThrows(OpenClException.class,
                () -> OpenClBackend.choose(all, "no-such-device-xyz", true));
        assertTrue(e.getMessage().contains("no OpenCL device matches 'no-such-device-xyz'"), e.getMessage());
        assertTrue(e.getMessage().contains(dev.name()), e.getMessage());
    }

    @Test
    void buildFailureCarriesTheLog() {
        DeviceInfo dev = OpenClTestSupport.device();
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.FLOAT, 0)) {
            OpenClException e = assertThrows(OpenClException.class,
                    () -> b.context().build("broken.cl", "__kernel void f(__global float* x) { x[0] = y; }", ""));
            assertTrue(e.getMessage().startsWith("clBuildProgram(broken.cl) failed"), e.getMessage());
            assertTrue(e.getMessage().contains("build log:"), e.getMessage());
            assertTrue(e.getMessage().contains("y"), e.getMessage());
            assertTrue(e.code() < 0);
        }
    }

    @Test
    void programsAreCompiledOncePerShape() {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(2000, 2, 2, 0, 3);
        GmmSettings s = GmmSettings.builder().k(2).covarianceType(CovarianceType.TIED).seed(1).maxIter(3).build();
        fit(dev, s, data, 0);
        int before;
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.DOUBLE, 0)) {
            before = b.cachedPrograms();
        }
        fit(dev, s, data, 0);
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.DOUBLE, 0)) {
            assertEquals(before, b.cachedPrograms());
        }
    }

    /** Explicit opencl runs on the device; auto leaves a small problem on the CPU without touching OpenCL. */
    @Test
    void backendsChoose() {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(500, 2, 2, 0, 3);
        GmmSettings s = GmmSettings.builder().k(2).covarianceType(CovarianceType.DIAG).seed(1)
                .backend(BackendKind.OPENCL).device(String.valueOf(dev.index())).build();
        MixtureModel m = new GaussianMixture(s).fit(data);
        assertEquals("opencl", m.backend());
        assertTrue(m.device().contains(dev.name()), m.device());
        Backends.Choice c = Backends.open(s.toBuilder().backend(BackendKind.AUTO).build(), data);
        try (Backend b = c.backend()) {
            assertEquals("cpu", b.name());
            assertNull(c.warning());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.open(
                s.toBuilder().device("no-such-device-xyz").build(), data));
        assertTrue(e.getMessage().startsWith("the OpenCL backend failed: no OpenCL device matches"), e.getMessage());
    }

    /** A CPU-only OpenCL device is not chosen by auto unless named. */
    @Test
    void autoIgnoresCpuDevicesUnlessNamed() {
        DeviceInfo dev = OpenClTestSupport.device();
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.isGpu(), "a GPU is present");
        ArrayDataset data = OpenClTestSupport.blobs(2_000_000, 2, 4, 0, 3);
        GmmSettings s = GmmSettings.builder().k(4).covarianceType(CovarianceType.DIAG).build();
        boolean anyGpu = OpenClBackend.devices().stream().anyMatch(DeviceInfo::isGpu);
        if (!anyGpu) {
            assertNull(OpenClBackend.open(s, data, true));
        }
        GmmSettings named = s.toBuilder().device(String.valueOf(dev.index())).k(1).build();
        try (OpenClBackend b = OpenClBackend.open(named, null, true)) {
            assertNotNull(b);
        }
    }
}
