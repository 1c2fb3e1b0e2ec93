package org.emgmm.backend.opencl;

import java.io.PrintWriter;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.cli.Main;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;

/**
 * Run in a child JVM by {@link SignalChainingTest}: loads OpenCL the ways a user does (each argument a step), then
 * keeps the JVM busy with the things HotSpot handles through signals, and prints what happened.
 *
 * <ul>
 *   <li>{@code devices}: {@code emgmm devices} (lists the platforms: loads every installed runtime);
 *   <li>{@code auto}: {@code emgmm bench --backend auto} on a problem large enough for auto to look for a GPU;
 *   <li>{@code bench-opencl}: {@code emgmm bench --backend opencl} (kernels compiled and run);
 *   <li>{@code compare}: {@code emgmm bench --compare} (every backend, OpenCL devices included, one small shape);
 *   <li>{@code opencl}: a library fit on the OpenCL backend;
 *   <li>{@code auto-no-discovery}: a library fit under auto with {@code openClDiscovery(false)}, on a problem large
 *       enough for auto to look for a GPU otherwise;
 *   <li>{@code cpu=S}: CPU fits for S seconds, with a null dereference in compiled code (HotSpot's implicit null
 *       checks fault with SIGSEGV) and a full GC in every round; prints the number of rounds.
 * </ul>
 */
public final class SignalProbe {
    private SignalProbe() {
    }

    /** A field read through a null reference, so that compiled code takes the implicit (SIGSEGV) null check. */
    private static final class Box {
        int v;
    }

    private static int read(Box b) {
        return b.v;
    }

    /** @param args the steps */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        for (String step : args) {
            if (step.equals("devices")) {
                out.println("devices exit=" + Main.run(out, err, "devices"));
            } else if (step.equals("auto") || step.equals("bench-opencl")) {
                String backend = step.equals("auto") ? "auto" : "opencl";
                // N·K·D = 200 000 · 16 · 4 = 1.28e7: above auto's threshold, so auto lists the devices
                out.println(step + " exit=" + Main.run(out, err, "bench", "--backend", backend, "--n", "200000",
                        "--d", "4", "--k", "16", "--covariance", "diag", "--precision", "float", "--iters", "1",
                        "--warmup", "0", "--json"));
            } else if (step.equals("compare")) {
                out.println("compare exit=" + Main.run(out, err, "bench", "--compare", "--n", "20000", "--d", "4",
                        "--k", "4", "--iters", "1", "--warmup", "1"));
            } else if (step.equals("auto-no-discovery")) {
                // N·K·D = 1e6 · 4 · 4 = 1.6e7: above auto's threshold
                ArrayDataset data = OpenClTestSupport.blobs(1_000_000, 4, 4, 0, 3);
                GmmSettings s = GmmSettings.builder().k(4).covarianceType(CovarianceType.DIAG).maxIter(2)
                        .openClDiscovery(false).build();
                MixtureModel m = new GaussianMixture(s).fit(data);
                out.println("auto-no-discovery backend=" + m.backend() + " events=" + m.events().size());
            } else if (step.equals("opencl")) {
                MixtureModel m = fit(BackendKind.OPENCL, 0);
                out.println("opencl backend=" + m.backend() + " iterations=" + m.nIter());
            } else if (step.startsWith("cpu=")) {
                long until = System.nanoTime() + (long) (Double.parseDouble(step.substring(4)) * 1e9);
                int rounds = 0;
                int npe = 0;
                Box[] boxes = {new Box(), null};
                while (System.nanoTime() < until) {
                    fit(BackendKind.CPU, rounds);
                    for (int i = 0; i < 200_000; i++) {
                        try {
                            npe -= read(boxes[i & 1]);
                        } catch (NullPointerException e) {
                            npe++;
                        }
                    }
                    System.gc();
                    rounds++;
                }
                out.println("cpu rounds=" + rounds + " nulls=" + npe);
            } else {
                throw new IllegalArgumentException("unknown step " + step);
            }
        }
        out.println("done");
    }

    private static MixtureModel fit(BackendKind backend, long seed) {
        ArrayDataset data = OpenClTestSupport.blobs(20_000, 4, 3, 0, seed + 1);
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(CovarianceType.FULL).maxIter(5).seed(seed)
                .backend(backend).precision(Precision.FLOAT).build();
        return new GaussianMixture(s).fit(data);
    }
}
