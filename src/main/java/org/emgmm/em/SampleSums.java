package org.emgmm.em;

import java.util.SplittableRandom;

/**
 * The initialisation's sums over its sample of rows ({@link Initializer}: row-major features, weights, D features, m
 * rows): the statistics of hard assignments (k-means' labels, and the data covariance's single label) and of random
 * responsibilities (init "random"), every row added in row order, so the same bits wherever they are asked for.
 */
final class SampleSums {
    private final double[] x;
    private final double[] w;
    private final int d;
    private final int m;

    /**
     * @param x the sample, row-major m×d (not copied, not changed)
     * @param w the sample's weights
     * @param d features
     * @param m rows
     */
    SampleSums(double[] x, double[] w, int d, int m) {
        this.x = x;
        this.w = w;
        this.d = d;
        this.m = m;
    }

    /**
     * Hard-assignment statistics: every sample row added to its label's sums, in row order. The loop only calls
     * {@link #addHard} per row: a method called m times per K is compiled (C1, then C2) within the first K, where
     * a row loop in this method, called once per K, ran interpreted and then as C1's on-stack replacement (a first
     * 1e5 × 8 select spent ≈ 0.17 CPU-s here, for ≈ 30 M multiply-adds).
     */
    void hard(int[] labels, double[] c, SufficientStatistics st) {
        boolean outer = st.type.needsOuterProducts();
        double[] t = new double[d];
        for (int i = 0; i < m; i++) {
            addHard(i, labels[i], c, st, t, outer);
        }
    }

    /** Row i's weight, centred features and their second moments added to label j's sums ({@code t}: scratch). */
    private void addHard(int i, int j, double[] c, SufficientStatistics st, double[] t, boolean outer) {
        double wi = w[i];
        st.s0[j] += wi;
        st.weightSum += wi;
        for (int a = 0; a < d; a++) {
            t[a] = x[i * d + a] - c[j * d + a];
            st.s1[j * d + a] += wi * t[a];
        }
        addSecond(st, j, wi, t, outer);
    }

    /** Random responsibilities (init "random"): each row's K draws normalised, added in row order. */
    void random(int k, SplittableRandom rnd, SufficientStatistics st) {
        boolean outer = st.type.needsOuterProducts();
        double[] r = new double[k];
        double[] t = new double[d];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                r[j] = rnd.nextDouble();
                s += r[j];
            }
            st.weightSum += w[i];
            for (int j = 0; j < k; j++) {
                double rij = w[i] * r[j] / s;
                st.s0[j] += rij;
                for (int a = 0; a < d; a++) {
                    t[a] = x[i * d + a];
                    st.s1[j * d + a] += rij * t[a];
                }
                addSecond(st, j, rij, t, outer);
            }
        }
    }

    private void addSecond(SufficientStatistics st, int j, double r, double[] t, boolean outer) {
        if (outer) {
            int o = j * d * d;
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    st.s2[o + a * d + b] += r * t[a] * t[b];
                }
            }
        } else {
            for (int a = 0; a < d; a++) {
                st.s2[j * d + a] += r * t[a] * t[a];
            }
        }
    }

    /** Statistics of hard assignments, read only: copied into a fit's own. */
    record Hard(SufficientStatistics st) {
        void copyInto(SufficientStatistics to) {
            System.arraycopy(st.s0, 0, to.s0, 0, st.s0.length);
            System.arraycopy(st.s1, 0, to.s1, 0, st.s1.length);
            System.arraycopy(st.s2, 0, to.s2, 0, st.s2.length);
            to.weightSum = st.weightSum;
        }

        /**
         * Copies these statistics, with outer products, into {@code to}, which has squares only (diag, spherical):
         * each square is the diagonal term of the outer product, the same product summed over the same rows in the
         * same order, so the same bits as accumulating them anew.
         */
        void diagonalInto(SufficientStatistics to) {
            int d = to.d;
            System.arraycopy(st.s0, 0, to.s0, 0, st.s0.length);
            System.arraycopy(st.s1, 0, to.s1, 0, st.s1.length);
            for (int j = 0; j < to.k; j++) {
                for (int a = 0; a < d; a++) {
                    to.s2[j * d + a] = st.s2[j * d * d + a * d + a];
                }
            }
            to.weightSum = st.weightSum;
        }
    }
}
