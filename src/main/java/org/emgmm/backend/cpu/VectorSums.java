package org.emgmm.backend.cpu;

import org.emgmm.em.SufficientStatistics;

/**
 * The double vector kernel's weighted sums, by where each component lies: those near the reference
 * ({@link VectorParams#refOk}) through {@link SharedSums} (in 3×3 tiles where at least half the block's vectors
 * are listed, else over their listed vectors), the far ones about their own means through {@link OwnMeanSums}.
 * (The float kernel sums through {@link GatheredSums} instead.)
 */
final class VectorSums {
    private static final int PAD = VectorBlock.PAD;

    private final int k;
    private final int[] nzCount;
    private final SharedSums shared;
    private final OwnMeanSums own;

    VectorSums(VectorBlock b) {
        k = b.k;
        nzCount = b.nzCount;
        shared = new SharedSums(b);
        own = new OwnMeanSums(b);
    }

    /** Before a run's first block. */
    void begin(Params p) {
        shared.begin(p);
    }

    /** The block's weighted sums ({@code np} samples, responsibilities and listed vectors computed). */
    void block(Params p, VectorParams vp, int np, SufficientStatistics st) {
        int nv = np / VectorBlock.L;
        for (int j = 0; j < k; j++) {
            if (nzCount[PAD + j] == 0) {
                continue;
            }
            if (vp.refOk[j]) {
                shared.add(j, nv);
            } else if (p.full) {
                own.full(p, j, st);
            } else {
                own.diag(p, j, st);
            }
        }
        shared.sums(np, p.full);
    }

    /** After a run's last block: the shared sums into {@code st}. */
    void finish(Params p, VectorParams vp, SufficientStatistics st) {
        shared.finish(p, vp, st);
    }
}
