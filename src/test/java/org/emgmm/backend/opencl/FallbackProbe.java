package org.emgmm.backend.opencl;

import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;

/**
 * Run in a child JVM by {@link FallbackTest} with OpenCL hidden: fits with the backend named by the argument and
 * prints what ran ("backend=...", "event=...") or the error ("error=...").
 */
public final class FallbackProbe {
    private FallbackProbe() {
    }

    /** @param args auto or opencl */
    public static void main(String[] args) {
        // large enough for auto to consider a GPU: N·K·D = 1.25e6 · 4 · 2 = 1e7
        ArrayDataset data = OpenClTestSupport.blobs(1_250_000, 2, 4, 0, 1);
        GmmSettings s = GmmSettings.builder().k(4).covarianceType(CovarianceType.DIAG).maxIter(1)
                .backend(BackendKind.parse(args[0])).build();
        try {
            MixtureModel m = new GaussianMixture(s).fit(data);
            System.out.println("backend=" + m.backend());
            for (String e : m.events()) {
                System.out.println("event=" + e);
            }
        } catch (RuntimeException e) {
            System.out.println("error=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            // whether an OpenCL library was loaded into this process (Linux)
            String maps = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/maps"));
            System.out.println("openclLoaded=" + maps.contains("libOpenCL"));
        } catch (java.io.IOException e) {
            System.out.println("openclLoaded=unknown");
        }
    }
}
