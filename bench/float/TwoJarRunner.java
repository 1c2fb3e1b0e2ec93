import java.util.SplittableRandom;
import org.emgmm.GmmSettings;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.Pass;
import org.emgmm.bench.BenchRunner;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.*;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.*;

/**
 * One jar's side of {@code TwoJarAB}: a float and a double CPU pass (1 thread) on the bench's data (SyntheticMixture,
 * seed 0, D = K = 16, random rows); {@code apply(q)} runs one EM iteration of float (0) or double (1) and returns
 * {E-step CPU ns of the calling thread, lower bound}. Compiled against the jar under test (see TwoJarAB).
 */
public class TwoJarRunner implements java.util.function.IntFunction<double[]> {
    final Pass[] pass = new Pass[2];
    final Gaussians[] par = new Gaussians[2];
    final int[] it = new int[2];
    public TwoJarRunner(String covName, int n) {
        CovarianceType cov = CovarianceType.valueOf(covName.toUpperCase());
        Precision[] ps = {Precision.FLOAT, Precision.DOUBLE};
        for (int q = 0; q < 2; q++) {
            ArrayDataset data = SyntheticMixture.generate(n, 16, 16, 0, ps[q] == Precision.FLOAT);
            GmmSettings s = GmmSettings.builder().k(16).covarianceType(cov).backend(BackendKind.CPU).precision(ps[q])
                    .threads(1).seed(0).build();
            par[q] = new Initializer(data, 0).initialize(16, cov, InitMethod.RANDOM_FROM_DATA, BenchRunner.REG_COVAR,
                    null, null, null, new SplittableRandom(0));
            Backend be = Backends.open(s, data).backend();
            pass[q] = be.prepare(data, 16, cov);
        }
    }
    public double[] apply(int q) {
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = tmx.getCurrentThreadCpuTime();
        SufficientStatistics st = pass[q].accumulate(par[q]);
        long c1 = tmx.getCurrentThreadCpuTime();
        par[q] = MStep.apply(st, par[q].means, BenchRunner.REG_COVAR, ++it[q]);
        return new double[] {c1 - c0, st.logLik / st.weightSum};
    }
}
