package org.emgmm.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.FitListener;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.StartParameters;
import org.emgmm.em.EmLoop;
import org.emgmm.em.Gaussians;
import org.emgmm.em.Initializer;

/**
 * The fit on a cluster: the core's initialisation (over the same sample rows as on one machine) and the core's
 * {@link EmLoop} over a {@link SparkPass}, restart for restart as {@link org.emgmm.GaussianMixture} runs them.
 */
final class SparkEm {
    private SparkEm() {
    }

    /**
     * @param data packed, checked data
     * @param s settings (k, type, tol, regCovar, maxIter, nInit, seed, init, start, backend, precision)
     * @param listener progress
     * @param fanIn partial sums added on the driver at most
     * @return the fitted model
     */
    static MixtureModel fit(PackedData data, GmmSettings s, FitListener listener, int fanIn) {
        StartParameters start = s.start();
        SplittableRandom root = new SplittableRandom(s.seed());
        Initializer init = data.initializer(s.seed());
        EmLoop.Result best = null;
        List<String> backends;
        try (SparkPass pass = new SparkPass(data, s.k(), s.covarianceType(), s.backend(), s.precision(), fanIn)) {
            for (int r = 0; r < s.nInit(); r++) {
                SplittableRandom rnd = root.split();
                listener.initStarted(r, s.nInit());
                Gaussians g0 = init.initialize(s.k(), s.covarianceType(), s.init(), s.regCovar(),
                        start == null ? null : start.weights(), start == null ? null : start.means(),
                        start == null ? null : start.covariances(), rnd);
                EmLoop.Result res = EmLoop.run(pass, g0, s.tol(), s.regCovar(), s.maxIter(), r, init, rnd, listener);
                if (res.beats(best)) { // the core's rule, ties within rounding included
                    best = res;
                }
                if (res.stopped) {
                    break;
                }
            }
            backends = pass.backends();
        }
        List<String> events = new ArrayList<>(best.events);
        // "cpu", "opencl", or "cpu+opencl" when some tasks had a GPU and others not
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (String b : backends) {
            names.add(b.split(" ", 2)[0]);
        }
        String name = names.isEmpty() ? "none" : String.join("+", names);
        String device = "Spark, " + data.partitions() + (data.partitions() == 1 ? " partition" : " partitions")
                + " in " + data.layout + ": " + String.join("; ", backends);
        return MixtureModel.fitted(best.params, best.converged && !best.stopped, best.history.length,
                best.lowerBound(), best.history, s, name, device, events);
    }
}
