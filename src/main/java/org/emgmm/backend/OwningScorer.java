package org.emgmm.backend;

import java.util.Set;
import org.emgmm.em.Gaussians;

/** A scorer that also closes the backend it was opened on (the default {@link Backend#scorer}'s CPU backend). */
final class OwningScorer implements Scorer {
    private final Scorer scorer;
    private final Backend owned;

    OwningScorer(Scorer scorer, Backend owned) {
        this.scorer = scorer;
        this.owned = owned;
    }

    @Override
    public <T> ScoreTotals run(Gaussians params, Set<RowOutput> outputs, ScoreSink<T> sink) {
        return scorer.run(params, outputs, sink);
    }

    @Override
    public void close() {
        try {
            scorer.close();
        } finally {
            owned.close();
        }
    }
}
