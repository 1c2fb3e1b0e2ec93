package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.OpenClPlan;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner on the test device (PoCL here) with a tiny search, the cache it writes, and a later fit that reads it:
 * the fit's plan comes from the cache, equals bit for bit a fit with the same values given explicitly, and agrees
 * with the default plan's fit to rounding.
 */
class KernelTunerTest {
    /** A plan unlike PoCL's default (work-groups of 128, 8 tasks per item, tiles as local memory allows). */
    static final OpenClPlan SMALL = OpenClPlan.auto().withWorkGroupSize(32).withTasksPerItem(1).withTileRows(16);

    @TempDir
    Path dir;

    @Test
    void tunerWritesACacheThatALaterFitReads() throws IOException {
        DeviceInfo dev = OpenClTestSupport.device();
        KernelTuner.Spec spec = new KernelTuner.Spec(List.of(Precision.DOUBLE), List.of(CovarianceType.DIAG),
                List.of(3), List.of(3), 4096, 300, 1, List.of(SMALL, OpenClPlan.auto().withWorkGroupSize(64)), 5);
        List<KernelTuner.Outcome> out = new KernelTuner(dev, spec).run(line -> { });
        assertEquals(1, out.size());
        KernelTuner.Outcome o = out.get(0);
        assertEquals("diag/double/d1-4/k1-4", o.shapeClass());
        assertEquals(2, o.tried(), o.line());
        assertEquals(0, o.rejected(), o.line());
        assertTrue(o.defaultMs() > 0 && o.bestMs() <= o.defaultMs(), o.line());
        TuningCache.DeviceKey key = TuningCache.DeviceKey.of(dev);
        assertEquals(key, new TuningCache.DeviceKey(o.entry().platform(), o.entry().device(), o.entry().driver(),
                o.entry().kernels()));

        Path cache = dir.resolve("cache").resolve("tuning.json");
        KernelTuner.store(cache, out);
        assertEquals(List.of(o.entry()), TuningCache.read(cache).entries());
        GmmSettings base = GmmSettings.builder().k(3).covarianceType(CovarianceType.DIAG).backend(BackendKind.OPENCL)
                .device(String.valueOf(dev.index())).precision(Precision.DOUBLE).seed(3).maxIter(15).tol(0)
                .build();
        GmmSettings cached = base.toBuilder().tuningCache(cache).build();
        ArrayDataset data = OpenClTestSupport.blobs(3000, 3, 3, 0, 11);
        try (OpenClBackend b = OpenClBackend.open(cached, null, false)) {
            KernelPlan p = b.plan(data.rows(), 3, 3, CovarianceType.DIAG, false);
            assertEquals("tuning cache " + cache + " [diag/double/d1-4/k1-4]", p.source, p.toString());
        }

        // the same cache entry with a plan unlike the default: the fit uses its values
        TuningCache.Entry e = o.entry();
        TuningCache.read(cache).with(new TuningCache.Entry(e.platform(), e.device(), e.driver(), e.kernels(),
                e.shapeClass(), SMALL.workGroupSize(), SMALL.tasksPerItem(), SMALL.tileRows(), e.defaultMs(),
                e.bestMs(), e.rows(), e.tunedAt())).write();
        try (OpenClBackend b = OpenClBackend.open(cached, null, false)) {
            KernelPlan p = b.plan(data.rows(), 3, 3, CovarianceType.SPHERICAL, false);
            assertEquals(32, p.wgs, p.toString());
            assertEquals(32, p.accWgs, p.toString());
            assertEquals(16, p.tile, p.toString());
            assertTrue(p.source.startsWith("tuning cache"), p.toString());
        }
        MixtureModel fromCache = new GaussianMixture(cached).fit(data);
        MixtureModel again = new GaussianMixture(cached).fit(data);
        MixtureModel explicit = new GaussianMixture(base.toBuilder().tuningCacheEnabled(false).openClPlan(SMALL)
                .build()).fit(data);
        MixtureModel defaults = new GaussianMixture(base.toBuilder().tuningCacheEnabled(false).build()).fit(data);
        assertSame(fromCache, again);
        assertSame(fromCache, explicit);
        // another plan sums in another order: the same fit to rounding, same iterations
        assertEquals(defaults.nIter(), fromCache.nIter());
        assertEquals(defaults.lowerBound(), fromCache.lowerBound(), 1e-12 * Math.abs(defaults.lowerBound()));
        double[] m0 = defaults.meansFlat();
        double[] m1 = fromCache.meansFlat();
        for (int i = 0; i < m0.length; i++) {
            assertEquals(m0[i], m1[i], 1e-10 * (1 + Math.abs(m0[i])), "mean " + i);
        }
    }

    /** The plan setting reaches the backend opened from settings, and wins over the cache. */
    @Test
    void planSettingReachesTheBackend() {
        DeviceInfo dev = OpenClTestSupport.device();
        GmmSettings s = GmmSettings.builder().k(2).backend(BackendKind.OPENCL).device(String.valueOf(dev.index()))
                .precision(Precision.FLOAT).tuningCache(dir.resolve("none.json"))
                .openClPlan(OpenClPlan.auto().withWorkGroupSize(64).withTileRows(8)).build();
        try (OpenClBackend b = OpenClBackend.open(s, null, false)) {
            KernelPlan p = b.plan(10_000, 5, 2, CovarianceType.FULL, false);
            assertEquals(64, p.wgs, p.toString());
            assertEquals(8, p.tile, p.toString());
            assertEquals("override", p.source);
        }
    }

    /** The search space respects each device's limits and starts next to the defaults. No OpenCL needed. */
    @Test
    void searchSpaceFitsTheDevice() {
        for (DeviceInfo d : new DeviceInfo[] {DeviceClassTest.nvidia(), DeviceClassTest.amd(),
            DeviceClassTest.intel(), DeviceClassTest.poclOnAmd()}) {
            List<OpenClPlan> space = KernelTuner.space(d);
            assertTrue(space.size() >= 20, d + " " + space.size());
            assertEquals(space.size(), new java.util.HashSet<>(space).size(), "no duplicates");
            for (OpenClPlan p : space) {
                assertTrue(!p.isAuto(), "the default is timed apart");
                assertTrue(p.workGroupSize() <= d.maxWorkGroupSize(), d + " " + p);
                assertTrue(!d.isGpu() || p.workGroupSize() == 0 || p.workGroupSize() >= 64, d + " " + p);
                int w = p.workGroupSize() > 0 ? p.workGroupSize() : DeviceClass.of(d).estepWgs;
                assertTrue(p.tileRows() <= w, d + " " + p);
            }
            OpenClPlan first = space.get(0);
            int changed = (first.workGroupSize() > 0 ? 1 : 0) + (first.tasksPerItem() > 0 ? 1 : 0)
                    + (first.tileRows() > 0 ? 1 : 0);
            assertEquals(1, changed, d + " starts with one change: " + first);
        }
    }

    /** What the tuner counts as agreeing with the default plan: rounding, not a different sum. */
    @Test
    void agreementIsRoundingOnly() {
        org.emgmm.em.SufficientStatistics a = stats(1.0);
        org.emgmm.em.SufficientStatistics b = stats(1.0);
        assertTrue(KernelTuner.sameBits(a, b) && KernelTuner.agree(a, b, KernelTuner.DOUBLE_AGREEMENT));
        b.s2[3] = Math.nextUp(b.s2[3]);
        assertTrue(!KernelTuner.sameBits(a, b) && KernelTuner.agree(a, b, KernelTuner.DOUBLE_AGREEMENT));
        b.s1[1] += 1e-6 * 100; // a relative 1e-6 of the largest S1: a different sum in double, rounding in float
        assertTrue(!KernelTuner.agree(a, b, KernelTuner.DOUBLE_AGREEMENT));
        assertTrue(KernelTuner.agree(a, b, KernelTuner.FLOAT_AGREEMENT));
        b.s0[0] = Double.NaN;
        assertTrue(!KernelTuner.agree(a, b, KernelTuner.FLOAT_AGREEMENT));
    }

    private static org.emgmm.em.SufficientStatistics stats(double scale) {
        org.emgmm.em.SufficientStatistics s = new org.emgmm.em.SufficientStatistics(2, 2, CovarianceType.FULL);
        for (int i = 0; i < s.s0.length; i++) {
            s.s0[i] = 50 * scale * (i + 1);
        }
        for (int i = 0; i < s.s1.length; i++) {
            s.s1[i] = 100 * scale * (i % 2 == 0 ? 1 : -0.5);
        }
        for (int i = 0; i < s.s2.length; i++) {
            s.s2[i] = 30 * scale + i;
        }
        s.logLik = -1234.5;
        s.weightSum = 150;
        return s;
    }

    private static void assertSame(MixtureModel a, MixtureModel b) {
        assertEquals(a.nIter(), b.nIter());
        assertEquals(Double.doubleToLongBits(a.lowerBound()), Double.doubleToLongBits(b.lowerBound()));
        assertArrayEquals(a.meansFlat(), b.meansFlat());
        assertArrayEquals(a.covariancesFlat(), b.covariancesFlat());
        assertArrayEquals(a.weights(), b.weights());
    }
}
