package org.emgmm.backend.opencl;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.emgmm.backend.Pass;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * {@code bench/gpu-check.sh}'s {@code profile} stage: where one pass's device time goes, per kernel, and how it
 * moves with the launch plan. For one shape it makes the data once ({@link SyntheticMixture}, float, the JMH
 * benchmark's recipe and start: means on K random rows, variances 4), then for each plan variant opens a backend on
 * a profiling context of its own, prints the plan, runs two untimed passes, then {@code reps} passes and prints
 * the median wall time of a pass and, per kernel, the device milliseconds and launches per pass (OpenCL event
 * profiling), each kernel's limits as the device reports them (largest work-group, local and private memory; on
 * NVIDIA the compiler's register and spill counts from its build log too). Every variant's log-likelihood and sums
 * S0, S1, S2 are compared with the first's (largest difference over the largest magnitude of each array): a variant
 * that computes something else is marked {@code DIFFERS}
 * (plans change only the order of float sums, so agreement is to about 1e-6).
 *
 * <p>Arguments: {@code type d k n reps variant...}; a variant is {@code default} or comma-separated settings
 * {@code wgs=W}, {@code tile=T}, {@code apt=A}, {@code scratch=ROWS}, {@code rowloop=1}, {@code fused=1}
 * (PlanOverride; the plan line says " fused" where the fused kernel applies). Example:
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
        Gaussians start = SyntheticMixture.start(data, type, k);
        double refLl = Double.NaN;
        SufficientStatistics ref = null;
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
                    if (pass instanceof OpenClPass) {
                        System.out.println("  limits " + ((OpenClPass) pass).kernelLimits());
                    }
                    for (Map.Entry<String, String> log : b.buildLogs().entrySet()) {
                        String file = log.getKey().substring(0, log.getKey().indexOf(' '));
                        log.getValue().lines().filter(l -> l.contains("registers") || l.contains("spill")
                                || l.contains("stack frame")).forEach(l -> System.out.println("  build " + file
                                + ": " + l.strip()));
                    }
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
                    if (ref == null) {
                        refLl = ll;
                        ref = st;
                    } else {
                        double rel = Math.max(Math.abs(ll - refLl) / Math.abs(refLl),
                                Math.max(relDiff(ref.s0, st.s0), Math.max(relDiff(ref.s1, st.s1),
                                        relDiff(ref.s2, st.s2))));
                        agree = String.format(Locale.ROOT, ", statistics vs first %.1e%s", rel,
                                rel > 1e-4 ? " DIFFERS" : "");
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

    /** @return max |a - b| over max |a| (0 for an all-zero a) */
    private static double relDiff(double[] a, double[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
