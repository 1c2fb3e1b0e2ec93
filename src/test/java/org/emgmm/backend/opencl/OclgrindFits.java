package org.emgmm.backend.opencl;

import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.backend.Backend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;

/**
 * Small OpenCL fits for {@code .ci/oclgrind.sh}: every covariance type × precision at D=5 K=4 (weighted, a few
 * iterations), and at D=16 K=16 float on the device's own plan and on a plan of 64 work-items, 1 task per item
 * (several accum launches, row phases), and the fused kernel for diag/spherical × precision at D=5 K=4, on whatever
 * OpenCL device is first (Oclgrind there). Prints one line per fit; Oclgrind's API and data-race checks print their
 * diagnostics to stderr, which the script scans. Then the multi-model pass ({@link OpenClMultiPass}) of seven models
 * (every type, K = 1..6, a restart) over the small data in each precision, with drop-outs, each model's statistics
 * checked bit for bit against its own pass ({@link OpenClMultiPassTest}); a failure ends the run with an error.
 */
public final class OclgrindFits {
    private OclgrindFits() {
    }

    /** @param args ignored */
    public static void main(String[] args) {
        DeviceInfo dev = OpenClBackend.device(null);
        System.out.println("device " + dev);
        ArrayDataset small = OpenClTestSupport.blobs(600, 5, 4, 0, 3);
        double[] w = new double[600];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 3) * 0.5;
        }
        small = small.withWeights(w);
        for (CovarianceType t : CovarianceType.values()) {
            for (Precision p : Precision.values()) {
                fit(dev, small, 4, t, p, 3, PlanOverride.none());
            }
        }
        ArrayDataset mid = OpenClTestSupport.blobs(700, 16, 16, 0, 4);
        for (CovarianceType t : CovarianceType.values()) {
            fit(dev, mid, 16, t, Precision.FLOAT, 1, PlanOverride.none());
            fit(dev, mid, 16, t, Precision.FLOAT, 1, PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1));
            fit(dev, mid, 16, t, Precision.FLOAT, 1, PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1)
                    .withRowLoop(true));
        }
        // the fused kernel (kernels/fused.cl) where it applies: diag and spherical, float and double, weighted
        PlanOverride fused = PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1).withFused(true);
        for (CovarianceType t : new CovarianceType[] {CovarianceType.DIAG, CovarianceType.SPHERICAL}) {
            for (Precision p : Precision.values()) {
                if (!KernelPlan.of(dev, p, small.rows(), 5, 4, t, true, 0, fused).fused) {
                    throw new IllegalStateException("the plan of a fused fit is not fused: " + t + " " + p);
                }
                fit(dev, small, 4, t, p, 3, fused);
            }
        }
        for (Precision p : Precision.values()) {
            try (OpenClBackend cl = OpenClBackend.create(dev, p, 0)) {
                long[] writes = OpenClMultiPassTest.iterate(cl, small, "Oclgrind " + p, 4);
                System.out.println("multi " + p + " 7 models, 4 iterations: same bits as alone, chunk writes "
                        + writes[writes.length - 1]);
            }
        }
    }

    private static void fit(DeviceInfo dev, ArrayDataset data, int k, CovarianceType t, Precision p, int iters,
                            PlanOverride o) {
        GmmSettings s = GmmSettings.builder().k(k).covarianceType(t).seed(1).maxIter(iters).tol(0).precision(p)
                .build();
        try (Backend b = OpenClBackend.create(dev, p, 0, o)) {
            MixtureModel m = new GaussianMixture(s).fit(data, b, new FitListener() { });
            System.out.printf("fit D=%d K=%d %s %s %s: lower bound %.10f after %d iterations%n", data.dims(), k, t,
                    p, o, m.lowerBound(), m.nIter());
        }
    }
}
