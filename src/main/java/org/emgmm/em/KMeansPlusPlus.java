package org.emgmm.em;

import java.util.SplittableRandom;

/**
 * Greedy k-means++ seeding (Arthur and Vassilvitskii, 2007) over an {@link Initializer}'s sample, weighted by sample
 * weight: the first centre a row drawn in proportion to its weight; for each next one, {@link #localTrials} rows
 * drawn in proportion to their weight times their squared distance to the nearest centre so far, and the one that
 * leaves the lowest potential (the weighted sum of those distances) kept, as scikit-learn's {@code kmeans_plusplus}.
 * Plain k-means++ (one draw per centre) often seeds two centres in one well-separated cluster and none in another, a
 * split-and-merge that neither Lloyd nor EM undoes: on bench/select's 1e6×16 five blobs it did for 7 of 40 seeds
 * (a 50,000-row sample, numpy), and {@code emgmm select} chose k = 6 where scikit-learn chose k = 5. The distance
 * updates run over the sample's row blocks ({@link Initializer#forRowBlocks}, in parallel when worth it); each row's
 * distance depends only on that row, and the draws and potentials run in row order, so the seeds are the same bits
 * at any thread count.
 */
final class KMeansPlusPlus {
    private KMeansPlusPlus() {
    }

    /**
     * @param in the sample
     * @param k centres
     * @param rnd generator (advanced by 1 + (K − 1)·localTrials(K) draws)
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
        firstDistances(in, c, dmin);
        double[] p = new double[m];
        int trials = localTrials(k);
        double[][] tried = new double[trials][m];
        for (int j = 1; j < k; j++) {
            for (int i = 0; i < m; i++) {
                p[i] = w[i] * dmin[i];
            }
            int best = -1;
            int bestPick = 0;
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                int pick = pickWeighted(p, rnd);
                double potential = minDistancesWith(in, pick, dmin, tried[t]);
                if (best < 0 || potential < bestPotential) {
                    best = t;
                    bestPick = pick;
                    bestPotential = potential;
                }
            }
            System.arraycopy(x, bestPick * d, c, j * d, d);
            System.arraycopy(tried[best], 0, dmin, 0, m);
        }
        return c;
    }

    /** How many candidates each centre after the first draws: {@code 2 + ⌊ln K⌋}, as scikit-learn. */
    static int localTrials(int k) {
        return 2 + (int) Math.log(k);
    }

    /** {@code dmin[i] = ‖x_i − c_0‖²}: every sample row's distance to the first centre. */
    private static void firstDistances(Initializer in, double[] c, double[] dmin) {
        in.forRowBlocks((long) in.sampleRows() * in.dims(), (lo, hi) -> {
            double[] dist = new double[hi - lo];
            in.distances(c, 0, lo, hi, dist);
            System.arraycopy(dist, 0, dmin, lo, hi - lo);
        });
    }

    /**
     * {@code out[i] = min(dmin[i], ‖x_i − x_pick‖²)} for every sample row, and the potential with row {@code pick}
     * as a centre: {@code Σ w_i·out[i]}, summed in row order (the same bits at any thread count).
     */
    private static double minDistancesWith(Initializer in, int pick, double[] dmin, double[] out) {
        int d = in.dims();
        double[] centre = java.util.Arrays.copyOfRange(in.rowMajor(), pick * d, (pick + 1) * d);
        in.forRowBlocks((long) in.sampleRows() * d, (lo, hi) -> {
            double[] dist = new double[hi - lo];
            in.distances(centre, 0, lo, hi, dist);
            for (int i = 0; i < hi - lo; i++) {
                out[lo + i] = Math.min(dmin[lo + i], dist[i]);
            }
        });
        double[] w = in.weights();
        double potential = 0;
        for (int i = 0; i < out.length; i++) {
            potential += w[i] * out[i];
        }
        return potential;
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
