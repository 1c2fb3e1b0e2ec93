package org.emgmm.em;

import java.util.SplittableRandom;

/**
 * k-means++ seeding (Arthur and Vassilvitskii, 2007) over an {@link Initializer}'s sample, weighted by sample
 * weight: the first centre a row drawn in proportion to its weight, each next one a row drawn in proportion to
 * its weight times its squared distance to the nearest centre so far. The distance updates run over the sample's
 * row blocks ({@link Initializer#forRowBlocks}, in parallel when worth it); each row's distance depends only on
 * that row and the draws run in row order, so the seeds are the same bits at any thread count.
 */
final class KMeansPlusPlus {
    private KMeansPlusPlus() {
    }

    /**
     * @param in the sample
     * @param k centres
     * @param rnd generator (advanced by K draws)
     * @return the K seeds, K×D, each a copy of a sample row
     */
    static double[] seeds(Initializer in, int k, SplittableRandom rnd) {
        int d = in.dims();
        int m = in.sampleRows();
        double[] x = in.rowMajor();
        double[] w = in.weights();
        double[] c = new double[k * d];
        double[] dmin = new double[m];
        int first = pickWeighted(w, rnd);
        System.arraycopy(x, first * d, c, 0, d);
        updateMinDistances(in, c, 0, dmin, true);
        double[] p = new double[m];
        for (int j = 1; j < k; j++) {
            for (int i = 0; i < m; i++) {
                p[i] = w[i] * dmin[i];
            }
            int pick = pickWeighted(p, rnd);
            System.arraycopy(x, pick * d, c, j * d, d);
            updateMinDistances(in, c, j, dmin, false);
        }
        return c;
    }

    /** {@code dmin[i] = min(dmin[i], ‖x_i − c_j‖²)}, or {@code = ‖x_i − c_j‖²} when {@code first}. */
    private static void updateMinDistances(Initializer in, double[] c, int j, double[] dmin, boolean first) {
        in.forRowBlocks((long) in.sampleRows() * in.dims(), (lo, hi) -> {
            int len = hi - lo;
            double[] dist = new double[len];
            in.distances(c, j, lo, hi, dist);
            for (int i = 0; i < len; i++) {
                dmin[lo + i] = first ? dist[i] : Math.min(dmin[lo + i], dist[i]);
            }
        });
    }

    /** Index drawn with probability proportional to p (uniform when p is all zero). */
    private static int pickWeighted(double[] p, SplittableRandom rnd) {
        double total = 0;
        for (double v : p) {
            total += v;
        }
        if (!(total > 0)) {
            return rnd.nextInt(p.length);
        }
        double u = rnd.nextDouble() * total;
        double c = 0;
        for (int i = 0; i < p.length; i++) {
            c += p[i];
            if (u < c && p[i] > 0) {
                return i;
            }
        }
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return p.length - 1;
    }
}
