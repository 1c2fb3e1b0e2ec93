package org.emgmm.backend;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The default {@link MultiPass}: one {@link Pass} per model shape (K, covariance type), prepared on first use and
 * run one after the other, so the results are those of the separate passes by construction. A shape missing from a
 * call (its model converged) has its pass closed.
 */
final class LoopingMultiPass implements MultiPass {
    private final Backend backend;
    private final Dataset data;
    private final Map<String, Pass> passes = new HashMap<>();

    LoopingMultiPass(Backend backend, Dataset data) {
        this.backend = backend;
        this.data = data;
    }

    private static String key(int k, CovarianceType type) {
        return k + "/" + type;
    }

    @Override
    public SufficientStatistics[] accumulate(Gaussians[] models) {
        Set<String> used = new HashSet<>();
        SufficientStatistics[] out = new SufficientStatistics[models.length];
        for (int i = 0; i < models.length; i++) {
            Gaussians g = models[i];
            String key = key(g.k, g.type);
            used.add(key);
            Pass p = passes.get(key);
            if (p == null) {
                p = backend.prepare(data, g.k, g.type);
                passes.put(key, p);
            }
            out[i] = p.accumulate(g);
        }
        for (Iterator<Map.Entry<String, Pass>> it = passes.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pass> e = it.next();
            if (!used.contains(e.getKey())) {
                e.getValue().close();
                it.remove();
            }
        }
        return out;
    }

    @Override
    public void close() {
        passes.values().forEach(Pass::close);
        passes.clear();
    }
}
