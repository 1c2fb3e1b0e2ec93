package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.StartParameters;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL backend inside Spark tasks (backend opencl, no gpu resource: OpenCL's default device; PoCL on the CPU
 * in CI) gives the single-machine OpenCL fit. Skipped without an OpenCL platform unless EMGMM_REQUIRE_OPENCL=1.
 */
class OpenClTaskTest {
    private static boolean openClPresent() {
        try {
            return !TaskBackends.openClGpus().isEmpty() || !org.emgmm.backend.opencl.OpenClBackend.devices().isEmpty();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Test
    void openClOnTasksEqualsSingleMachineOpenCl() {
        boolean required = "1".equals(System.getenv("EMGMM_REQUIRE_OPENCL"));
        assumeTrue(required || openClPresent(), "no OpenCL platform");
        ArrayDataset data = EqualityTest.data();
        double[] x = data.doubleArray();
        MixtureModel start = EqualityTest.start(CovarianceType.FULL, x);
        GmmSettings s = GmmSettings.builder().k(EqualityTest.K).covarianceType(CovarianceType.FULL).tol(1e-8)
                .maxIter(300).start(StartParameters.of(start)).backend(BackendKind.OPENCL).build();
        MixtureModel ref = new org.emgmm.GaussianMixture(s).fit(data);
        MixtureModel sp = new GaussianMixture().setTol(1e-8).setMaxIter(300).setBackend("opencl")
                .setInitialModel(start).fit(TestData.frame(x, EqualityTest.D, null, 2)).mixtureModel();
        assertEquals("opencl", sp.backend());
        assertTrue(sp.device().startsWith("Spark, 2 partitions in ") && sp.device().contains(": opencl ("),
                sp.device());
        EqualityTest.assertSameFit(ref, sp, EqualityTest.PARAM_TOL, EqualityTest.BOUND_TOL);
    }
}
