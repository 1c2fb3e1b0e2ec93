package org.emgmm.backend.cpu;

import org.emgmm.data.Dataset;

/**
 * What the float vector kernel hands to the double sums (issue 14: full and tied S0, S1, S2 in double from the
 * float values; the float S2 of nearly singular covariances went indefinite): its block widened to double, so the
 * double kernel's {@link SharedSums} and {@link OwnMeanSums} run on it unchanged. Every float is exact in double.
 */
final class Widen {
    private static final int BLOCK = Kernel.BLOCK;
    private static final int PAD = VectorBlock.PAD;

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

    /**
     * x (when some component is far from the reference), x − ref (when some is near), the weighted responsibilities and the lists of listed vectors of the float block {@code f} (np
     * samples) into the double block {@code w}: a listed float vector at offset i is the two double vectors at i
     * and i + L (L the double vector length).
     */
    static void block(VectorBlockF f, VectorBlock w, int np, VectorParams vp) {
        int d = f.d;
        int k = f.k;
        boolean anyFar = false;
        for (boolean ok : vp.refOk) {
            anyFar |= !ok;
        }
        if (anyFar) { // x serves only the sums of the components far from the reference
            widen(f.x, w.x, d, np);
        }
        if (vp.anyRef) { // x − ref only those of the near ones
            widen(f.tg, w.tg, d, np);
        }
        widen(f.lp, w.lp, k, np);
        int per = VectorBlockF.L / VectorBlock.L;
        for (int j = 0; j < k; j++) {
            int cnt = f.nzCount[PAD + j];
            int fo = j * VectorBlockF.VB;
            int wo = j * VectorBlock.VB;
            int c = 0;
            for (int q = 0; q < cnt; q++) {
                int i = f.nz[fo + q];
                for (int h = 0; h < per; h++) {
                    w.nz[wo + c++] = i + h * VectorBlock.L;
                }
            }
            w.nzCount[PAD + j] = c;
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

    private static void widen(float[] src, double[] dst, int rows, int np) {
        for (int r = 0; r < rows; r++) {
            int o = r * BLOCK;
            for (int i = 0; i < np; i++) {
                dst[o + i] = src[o + i];
            }
        }
    }
}
