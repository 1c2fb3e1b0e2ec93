package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;

/**
 * The float vector kernel's sample weights in double: the weight total of a pass is the sum of the weights
 * themselves, not of their float rounding (the sums S0, S1, S2 are {@link GatheredSums}'s, in double).
 */
final class Widen {
    private Widen() {
    }

    /** Reads the weights in double into {@code wd} (0 after the n-th) and their float rounding into {@code wf}. */
    static void weights(Dataset data, long start, int n, double[] wd, float[] wf) {
        data.readWeights(start, n, wd, 0);
        java.util.Arrays.fill(wd, n, wd.length, 0);
        for (int i = 0; i < n; i++) {
            wf[i] = (float) wd[i];
        }
    }

    /** @return the sum of {@code w[0, np)} in order */
    static double sum(double[] w, int np) {
        double s = 0;
        for (int i = 0; i < np; i++) {
            s += w[i];
        }
        return s;
    }
}
