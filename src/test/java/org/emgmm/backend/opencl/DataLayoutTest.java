package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.data.MappedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Data of any size and several devices (issue 11, points 1 and 2), over whatever OpenCL device the tests run on
 * (PoCL here: one CPU device, so "two devices" are two contexts with their own queues on it), in double:
 * resident data in several buffers equals one buffer, streamed equals resident (also from a memory-mapped file
 * larger than the configured device memory), and two or three devices equal one.
 *
 * <p>Tolerances. When the buffer, chunk or device boundaries fall on launch boundaries (a {@link PlanOverride}
 * fixes the launch rows, and the layout aligns to them) the host adds the same per-launch sums in the same order,
 * so the fits are compared bit for bit. Otherwise a boundary splits a launch into two, which changes the summation
 * tree of the device's reductions: each sum of N terms then differs by at most about N·ε·Σ|terms| (ε = 2⁻⁵³,
 * N = 2·10⁴: about 2·10⁻¹², in practice ~10⁻¹⁵ relative since the rounding errors do not add up coherently), and EM
 * contracts such perturbations from one iteration to the next. The bound, 1e-12 relative to the largest
 * value of each parameter array (and of the lower bound), is asserted, with the same iteration count.
 */
class DataLayoutTest {
    /** The bound for a change of summation tree (see the class comment). */
    private static final double TREE_TOL = 1e-12;

    private static MixtureModel fit(OpenClBackend b, GmmSettings s, Dataset data) {
        try (b) {
            return new GaussianMixture(s).fit(data, b, new FitListener() { });
        }
    }

    private static OpenClBackend backend(List<DeviceInfo> devs, long cap, long alloc, PlanOverride o) {
        return OpenClBackend.create(devs, Precision.DOUBLE, cap, alloc, o);
    }

    private static ArrayDataset weightedBlobs(int n, int d, int k, long seed) {
        ArrayDataset data = OpenClTestSupport.blobs(n, d, k, 0, seed);
        double[] w = new double[n];
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (int i = 0; i < n; i++) {
            w[i] = 0.25 + r.nextDouble();
        }
        return data.withWeights(w);
    }

    private static void assertWithin(MixtureModel a, MixtureModel b, double tol) {
        assertEquals(a.nIter(), b.nIter(), "iterations");
        assertEquals(a.lowerBound(), b.lowerBound(), tol * Math.abs(a.lowerBound()), "lower bound");
        OpenClVsCpuTest.close(a.meansFlat(), b.meansFlat(), tol, "means");
        OpenClVsCpuTest.close(a.covariancesFlat(), b.covariancesFlat(), tol, "covariances");
        OpenClVsCpuTest.close(a.weights(), b.weights(), tol, "weights");
    }

    private static void assertSameBits(MixtureModel a, MixtureModel b) {
        assertEquals(a.nIter(), b.nIter(), "iterations");
        assertArrayEquals(a.lowerBoundHistory(), b.lowerBoundHistory(), "lower bound history");
        assertArrayEquals(a.meansFlat(), b.meansFlat(), "means");
        assertArrayEquals(a.covariancesFlat(), b.covariancesFlat(), "covariances");
        assertArrayEquals(a.weights(), b.weights(), "weights");
    }

    /** Resident data forced into several buffers (weights too) gives the fit of one buffer. */
    @ParameterizedTest
    @EnumSource(CovarianceType.class)
    void severalBuffersEqualOneBuffer(CovarianceType type) {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = weightedBlobs(20_000, 3, 3, 4);
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(type).seed(5).tol(1e-8).maxIter(40).build();
        long alloc = 65_536; // bytes per data buffer: 2730 rows of 3 doubles; the data is 480,000 bytes
        try (OpenClBackend b = backend(List.of(dev), 0, alloc, PlanOverride.none());
             Pass p = b.prepare(data, 3, type)) {
            KernelPlan plan = ((OpenClPass) p).plan();
            assertTrue(plan.resident && plan.chunks >= 7, plan.toString());
            assertTrue(plan.chunkRows * 3 * 8 <= alloc, plan.toString());
        }
        MixtureModel one = fit(backend(List.of(dev), 0, 0, PlanOverride.none()), s, data);
        MixtureModel many = fit(backend(List.of(dev), 0, alloc, PlanOverride.none()), s, data);
        assertWithin(one, many, TREE_TOL);

        // launches of 1024 rows: the buffers hold 2048 rows each, so every launch covers the same rows: same bits
        PlanOverride launches = PlanOverride.none().withScratchRows(1024);
        try (OpenClBackend b = backend(List.of(dev), 0, alloc, launches); Pass p = b.prepare(data, 3, type)) {
            KernelPlan plan = ((OpenClPass) p).plan();
            assertEquals(2048, plan.chunkRows, plan.toString());
            assertEquals(10, plan.chunks, plan.toString());
        }
        assertSameBits(fit(backend(List.of(dev), 0, 0, launches), s, data),
                fit(backend(List.of(dev), 0, alloc, launches), s, data));
    }

    /**
     * A memory-mapped float32 file of 6.4 MB (12.8 MB on the device in double) against a device-memory cap of
     * 4 MB streams through two slots of 65,536 rows (several staging threads each), holds no more host staging
     * than the cap, and gives the resident fit: bit for bit with aligned launches, else within the tree bound.
     */
    @Test
    void mappedFileLargerThanDeviceMemoryStreams(@TempDir Path dir) throws IOException {
        DeviceInfo dev = OpenClTestSupport.device();
        int n = 400_000;
        int d = 4;
        ArrayDataset blobs = OpenClTestSupport.blobs(n, d, 3, 10, 17);
        Path file = dir.resolve("x.f32");
        float[] row = new float[n * d];
        blobs.read(0, n, row, 0);
        ByteBuffer bytes = ByteBuffer.allocate(n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(row);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(bytes);
        }
        MappedDataset mapped = MappedDataset.open(file, 0, n, d, true, ByteOrder.LITTLE_ENDIAN, "x.f32");
        long cap = 4L << 20;
        assertTrue(Files.size(file) > cap);
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(CovarianceType.FULL).seed(3).tol(1e-8).maxIter(25)
                .build();
        try (OpenClBackend b = backend(List.of(dev), cap, 0, PlanOverride.none()); Pass p = b.prepare(mapped, 3,
                CovarianceType.FULL)) {
            OpenClPass pass = (OpenClPass) p;
            assertTrue(!pass.plan().resident && pass.plan().chunks >= 6, pass.plan().toString());
            assertTrue(pass.plan().chunkRows > 2 * StagingFill.BLOCK, pass.plan().toString());
            assertTrue(pass.stagingBytes() > 0 && pass.stagingBytes() <= cap, "staging " + pass.stagingBytes());
        }
        MixtureModel resident = fit(backend(List.of(dev), 0, 0, PlanOverride.none()), s, blobs);
        MixtureModel streamed = fit(backend(List.of(dev), cap, 0, PlanOverride.none()), s, mapped);
        assertWithin(resident, streamed, TREE_TOL);

        PlanOverride launches = PlanOverride.none().withScratchRows(8192); // chunks of 65,536 rows: 8 launches each
        assertSameBits(fit(backend(List.of(dev), 0, 0, launches), s, blobs),
                fit(backend(List.of(dev), cap, 0, launches), s, mapped));
    }

    /**
     * Two devices (two contexts with their own queues on the one test device) give the one-device fit within the
     * tree bound, with the same iteration count, and the same bits on every run; with launches aligned to the split,
     * the same bits as one device.
     */
    @ParameterizedTest
    @EnumSource(CovarianceType.class)
    void twoDevicesEqualOne(CovarianceType type) {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = weightedBlobs(20_001, 3, 3, 9);
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(type).seed(6).tol(1e-8).maxIter(40).build();
        List<DeviceInfo> two = List.of(dev, dev);
        try (OpenClBackend b = backend(two, 0, 0, PlanOverride.none()); Pass p = b.prepare(data, 3, type)) {
            MultiDevicePass mp = (MultiDevicePass) p;
            assertEquals(2, mp.passes().size());
            assertArrayEquals(new long[] {0, 10_000, 20_001}, mp.bounds());
            assertEquals(dev.index(), mp.passes().get(0).device().index());
            assertEquals(dev.index(), mp.passes().get(1).device().index());
            assertNotSame(mp.passes().get(0).context(), mp.passes().get(1).context(), "two contexts");
            assertEquals(2, b.deviceInfos().size());
        }
        MixtureModel one = fit(backend(List.of(dev), 0, 0, PlanOverride.none()), s, data);
        MixtureModel a = fit(backend(two, 0, 0, PlanOverride.none()), s, data);
        MixtureModel again = fit(backend(two, 0, 0, PlanOverride.none()), s, data);
        assertWithin(one, a, TREE_TOL);
        assertSameBits(a, again);

        PlanOverride launches = PlanOverride.none().withScratchRows(2000); // split at 10,000: a launch boundary
        assertSameBits(fit(backend(List.of(dev), 0, 0, launches), s, data),
                fit(backend(two, 0, 0, launches), s, data));
    }

    /**
     * Three devices, each with its share streamed (a device-memory cap) or in several buffers, through the settings'
     * device list: the one-device resident fit within the tree bound.
     */
    @Test
    void threeDevicesStreamingAndSeveralBuffers() {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = weightedBlobs(30_000, 4, 4, 12);
        GmmSettings s = GmmSettings.builder().k(4).covarianceType(CovarianceType.DIAG).seed(2).tol(1e-8).maxIter(40)
                .device(dev.index() + "," + dev.index() + "," + dev.index()).maxDeviceMemory(100_000).build();
        MixtureModel one = fit(backend(List.of(dev), 0, 0, PlanOverride.none()), s, data);
        try (OpenClBackend b = OpenClBackend.open(s, null, false)) {
            assertEquals(3, b.deviceInfos().size());
            assertTrue(b.describePlan(30_000, 4, 4, CovarianceType.DIAG, true).contains("chunks="),
                    b.describePlan(30_000, 4, 4, CovarianceType.DIAG, true));
            assertWithin(one, new GaussianMixture(s).fit(data, b, new FitListener() { }), TREE_TOL);
        }
        MixtureModel buffers = fit(backend(List.of(dev, dev, dev), 0, 16_000, PlanOverride.none()), s, data);
        assertWithin(one, buffers, TREE_TOL);
    }

    /** The device list: indices and fragments in order, repeats kept, {@code all}, and a clear error. */
    @Test
    void deviceListsAreParsed() {
        DeviceInfo dev = OpenClTestSupport.device();
        List<DeviceInfo> all = OpenClBackend.devices();
        String i = String.valueOf(dev.index());
        assertEquals(List.of(dev.index(), dev.index()),
                OpenClBackend.chooseAll(all, i + ", " + i, true).stream().map(DeviceInfo::index).toList());
        assertEquals(1, OpenClBackend.chooseAll(all, i, true).size());
        List<DeviceInfo> every = OpenClBackend.chooseAll(all, "all", true);
        boolean anyGpu = all.stream().anyMatch(DeviceInfo::isGpu);
        assertEquals(anyGpu ? all.stream().filter(DeviceInfo::isGpu).count() : all.size(), every.size());
        OpenClException e = assertThrows(OpenClException.class, () -> OpenClBackend.chooseAll(all, i + ",,", true));
        assertTrue(e.getMessage().contains("empty entry"), e.getMessage());
        assertThrows(OpenClException.class, () -> OpenClBackend.chooseAll(all, i + ",no-such-device-xyz", true));
    }

    /** Row ranges: proportional, aligned to the launch rows when every range holds one, never empty. */
    @Test
    void splitIsProportionalAlignedAndNeverEmpty() {
        assertArrayEquals(new long[] {0, 50, 100}, MultiDevicePass.split(100, new int[] {1, 1}, 1));
        // 3333 and 6666 go to the nearest multiples of 1024
        assertArrayEquals(new long[] {0, 3072, 7168, 10_000}, MultiDevicePass.split(10_000, new int[] {1, 1, 1},
                1024));
        assertArrayEquals(new long[] {0, 25, 100}, MultiDevicePass.split(100, new int[] {1, 3}, 64));
        assertArrayEquals(new long[] {0, 1, 2}, MultiDevicePass.split(2, new int[] {1, 1, 1}, 1));
    }
}
