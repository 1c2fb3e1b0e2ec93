package org.emgmm.em;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.Dataset;

/**
 * The single-threaded, row-major Initializer as of commit c8cb081, kept verbatim as the reference of
 * InitializerTest, but for the greedy k-means++ draws (9d5d02c) and Lloyd's stop on the centres' move (issue 16,
 * scikit-learn's KMeans tol), each added here in the same plain loops. Starting parameters for EM, computed on the host from a sample of the data (all rows up to {@link #MAX_SAMPLE},
 * else a seeded random subset), as scikit-learn's {@code _initialize_parameters}: responsibilities from the
 * chosen method, then one M step (with regCovar) turns them into weights, means and covariances. User-given
 * parts of a start replace the estimated ones.
 */
final class ReferenceInitializer {
    /** Rows used for initialisation at most. */
    public static final int MAX_SAMPLE = 50_000;
    private static final int LLOYD_MAX_ITER = 100;

    private final int d;
    private final int m;
    private final double[] x;
    private final double[] w;

    /**
     * Draws the initialisation sample (seeded, so the same seed gives the same sample).
     *
     * @param data the data
     * @param seed random seed
     */
    ReferenceInitializer(Dataset data, long seed) {
        this.d = data.dims();
        long n = data.rows();
        this.m = (int) Math.min(n, MAX_SAMPLE);
        this.x = new double[m * d];
        this.w = new double[m];
        if (m == n) {
            data.read(0, m, x, 0);
            data.readWeights(0, m, w, 0);
        } else {
            // Sorted distinct random rows, read one at a time.
            SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
            long[] rows = rnd.longs(0, n).distinct().limit(m).sorted().toArray();
            for (int i = 0; i < m; i++) {
                data.read(rows[i], 1, x, i * d);
                data.readWeights(rows[i], 1, w, i);
            }
        }
    }

    /** @return the number of sample rows held */
    public int sampleRows() {
        return m;
    }

    /**
     * @param rnd generator
     * @return a copy of one random sample row (used to re-seed a collapsed component)
     */
    public double[] randomRow(SplittableRandom rnd) {
        int i = rnd.nextInt(m);
        return Arrays.copyOfRange(x, i * d, (i + 1) * d);
    }

    /**
     * The sample covariance of the data sample in the layout of one component of {@code type} (spherical 1 value,
     * diag D, full and tied D×D), plus regCovar.
     *
     * @param type covariance type
     * @param regCovar regularisation
     * @return the covariance
     */
    public double[] dataCovariance(CovarianceType type, double regCovar) {
        SufficientStatistics st = new SufficientStatistics(1, d, type);
        double[] mean = new double[d];
        double tw = 0;
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < d; a++) {
                mean[a] += w[i] * x[i * d + a];
            }
            tw += w[i];
        }
        for (int a = 0; a < d; a++) {
            mean[a] /= tw;
        }
        int[] labels = new int[m];
        accumulateHard(labels, mean, st);
        Gaussians g = MStep.apply(st, mean, regCovar, 0);
        return type == CovarianceType.SPHERICAL ? new double[] {g.covariances[0]} : g.covariances;
    }

    /**
     * Starting parameters.
     *
     * @param k components
     * @param type covariance type
     * @param method method for what the start does not give
     * @param regCovar regularisation
     * @param givenWeights user weights or null
     * @param givenMeans user means or null
     * @param givenCov user covariances or null
     * @param rnd generator of this initialisation
     * @return the parameters
     */
    public Gaussians initialize(int k, CovarianceType type, InitMethod method, double regCovar,
                                double[] givenWeights, double[] givenMeans, double[] givenCov,
                                SplittableRandom rnd) {
        if (givenWeights != null && givenMeans != null && givenCov != null) {
            // A complete start: nothing to estimate (an estimate from hard assignments would be discarded, and
            // with regCovar = 0 it could fail and blame the user's valid start).
            return Gaussians.of(type, givenWeights.clone(), givenMeans.clone(), givenCov.clone(), 0);
        }
        SufficientStatistics st = new SufficientStatistics(k, d, type);
        double[] centers;
        if (givenMeans != null) {
            centers = givenMeans.clone();
            accumulateHard(nearest(centers, k), centers, st);
        } else {
            switch (method) {
                case RANDOM:
                    centers = new double[k * d];
                    accumulateRandom(k, rnd, st);
                    break;
                case RANDOM_FROM_DATA:
                    centers = randomRows(k, rnd);
                    accumulateHard(nearest(centers, k), centers, st);
                    break;
                default:
                    centers = kmeans(k, rnd);
                    accumulateHard(nearest(centers, k), centers, st);
                    break;
            }
        }
        Gaussians g = MStep.apply(st, centers, regCovar, 0);
        double[] weights = givenWeights != null ? givenWeights.clone() : g.weights;
        double[] means = givenMeans != null ? givenMeans.clone() : g.means;
        double[] cov = givenCov != null ? givenCov.clone() : fillEmpty(g.covariances, st, k, type, regCovar);
        return Gaussians.of(type, weights, means, cov, 0);
    }

    /** Components with no samples get the data's covariance instead of regCovar alone. */
    private double[] fillEmpty(double[] cov, SufficientStatistics st, int k, CovarianceType type, double regCovar) {
        if (type == CovarianceType.TIED) {
            return cov;
        }
        double[] dataCov = null;
        for (int j = 0; j < k; j++) {
            if (st.s0[j] <= 0) {
                if (dataCov == null) {
                    dataCov = dataCovariance(type, regCovar);
                }
                System.arraycopy(dataCov, 0, cov, j * dataCov.length, dataCov.length);
            }
        }
        return cov;
    }

    private double[] randomRows(int k, SplittableRandom rnd) {
        double[] c = new double[k * d];
        int[] picks = rnd.ints(0, m).distinct().limit(Math.min(k, m)).toArray();
        for (int j = 0; j < k; j++) {
            int i = picks[j % picks.length];
            System.arraycopy(x, i * d, c, j * d, d);
        }
        return c;
    }

    private double dist2(double[] c, int j, int i) {
        double s = 0;
        for (int a = 0; a < d; a++) {
            double t = x[i * d + a] - c[j * d + a];
            s += t * t;
        }
        return s;
    }

    private int[] nearest(double[] c, int k) {
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double t = dist2(c, j, i);
                if (t < best) {
                    best = t;
                    labels[i] = j;
                }
            }
        }
        return labels;
    }

    /** Greedy k-means++ seeding (Arthur and Vassilvitskii, 2007; 2 + ⌊ln K⌋ draws per centre, the lowest potential kept), weighted by sample weight, then Lloyd's iterations. */
    private double[] kmeans(int k, SplittableRandom rnd) {
        double[] c = new double[k * d];
        double[] dmin = new double[m];
        int first = pickWeighted(w, rnd);
        System.arraycopy(x, first * d, c, 0, d);
        for (int i = 0; i < m; i++) {
            dmin[i] = dist2(c, 0, i);
        }
        double[] p = new double[m];
        int trials = 2 + (int) Math.log(k);   // scikit-learn's kmeans_plusplus: n_local_trials = 2 + int(log(k))
        for (int j = 1; j < k; j++) {
            for (int i = 0; i < m; i++) {
                p[i] = w[i] * dmin[i];
            }
            double[] bestMin = null;
            double bestPotential = 0;
            int bestPick = -1;
            for (int t = 0; t < trials; t++) {
                int pick = pickWeighted(p, rnd);
                double[] cand = Arrays.copyOfRange(x, pick * d, (pick + 1) * d);
                double[] candMin = new double[m];
                double potential = 0;
                for (int i = 0; i < m; i++) {
                    candMin[i] = Math.min(dmin[i], dist2(cand, 0, i));
                    potential += w[i] * candMin[i];
                }
                if (bestMin == null || potential < bestPotential) {
                    bestMin = candMin;
                    bestPotential = potential;
                    bestPick = pick;
                }
            }
            System.arraycopy(x, bestPick * d, c, j * d, d);
            dmin = bestMin;
        }
        int[] labels = nearest(c, k);
        double[] sums = new double[k * d];
        double[] counts = new double[k];
        for (int it = 0; it < LLOYD_MAX_ITER; it++) {
            Arrays.fill(sums, 0);
            Arrays.fill(counts, 0);
            for (int i = 0; i < m; i++) {
                int j = labels[i];
                counts[j] += w[i];
                for (int a = 0; a < d; a++) {
                    sums[j * d + a] += w[i] * x[i * d + a];
                }
            }
            double[] old = c.clone();
            for (int j = 0; j < k; j++) {
                if (counts[j] > 0) {
                    for (int a = 0; a < d; a++) {
                        c[j * d + a] = sums[j * d + a] / counts[j];
                    }
                }
            }
            // issue 16: scikit-learn's KMeans stop, the centres' total squared move <= 1e-4 x mean feature variance
            double shift = 0;
            for (int i = 0; i < c.length; i++) {
                shift += (c[i] - old[i]) * (c[i] - old[i]);
            }
            if (shift <= lloydTolerance()) {
                break;
            }
            int[] next = nearest(c, k);
            if (Arrays.equals(next, labels)) {
                break;
            }
            labels = next;
        }
        return c;
    }

    /** 1e-4 x the mean over features of the sample's unweighted variance (np.mean(np.var(X, axis=0)) * 1e-4). */
    private double lloydTolerance() {
        double sum = 0;
        for (int a = 0; a < d; a++) {
            double mean = 0;
            for (int i = 0; i < m; i++) {
                mean += x[i * d + a];
            }
            mean /= m;
            double v = 0;
            for (int i = 0; i < m; i++) {
                v += (x[i * d + a] - mean) * (x[i * d + a] - mean);
            }
            sum += v / m;
        }
        return 1e-4 * sum / d;
    }

    /** Index drawn with probability proportional to p (uniform when p is all zero). */
    private int pickWeighted(double[] p, SplittableRandom rnd) {
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

    private void accumulateHard(int[] labels, double[] c, SufficientStatistics st) {
        boolean outer = st.type.needsOuterProducts();
        double[] t = new double[d];
        for (int i = 0; i < m; i++) {
            int j = labels[i];
            double wi = w[i];
            st.s0[j] += wi;
            st.weightSum += wi;
            for (int a = 0; a < d; a++) {
                t[a] = x[i * d + a] - c[j * d + a];
                st.s1[j * d + a] += wi * t[a];
            }
            addSecond(st, j, wi, t, outer);
        }
    }

    private void accumulateRandom(int k, SplittableRandom rnd, SufficientStatistics st) {
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
}
