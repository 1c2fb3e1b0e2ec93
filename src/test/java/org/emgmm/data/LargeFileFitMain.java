package org.emgmm.data;

import java.nio.file.Path;
import java.util.Locale;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;

/**
 * Run in a child JVM with a small heap by {@link LargeFileFitTest}: opens a raw float32 file through
 * {@link DataSources} (memory-mapped) and fits K = 2, diag, 3 iterations on the CPU backend.
 *
 * <p>Arguments: file, dims. Prints {@code heap MAX}, {@code rows N}, {@code weights W0 W1} and {@code means ...}
 * (components in the model's order).
 */
public final class LargeFileFitMain {
    private LargeFileFitMain() {
    }

    /**
     * @param args file path and number of features
     * @throws Exception on any failure (non-zero exit)
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int dims = Integer.parseInt(args[1]);
        Dataset data = DataSources.open(file, new InputOptions(null, null, null, null, null, dims));
        GmmSettings s = GmmSettings.builder().k(2).covarianceType(CovarianceType.DIAG).maxIter(3).seed(1)
                .backend(BackendKind.CPU).build();
        MixtureModel m = new GaussianMixture(s).fit(data);
        System.out.println("heap " + Runtime.getRuntime().maxMemory());
        System.out.println("rows " + data.rows() + " " + data.getClass().getSimpleName());
        StringBuilder w = new StringBuilder("weights");
        StringBuilder mu = new StringBuilder("means");
        for (int j = 0; j < 2; j++) {
            w.append(' ').append(m.weights()[j]);
            for (double v : m.means()[j]) {
                mu.append(' ').append(String.format(Locale.ROOT, "%.17g", v));
            }
        }
        System.out.println(w);
        System.out.println(mu);
        System.out.println("iterations " + m.nIter() + " lower_bound " + m.lowerBound());
    }
}
