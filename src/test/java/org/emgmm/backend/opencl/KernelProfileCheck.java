package org.emgmm.backend.opencl;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.emgmm.backend.Pass;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * {@code bench/gpu-check.sh}'s {@code profile} stage: where one pass's device time goes, per kernel, and how it
 * moves with the launch plan. For one shape it makes the data once ({@link SyntheticMixture}, float, the JMH
 * benchmark's recipe and start: means on K random rows, variances 4), then for each plan variant opens a backend on
 * a profiling context of its own, prints the plan, runs two untimed passes, then {@code reps} passes and prints
 * the median wall time of a pass and, per kernel, the device milliseconds and launches per pass (OpenCL event
 * profiling). Every variant's log-likelihood is compared with the first's: a variant that computes something else
 * is marked {@code DIFFERS} (plans change only the order of float sums, so agreement is to about 1e-5 relative).
 *
 * <p>Arguments: {@code type d k n reps variant...}; a variant is {@code default} or comma-separated settings
 * {@code wgs=W}, {@code tile=T}, {@code apt=A}, {@code scratch=ROWS}, {@code rowloop=1}, {@code fused=1} (PlanOverride; the plan line
 * says " fused" where the fused kernel applies). Example:
 * {@code diag 16 16 100000000 5 default tile=256 wgs=128,tile=128}. The device is the first GPU (else the first).
 */
public final class KernelProfileCheck {
    private KernelProfileCheck() {
    }

    /**
     * @param args type, d, k, n, reps, then the plan variants
     */
    public static void main(String[] args) {
        if (args.length < 6) {
            System.err.println("usage: KernelProfileCheck type d k n reps variant... (variant: default or "
                    + "wgs=W,tile=T,apt=A,scratch=R,rowloop=1,fused=1)");
            System.exit(2);
        }
        CovarianceType type = CovarianceType.parse(args[0]);
        int d = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        int reps = Integer.parseInt(args[4]);
        DeviceInfo dev = OpenClBackend.device(null);
        System.out.println("device " + dev);
        long t0 = System.nanoTime();
        ArrayDataset data = SyntheticMixture.generate(n, d, k, 42, true);
        System.out.printf(Locale.ROOT, "data %s N=%d D=%d K=%d float made in %.1f s%n", type, n, d, k,
                (System.nanoTime() - t0) / 1e9);
        Gaussians start = start(data, type, n, d, k);
        double refLl = Double.NaN;
        for (int v = 5; v < args.length; v++) {
            PlanOverride o;
            try {
                o = override(args[v]);
            } catch (IllegalArgumentException e) {
                System.out.println("variant " + args[v] + ": " + e.getMessage());
                continue;
            }
            OpenClBackend b = OpenClBackend.createProfiled(dev, Precision.FLOAT, o);
            try {
                System.out.println("variant " + args[v] + ": plan " + b.describePlan(n, d, k, type, false));
                long p0 = System.nanoTime();
                try (Pass pass = b.prepare(data, k, type)) {
                    System.out.printf(Locale.ROOT, "  prepared (kernels, upload) in %.2f s%n",
                            (System.nanoTime() - p0) / 1e9);
                    pass.accumulate(start);
                    SufficientStatistics st = pass.accumulate(start);
                    b.kernelTimes().drain();
                    long[] wall = new long[reps];
                    for (int r = 0; r < reps; r++) {
                        long s = System.nanoTime();
                        st = pass.accumulate(start);
                        wall[r] = System.nanoTime() - s;
                    }
                    Map<String, double[]> times = b.kernelTimes().drain();
                    Arrays.sort(wall);
                    double ll = st.logLik;
                    String agree = "";
                    if (Double.isNaN(refLl)) {
                        refLl = ll;
                    } else {
                        double rel = Math.abs(ll - refLl) / Math.abs(refLl);
                        agree = String.format(Locale.ROOT, ", vs first %.1e%s", rel, rel > 1e-5 ? " DIFFERS" : "");
                    }
                    System.out.printf(Locale.ROOT, "  pass: median %.3f ms wall (min %.3f), logLik %.10e%s%n",
                            wall[reps / 2] / 1e6, wall[0] / 1e6, ll, agree);
                    double dev0 = 0;
                    for (Map.Entry<String, double[]> e : times.entrySet()) {
                        dev0 += e.getValue()[0];
                    }
                    for (Map.Entry<String, double[]> e : times.entrySet()) {
                        System.out.printf(Locale.ROOT, "  kernel %-8s %9.3f ms/pass (%4.1f%%), %5.1f launches/pass%n",
                                e.getKey(), e.getValue()[0] / reps, 100 * e.getValue()[0] / dev0,
                                e.getValue()[1] / reps);
                    }
                    System.out.printf(Locale.ROOT, "  kernels  %9.3f ms/pass of device time%n", dev0 / reps);
                }
            } catch (RuntimeException e) {
                System.out.println("  FAILED: " + e.getMessage());
            } finally {
                b.close();
                b.closeProfilingContext();
            }
        }
    }

    private static PlanOverride override(String spec) {
        PlanOverride o = PlanOverride.none();
        if (spec.equals("default")) {
            return o;
        }
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=", 2);
            if (p.length != 2) {
                throw new IllegalArgumentException("not key=value: " + kv);
            }
            long v = Long.parseLong(p[1]);
            switch (p[0]) {
                case "wgs": o = o.withWorkGroupSize((int) v); break;
                case "tile": o = o.withTileRows((int) v); break;
                case "apt": o = o.withTasksPerItem((int) v); break;
                case "scratch": o = o.withScratchRows(v); break;
                case "rowloop": o = o.withRowLoop(v != 0); break;
                case "fused": o = o.withFused(v != 0); break;
                default: throw new IllegalArgumentException("unknown setting " + p[0]);
            }
        }
        return o;
    }

    /** Means on k random rows, variances 4, equal weights (as the JMH benchmark). */
    private static Gaussians start(ArrayDataset data, CovarianceType t, int n, int d, int k) {
        SplittableRandom r = new SplittableRandom(7);
        double[] means = new double[k * d];
        double[] row = new double[d];
        for (int j = 0; j < k; j++) {
            data.read(r.nextInt(n), 1, row, 0);
            System.arraycopy(row, 0, means, j * d, d);
        }
        double[] w = new double[k];
        Arrays.fill(w, 1.0 / k);
        double[] cov = new double[Gaussians.covarianceLength(t, k, d)];
        if (t == CovarianceType.SPHERICAL || t == CovarianceType.DIAG) {
            Arrays.fill(cov, 4);
        } else {
            for (int b = 0; b < cov.length / (d * d); b++) {
                for (int a = 0; a < d; a++) {
                    cov[b * d * d + a * d + a] = 4;
                }
            }
        }
        return Gaussians.of(t, w, means, cov, 0);
    }
}
