package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.emgmm.backend.MultiPass;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;

/**
 * One iteration of a model search on an OpenCL device: the shared pass ({@link OpenClMultiPass}, one copy or one
 * stream of the rows for all candidates) against each candidate's own pass one after the other, measured in the
 * same run, resident and streamed. Not a test: a benchmark for a GPU session (see bench/results/gpu-model.md).
 *
 * <pre>
 * java ... org.emgmm.backend.opencl.MultiPassBench [n] [d] [maxK] [types: full,diag,...] [reps] [float|double] [device]
 * </pre>
 */
public final class MultiPassBench {
    private MultiPassBench() {
    }

    /** @param args n d maxK types reps precision device (all optional) */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int maxK = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        List<CovarianceType> types = new ArrayList<>();
        for (String t : (args.length > 3 ? args[3] : "full,diag").split(",")) {
            types.add(CovarianceType.valueOf(t.trim().toUpperCase(Locale.ROOT)));
        }
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        Precision p = args.length > 5 ? Precision.valueOf(args[5].toUpperCase(Locale.ROOT)) : Precision.FLOAT;
        DeviceInfo dev = OpenClBackend.device(args.length > 6 ? args[6] : null);
        ArrayDataset data = OpenClTestSupport.blobs(n, d, 5, 0, 3);
        List<Gaussians> models = new ArrayList<>();
        for (CovarianceType t : types) {
            for (int k = 1; k <= maxK; k++) {
                models.add(start(data, k, t));
            }
        }
        Gaussians[] all = models.toArray(new Gaussians[0]);
        long bytes = (long) n * d * (p == Precision.FLOAT ? 4 : 8);
        System.out.printf(Locale.ROOT, "device %s, %s, n=%d d=%d, %d candidates (K=1..%d x %s)%n", dev.name(), p, n,
                d, all.length, maxK, types);
        for (long cap : new long[] {0, bytes / 4}) {
            try (OpenClBackend cl = OpenClBackend.create(List.of(dev), p, cap, 0, PlanOverride.none());
                 MultiPass multi = cl.prepareMulti(data)) {
                List<Pass> alone = new ArrayList<>();
                for (Gaussians g : all) {
                    alone.add(cl.prepare(data, g.k, g.type));
                }
                multi.accumulate(all); // warm: kernels compiled, rows uploaded
                for (int i = 0; i < all.length; i++) {
                    alone.get(i).accumulate(all[i]);
                }
                double[] tm = new double[reps];
                double[] ta = new double[reps];
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < all.length; i++) {
                        alone.get(i).accumulate(all[i]);
                    }
                    long t1 = System.nanoTime();
                    multi.accumulate(all);
                    long t2 = System.nanoTime();
                    ta[r] = (t1 - t0) / 1e6;
                    tm[r] = (t2 - t1) / 1e6;
                }
                alone.forEach(Pass::close);
                Arrays.sort(tm);
                Arrays.sort(ta);
                double m = tm[reps / 2];
                double a = ta[reps / 2];
                System.out.printf(Locale.ROOT, "%-9s %s: one pass per candidate %.1f ms, shared pass %.1f ms "
                        + "(median of %d): %.2fx%n", cap == 0 ? "resident" : "streamed",
                        cl.describePlan(n, d, maxK, types.get(0), false), a, m, reps, a / m);
            }
        }
    }

    private static Gaussians start(ArrayDataset data, int k, CovarianceType type) {
        int d = data.dims();
        double[] means = new double[k * d];
        for (int j = 0; j < k; j++) {
            data.read(31L * j, 1, means, j * d);
        }
        double[] w = new double[k];
        Arrays.fill(w, 1.0 / k);
        double[] cov;
        if (type == CovarianceType.FULL || type == CovarianceType.TIED) {
            int blocks = type == CovarianceType.FULL ? k : 1;
            cov = new double[blocks * d * d];
            for (int b = 0; b < blocks; b++) {
                for (int a = 0; a < d; a++) {
                    cov[(b * d + a) * d + a] = 2;
                }
            }
        } else {
            cov = new double[type == CovarianceType.DIAG ? k * d : k];
            Arrays.fill(cov, 2);
        }
        return Gaussians.of(type, w, means, cov, 0);
    }
}
