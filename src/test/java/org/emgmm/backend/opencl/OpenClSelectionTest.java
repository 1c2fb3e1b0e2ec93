package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.ModelAsserts;
import org.emgmm.ModelSelection;
import org.emgmm.Tolerances;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;

/**
 * Model selection on OpenCL (PoCL in CI) chooses what the CPU backend's shared-pass selection chooses, and the chosen
 * model's parameters agree within the precision's tolerances (float and, where the device has it, double); and on
 * OpenCL the candidates fitted together (their E steps in one {@link OpenClMultiPass} per iteration) are the same
 * bits as the candidates fitted one after the other, each on its own pass.
 */
class OpenClSelectionTest {

    @Test
    void openClChoosesTheSameModelAsTheCpu() {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(3000, 3, 4, 0, 17);
        GmmSettings base = GmmSettings.builder().seed(5).tol(1e-6).maxIter(300).build();
        ModelSelection sel = new ModelSelection(base, ModelSelection.range(1, 6),
                List.of(CovarianceType.values()), ModelSelection.Criterion.BIC);
        ModelSelection.Candidate want;
        try (CpuBackend cpu = new CpuBackend(0, Precision.DOUBLE)) {
            want = sel.fit(data, cpu, new ModelSelection.Listener() { }).best();
        }
        for (Precision p : dev.fp64() ? List.of(Precision.DOUBLE, Precision.FLOAT) : List.of(Precision.FLOAT)) {
            try (OpenClBackend cl = OpenClBackend.create(dev, p, 0)) {
                ModelSelection.Result together = sel.fit(data, cl, new ModelSelection.Listener() { });
                ModelSelection.Result alone = sel.sequential().fit(data, cl, new ModelSelection.Listener() { });
                assertSameModels(p + " together vs alone", alone, together);
                ModelSelection.Candidate got = together.best();
                String what = p + " on " + dev.name();
                assertEquals(want.k(), got.k(), what);
                assertEquals(want.type(), got.type(), what);
                ModelAsserts.assertParams(what, want.type(), want.model().weights(), want.model().meansFlat(),
                        want.model().covariancesFlat(), got.model(), Tolerances.of(p).param);
                ModelAsserts.check(what + ": BIC", want.bic(), got.bic(), Tolerances.of(p).lowerBound, 0);
            }
        }
    }

    private static void assertSameModels(String what, ModelSelection.Result want, ModelSelection.Result got) {
        assertEquals(want.candidates().size(), got.candidates().size(), what);
        for (int i = 0; i < want.candidates().size(); i++) {
            ModelSelection.Candidate a = want.candidates().get(i);
            ModelSelection.Candidate b = got.candidates().get(i);
            String w = what + ": " + a.type() + " k=" + a.k();
            assertEquals(a.type(), b.type(), w);
            assertEquals(a.k(), b.k(), w);
            assertEquals(a.ok(), b.ok(), w);
            if (!a.ok()) {
                assertEquals(a.error(), b.error(), w);
                continue;
            }
            MixtureModel ma = a.model();
            MixtureModel mb = b.model();
            assertArrayEquals(ma.weights(), mb.weights(), 0.0, w);
            assertArrayEquals(ma.meansFlat(), mb.meansFlat(), 0.0, w);
            assertArrayEquals(ma.covariancesFlat(), mb.covariancesFlat(), 0.0, w);
            assertArrayEquals(ma.lowerBoundHistory(), mb.lowerBoundHistory(), 0.0, w);
            assertEquals(Double.doubleToLongBits(a.bic()), Double.doubleToLongBits(b.bic()), w);
        }
    }
}
