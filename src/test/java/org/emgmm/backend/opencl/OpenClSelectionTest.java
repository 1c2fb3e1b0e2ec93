package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.emgmm.CovarianceType;
import org.emgmm.GmmSettings;
import org.emgmm.ModelAsserts;
import org.emgmm.ModelSelection;
import org.emgmm.Precision;
import org.emgmm.Tolerances;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;

/**
 * Model selection on OpenCL (PoCL in CI) chooses what the CPU backend's shared-pass selection chooses, and the chosen
 * model's parameters agree within the precision's tolerances (float and, where the device has it, double).
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
                ModelSelection.Candidate got = sel.fit(data, cl, new ModelSelection.Listener() { }).best();
                String what = p + " on " + dev.name();
                assertEquals(want.k(), got.k(), what);
                assertEquals(want.type(), got.type(), what);
                ModelAsserts.assertParams(what, want.type(), want.model().weights(), want.model().meansFlat(),
                        want.model().covariancesFlat(), got.model(), Tolerances.of(p).param);
                ModelAsserts.check(what + ": BIC", want.bic(), got.bic(), Tolerances.of(p).lowerBound, 0);
            }
        }
    }
}
