package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.GmmSettings;
import org.emgmm.backend.MultiPass;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.MStep;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL multi-model pass ({@link OpenClMultiPass}, PoCL in CI) gives every model the same bits as its own
 * {@link OpenClPass}, in double and in float, over all four covariance types, K = 1..6, two models of one shape
 * (restarts), with and without sample weights, resident and streamed; models drop out (converged) and the rest go
 * on with the same bits; and one transfer of each chunk serves every model.
 */
class OpenClMultiPassTest {
    /** Shapes of the models: every type, K = 1..6, and a second model of shape 2/diag (a restart). */
    private static final int[] KS = {1, 2, 3, 4, 5, 6, 2};
    private static final CovarianceType[] TYPES = {CovarianceType.FULL, CovarianceType.DIAG,
        CovarianceType.SPHERICAL, CovarianceType.TIED, CovarianceType.FULL, CovarianceType.DIAG, CovarianceType.DIAG};

    private static List<Precision> precisions(DeviceInfo dev) {
        return dev.fp64() ? List.of(Precision.DOUBLE, Precision.FLOAT) : List.of(Precision.FLOAT);
    }

    private static ArrayDataset data(boolean weighted) {
        ArrayDataset x = OpenClTestSupport.blobs(4000, 3, 4, 0, 31);
        if (!weighted) {
            return x;
        }
        double[] w = new double[(int) x.rows()];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.25 + r.nextDouble();
        }
        float[] v = new float[w.length * 3];
        x.read(0, w.length, v, 0);
        return ArrayDataset.of(v, 3, w);
    }

    /** A start: K rows of the data as means (a different offset per model), equal weights, unit-ish covariances. */
    private static Gaussians start(Dataset data, int k, CovarianceType type, int model) {
        int d = data.dims();
        double[] means = new double[k * d];
        for (int j = 0; j < k; j++) {
            data.read((97L * (j + 1) + 13L * model) % data.rows(), 1, means, j * d);
        }
        double[] w = new double[k];
        java.util.Arrays.fill(w, 1.0 / k);
        int blocks = type == CovarianceType.FULL ? k : type == CovarianceType.TIED ? 1 : 0;
        double[] cov;
        if (blocks > 0) {
            cov = new double[blocks * d * d];
            for (int b = 0; b < blocks; b++) {
                for (int r = 0; r < d; r++) {
                    for (int c = 0; c < d; c++) {
                        cov[(b * d + r) * d + c] = r == c ? 1.5 + 0.1 * b : 0.2;
                    }
                }
            }
        } else {
            cov = new double[type == CovarianceType.DIAG ? k * d : k];
            for (int i = 0; i < cov.length; i++) {
                cov[i] = 1 + 0.05 * i;
            }
        }
        return Gaussians.of(type, w, means, cov, 0);
    }

    private static void assertSameBits(String what, SufficientStatistics want, SufficientStatistics got) {
        assertEquals(want.logLik, got.logLik, 0.0, what + ": log-likelihood");
        assertEquals(want.weightSum, got.weightSum, 0.0, what + ": weight sum");
        assertArrayEquals(want.s0, got.s0, 0.0, what + ": s0");
        assertArrayEquals(want.s1, got.s1, 0.0, what + ": s1");
        assertArrayEquals(want.s2, got.s2, 0.0, what + ": s2");
    }

    /**
     * Runs EM iterations of every model through one multi pass and through each model's own pass, checking every
     * model's statistics bit for bit; models 0 and 3 drop out after iteration 2, model 6 after iteration 3.
     *
     * @param iterations EM iterations (at least 4 for every drop-out)
     * @return the multi pass's chunk writes after each iteration
     */
    static long[] iterate(OpenClBackend cl, Dataset data, String what, int iterations) {
        long[] writes = new long[iterations];
        List<Gaussians> models = new ArrayList<>();
        List<Pass> alone = new ArrayList<>();
        List<Integer> active = new ArrayList<>();
        try (MultiPass mp = cl.prepareMulti(data)) {
            assertInstanceOf(OpenClMultiPass.class, mp, what);
            OpenClMultiPass multi = (OpenClMultiPass) mp;
            for (int i = 0; i < KS.length; i++) {
                models.add(start(data, KS[i], TYPES[i], i));
                alone.add(cl.prepare(data, KS[i], TYPES[i]));
                active.add(i);
            }
            for (int it = 0; it < iterations; it++) {
                if (it == 2) {
                    active.removeAll(List.of(0, 3));
                } else if (it == 3) {
                    active.remove(Integer.valueOf(6));
                }
                Gaussians[] in = new Gaussians[active.size()];
                for (int i = 0; i < in.length; i++) {
                    in[i] = models.get(active.get(i));
                }
                SufficientStatistics[] got = multi.accumulate(in);
                assertEquals(1, multi.layouts(), what + ": one copy of the rows serves every model");
                writes[it] = multi.chunkWrites();
                for (int i = 0; i < in.length; i++) {
                    int m = active.get(i);
                    SufficientStatistics want = alone.get(m).accumulate(in[i]);
                    assertSameBits(what + ", model " + m + " (K=" + KS[m] + " " + TYPES[m] + "), iteration " + it,
                            want, got[i]);
                    models.set(m, MStep.apply(want, in[i].means, 1e-6, it + 1));
                }
            }
        } finally {
            alone.forEach(Pass::close);
        }
        return writes;
    }

    @Test
    void residentRowsServeEveryModelWithTheBitsOfItsOwnPass() {
        DeviceInfo dev = OpenClTestSupport.device();
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset data = data(weighted);
            for (Precision p : precisions(dev)) {
                try (OpenClBackend cl = OpenClBackend.create(dev, p, 0)) {
                    String what = p + (weighted ? " weighted" : "") + " resident on " + dev.name();
                    int chunks;
                    try (Pass one = cl.prepare(data, 3, CovarianceType.FULL)) {
                        KernelPlan plan = ((OpenClPass) one).plan();
                        assertTrue(plan.resident, plan.toString());
                        chunks = plan.chunks;
                    }
                    long[] writes = iterate(cl, data, what, 5);
                    for (long w : writes) {
                        assertEquals(chunks, w, what + ": the rows are uploaded once, for all models");
                    }
                }
            }
        }
    }

    @Test
    void oneTransferOfEachStreamedChunkServesEveryModel() {
        DeviceInfo dev = OpenClTestSupport.device();
        Dataset data = data(true);
        for (Precision p : precisions(dev)) {
            // a cap of a quarter of the data: the rows stream through in chunks
            long cap = data.rows() * (3 + 1) * (p == Precision.DOUBLE ? 8 : 4) / 4;
            try (OpenClBackend cl = OpenClBackend.create(List.of(dev), p, cap, 0, PlanOverride.none())) {
                String what = p + " streamed on " + dev.name();
                int chunks;
                try (Pass one = cl.prepare(data, 3, CovarianceType.FULL)) {
                    KernelPlan plan = ((OpenClPass) one).plan();
                    assertFalse(plan.resident, plan.toString());
                    assertTrue(plan.chunks >= 2, plan.toString());
                    chunks = plan.chunks;
                }
                long[] writes = iterate(cl, data, what, 5);
                for (int it = 0; it < writes.length; it++) {
                    assertEquals((long) chunks * (it + 1), writes[it],
                            what + ": one transfer of each chunk per iteration, whatever the number of models");
                }
            }
        }
    }

    @Test
    void theRowsThatOpenUploadedServeTheModels() {
        DeviceInfo dev = OpenClTestSupport.device();
        Dataset data = data(false);
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(CovarianceType.FULL).precision(Precision.FLOAT)
                .device(String.valueOf(dev.index())).build();
        try (OpenClBackend cl = OpenClBackend.open(s, data, false);
             MultiPass mp = cl.prepareMulti(data)) {
            OpenClMultiPass multi = (OpenClMultiPass) mp;
            Gaussians g = start(data, 3, CovarianceType.FULL, 0);
            Gaussians h = start(data, 2, CovarianceType.DIAG, 1);
            SufficientStatistics[] got = multi.accumulate(new Gaussians[] {g, h});
            // open() uploaded the rows once (one chunk); the models run on them: no second upload
            assertEquals(1, multi.layouts());
            assertTrue(multi.tookOverRows(), "the rows open() uploaded are taken over");
            assertEquals(1, multi.chunkWrites(), "no second upload");
            try (Pass a = cl.prepare(data, 3, CovarianceType.FULL); Pass b = cl.prepare(data, 2, CovarianceType.DIAG)) {
                assertSameBits("adopted rows, full", a.accumulate(g), got[0]);
                assertSameBits("adopted rows, diag", b.accumulate(h), got[1]);
            }
        }
    }
}
