package org.emgmm.backend.opencl;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The exact bits of one OpenCL pass over a matrix of shapes and plans, for checking that a change to the kernels'
 * sources that should compute the same thing does: run it before and after, and {@code diff} the outputs. One line
 * per case (D, K, covariance type, precision, weighted or not, plan): the SHA-256 (first 16 hex digits) of the
 * log-likelihood, the weight sum and S0, S1, S2 as IEEE bits, and the plan's description. Every kernel is
 * covered: estep and accum at the device's own plan, at GPU-shaped plans (several component tiles, row phases),
 * with the one-row accumulation, and the fused kernel where it applies; the data span several tiles per group and
 * FLUSH runs.
 *
 * <p>Arguments: optional shapes (see main). The device is the first GPU, else the first device (PoCL here). About 30 minutes on PoCL on
 * the shared 2-core machine:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat cp.txt)
 * org.emgmm.backend.opencl.KernelBitsCheck > after.txt} (cp.txt from {@code mvn dependency:build-classpath}).
 */
public final class KernelBitsCheck {
    private KernelBitsCheck() {
    }

    /** @param args shapes {@code D:K} or {@code D:K:TYPE,TYPE} (covariance types); none: the default matrix */
    public static void main(String[] args) throws NoSuchAlgorithmException {
        DeviceInfo dev = OpenClBackend.device(null);
        PlanOverride g64 = PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1);
        PlanOverride g256 = PlanOverride.none().withWorkGroupSize(256).withTasksPerItem(1);
        PlanOverride[] plans = {PlanOverride.none(), g64, g64.withTileRows(16), g256, g64.withRowLoop(true),
            g256.withRowLoop(true), g64.withFused(true), g64.withTileRows(16).withFused(true), g256.withFused(true),
            g256.withRowLoop(true).withFused(true), g64.withTasksPerItem(4).withFused(true)};
        String[] shapes = args.length > 0 ? args : new String[] {"1:1", "5:3", "3:7", "16:16", "7:40"};
        for (String shape : shapes) {
            String[] f = shape.split(":");
            int[] dk = {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
            for (CovarianceType t : CovarianceType.values()) {
                if (f.length > 2 && !java.util.Arrays.asList(f[2].toUpperCase(java.util.Locale.ROOT).split(","))
                        .contains(t.name())) {
                    continue;
                }
                for (Precision p : Precision.values()) {
                    for (boolean weighted : new boolean[] {false, true}) {
                        for (PlanOverride o : plans) {
                            if (o.fused() && t.needsOuterProducts()) {
                                continue;
                            }
                            System.out.println(line(dev, dk[0], dk[1], t, p, weighted, o));
                        }
                    }
                }
            }
        }
    }

    private static String line(DeviceInfo dev, int d, int k, CovarianceType t, Precision p, boolean weighted,
                               PlanOverride o) throws NoSuchAlgorithmException {
        int n = 5000;
        ArrayDataset data = OpenClTestSupport.blobs(n, d, Math.min(k, 8), 0, 11 + d + k);
        SplittableRandom r = new SplittableRandom(d * 131 + k);
        if (weighted) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = r.nextInt(3) * 0.75;
            }
            data = data.withWeights(w);
        }
        Gaussians g = OpenClVsCpuTest.startOf(data, d, k, t, r);
        SufficientStatistics st;
        String plan;
        try (OpenClBackend b = OpenClBackend.create(dev, p, 0, o); Pass pass = b.prepare(data, k, t)) {
            plan = ((OpenClPass) pass).plan().toString();
            st = pass.accumulate(g);
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer bb = ByteBuffer.allocate(8 * (2 + st.s0.length + st.s1.length + st.s2.length));
        bb.putDouble(st.logLik).putDouble(st.weightSum);
        for (double[] a : new double[][] {st.s0, st.s1, OpenClVsCpuTest.upper(st.s2, t, k, d)}) {
            for (double v : a) {
                bb.putDouble(v);
            }
        }
        md.update(bb.array());
        return String.format("D=%d K=%d %s %s weighted=%b %s %s | %s", d, k, t, p, weighted, o,
                HexFormat.of().formatHex(md.digest()).substring(0, 16), plan);
    }
}
