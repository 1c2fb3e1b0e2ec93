package org.emgmm.backend.opencl;

import java.util.Locale;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;

/**
 * One OpenCL pass (float) over synthetic blobs, for {@code bench/oclgrind-counts.sh}: run under Oclgrind with
 * {@code OCLGRIND_INST_COUNTS=1}, the instructions it prints for the kernels launched after the line
 * {@code == timed pass} are those of one EM iteration (the pass is prepared, and its dry launch done, before).
 * Start parameters come from one CPU iteration, so the responsibilities are those of a real fit.
 *
 * <p>Arguments: covariance type, D, K, N.
 */
public final class OclgrindCounts {
    private OclgrindCounts() {
    }

    /** @param args type d k n */
    public static void main(String[] args) {
        CovarianceType type = CovarianceType.valueOf(args[0].toUpperCase(Locale.ROOT));
        int d = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        ArrayDataset data = OpenClTestSupport.blobs(n, d, k, 0, 5);
        GmmSettings s = GmmSettings.builder().k(k).covarianceType(type).seed(1).maxIter(1).tol(0).build();
        MixtureModel m;
        try (CpuBackend cpu = new CpuBackend(1, Precision.DOUBLE)) {
            m = new GaussianMixture(s).fit(data, cpu, new org.emgmm.FitListener() { });
        }
        Gaussians g = Gaussians.of(type, m.weights(), m.meansFlat(), m.covariancesFlat(), 0);
        DeviceInfo dev = OpenClBackend.device(null);
        try (OpenClBackend b = OpenClBackend.create(dev, Precision.FLOAT, 0);
             Pass p = b.prepare(data, k, type)) {
            System.out.println("plan " + b.describePlan(n, d, k, type, false));
            System.out.println("== timed pass");
            System.out.flush();
            double ll = p.accumulate(g).logLik;
            System.out.println("== end pass loglik/n " + ll / n);
        }
    }
}
