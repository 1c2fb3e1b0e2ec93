package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.emgmm.backend.Backend;
import org.emgmm.config.CovarianceType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract: the free energy never increases, i.e. the lower bound (mean log-likelihood) history is non-decreasing
 * (DESIGN.md; Dempster, Laird and Rubin 1977; Bishop, PRML §9.4), over {@value #PROBLEMS} seeded random problems
 * covering every covariance type, D from 1 to 8 and K from 1 to 6.
 *
 * <p>The theorem covers exact EM, so these fits use {@code regCovar = 0} (regularised EM is not guaranteed
 * monotone). For that to be well defined nothing may degenerate: each component gets 25 + 5·D samples, enough for
 * a non-singular D×D covariance, and the means are spread 4 within-component scales apart on average; no
 * component is re-seeded (checked), which would break monotonicity on purpose. A double backend may lose at most
 * {@link Tolerances#MONOTONE_F64} relative per iteration (rounding), a float backend
 * {@link Tolerances#MONOTONE_F32}.
 */
class FreeEnergyMonotoneTest {
    /** Problems per (type, D) shape. */
    static final int PER_SHAPE = 4;
    /** 4 types × 8 values of D × {@link #PER_SHAPE}. */
    static final int PROBLEMS = 4 * 8 * PER_SHAPE;
    static final int ITERATIONS = 30;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.emgmm.TestBackends#all")
    void lowerBoundNeverDecreases(TestBackends.NamedBackend nb) {
        double slack = nb.tolerances().monotone;
        CovarianceType[] types = CovarianceType.values();
        int increased = 0;
        boolean[] seenK = new boolean[7];
        try (Backend backend = nb.open()) {
            for (int p = 0; p < PROBLEMS; p++) {
                // Every (type, D) pair, D = 1..8, with K cycling through 1..6; each shape gets PER_SHAPE problems
                // with different random data (few distinct shapes: a backend may compile per shape).
                int shape = p / PER_SHAPE;
                CovarianceType type = types[shape % types.length];
                int d = 1 + shape / types.length;
                int k = 1 + (d + 2 * type.ordinal()) % 6;
                seenK[k] = true;
                Synthetic s = Synthetic.generate(1000 + p, type, d, k, 25 + 5 * d, 4.0);
                GmmSettings settings = GmmSettings.builder().k(k).covarianceType(type).regCovar(0).tol(0)
                        .maxIter(ITERATIONS).start(s.start()).precision(nb.precision()).build();
                String what = nb + " problem " + p + " (" + type.jsonName() + ", d=" + d + ", k=" + k + ")";
                MixtureModel m = new GaussianMixture(settings).fit(s.dataset(), backend, new FitListener() { });
                assertTrue(m.events().isEmpty(), what + ": unexpected events " + m.events());
                double[] h = m.lowerBoundHistory();
                assertEquals(ITERATIONS, h.length, what + ": history length");
                for (int t = 1; t < h.length; t++) {
                    if (!Double.isFinite(h[t]) || h[t] < h[t - 1] - slack * Math.abs(h[t - 1])) {
                        fail(what + ": lower bound fell from " + h[t - 1] + " to " + h[t] + " at iteration "
                                + (t + 1));
                    }
                }
                if (h[h.length - 1] > h[0] + 1e-6 * Math.abs(h[0])) {
                    increased++;
                }
            }
        }
        for (int k = 1; k <= 6; k++) {
            assertTrue(seenK[k], "K = " + k + " never tried");
        }
        // The property is not vacuous: EM moved the lower bound up in most problems (K = 1 converges at once).
        assertTrue(increased > PROBLEMS / 2, "the lower bound rose in only " + increased + " problems");
    }
}
