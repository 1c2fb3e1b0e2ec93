import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.emgmm.GmmSettings;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.Pass;
import org.emgmm.bench.BenchRunner;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.Initializer;
import org.emgmm.em.MStep;
import org.emgmm.em.SufficientStatistics;

/**
 * Float against double in one JVM (issue 12.2): the bench's data and start (SyntheticMixture, seed 0, random rows,
 * reg_covar 1e-6), a CPU backend per precision, W warm-up iterations each, then R rounds that each time one EM
 * iteration (fused pass + M step) of float and one of double, alternating which goes first. Per iteration it
 * takes the CPU time of all the JVM's threads (ThreadMXBean; in steady state the kernels' workers) and the wall time: on a
 * shared machine the CPU time moves much less with the load than the wall time. Prints per precision the median
 * and min of both, the last pass's mean log-likelihood of each (the lower bound, for bit-identity checks), and the
 * ratios double/float of the medians.
 *
 * <pre>
 *   mvn -B -q package -DskipTests
 *   java --add-modules jdk.incubator.vector -cp target/emgmm.jar bench/float/SameJvmAB.java full 200000 20 30
 * </pre>
 * Arguments: covariance (full|diag|tied|spherical), N, W, R [, threads (default 2)].
 */
public class SameJvmAB {
    public static void main(String[] args) {
        CovarianceType cov = CovarianceType.valueOf(args[0].toUpperCase());
        int n = Integer.parseInt(args[1]);
        int warm = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int d = 16;
        int k = 16;
        Precision[] ps = {Precision.FLOAT, Precision.DOUBLE};
        Pass[] pass = new Pass[2];
        Backend[] be = new Backend[2];
        Gaussians[] par = new Gaussians[2];
        for (int q = 0; q < 2; q++) {
            ArrayDataset data = SyntheticMixture.generate(n, d, k, 0, ps[q] == Precision.FLOAT);
            GmmSettings s = GmmSettings.builder().k(k).covarianceType(cov).backend(BackendKind.CPU).precision(ps[q])
                    .threads(threads).seed(0).build();
            par[q] = new Initializer(data, 0).initialize(k, cov, InitMethod.RANDOM_FROM_DATA, BenchRunner.REG_COVAR,
                    null, null, null, new SplittableRandom(0));
            be[q] = Backends.open(s, data).backend();
            pass[q] = be[q].prepare(data, k, cov);
        }
        int[] it = new int[2];
        double[] lastLl = new double[2];
        for (int w = 0; w < warm; w++) {
            for (int q = 0; q < 2; q++) {
                lastLl[q] = step(pass, par, it, q);
            }
        }
        double[][] cpu = new double[2][rounds];
        double[][] wall = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int h = 0; h < 2; h++) {
                int q = (r + h) % 2;
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                lastLl[q] = step(pass, par, it, q);
                wall[q][r] = (System.nanoTime() - t0) / 1e6;
                cpu[q][r] = (cpuNanos() - c0) / 1e6;
            }
        }
        double[] medC = new double[2];
        double[] medW = new double[2];
        for (int q = 0; q < 2; q++) {
            medC[q] = median(cpu[q]);
            medW[q] = median(wall[q]);
            System.out.printf("%s %s N=%d threads=%d: cpu ms/iter median %.1f min %.1f, wall median %.1f min %.1f%n",
                    cov.jsonName(), ps[q].name().toLowerCase(), n, threads, medC[q], min(cpu[q]), medW[q],
                    min(wall[q]));
        }
        System.out.printf("%s lower bound after %d iterations: float %s, double %s (for bit-identity checks)%n",
                cov.jsonName(), it[1], lastLl[0], lastLl[1]);
        System.out.printf("%s double/float: cpu %.2fx, wall %.2fx%n", cov.jsonName(), medC[1] / medC[0],
                medW[1] / medW[0]);
        for (int q = 0; q < 2; q++) {
            pass[q].close();
            be[q].close();
        }
    }

    /** @return the pass's mean log-likelihood per unit weight (the lower bound before this M step) */
    private static double step(Pass[] pass, Gaussians[] par, int[] it, int q) {
        SufficientStatistics st = pass[q].accumulate(par[q]);
        par[q] = MStep.apply(st, par[q].means, BenchRunner.REG_COVAR, ++it[q]);
        return st.logLik / st.weightSum;
    }

    /** @return the CPU time of every live thread of this JVM, in ns (per-thread clocks: ns resolution) */
    private static long cpuNanos() {
        java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : tmx.getAllThreadIds()) {
            long c = tmx.getThreadCpuTime(id);
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
