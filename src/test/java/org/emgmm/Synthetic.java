package org.emgmm;

import java.util.SplittableRandom;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;

/**
 * Seeded random mixture problems for property tests: well-separated components with random full covariances, and
 * a start near (not at) the true parameters, in the layout of a covariance type.
 */
public final class Synthetic {
    /** Data, row-major. */
    public final double[] x;
    /** Samples. */
    public final int n;
    /** Features. */
    public final int d;
    /** Components. */
    public final int k;
    /** Covariance type of the start. */
    public final CovarianceType type;
    /** Start weights. */
    public final double[] startWeights;
    /** Start means K×D. */
    public final double[] startMeans;
    /** Start covariances in the type's layout. */
    public final double[] startCovariances;

    private Synthetic(double[] x, int n, int d, int k, CovarianceType type, double[] w, double[] m, double[] c) {
        this.x = x;
        this.n = n;
        this.d = d;
        this.k = k;
        this.type = type;
        this.startWeights = w;
        this.startMeans = m;
        this.startCovariances = c;
    }

    /**
     * A problem of K components in D features, {@code perComponent} samples each, whose means lie
     * {@code separation} within-component standard deviations apart (on average, per feature).
     *
     * @param seed random seed
     * @param type covariance type of the start
     * @param d features
     * @param k components
     * @param perComponent samples per component
     * @param separation spread of the means in units of the within-component scale
     * @return the problem
     */
    public static Synthetic generate(long seed, CovarianceType type, int d, int k, int perComponent,
                                     double separation) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = k * perComponent;
        double[] x = new double[n * d];
        double[] means = new double[k * d];
        double[][] chol = new double[k][d * d];
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                means[j * d + a] = separation * gauss(rnd);
            }
            // Lower-triangular factor with a positive diagonal: covariance L Lᵀ, well conditioned.
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < a; b++) {
                    chol[j][a * d + b] = 0.3 * gauss(rnd);
                }
                chol[j][a * d + a] = 0.6 + 0.6 * rnd.nextDouble();
            }
        }
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            int j = i % k;
            for (int a = 0; a < d; a++) {
                z[a] = gauss(rnd);
            }
            for (int a = 0; a < d; a++) {
                double s = means[j * d + a];
                for (int b = 0; b <= a; b++) {
                    s += chol[j][a * d + b] * z[b];
                }
                x[i * d + a] = s;
            }
        }
        double[] w = new double[k];
        java.util.Arrays.fill(w, 1.0 / k);
        double[] m = means.clone();
        for (int i = 0; i < m.length; i++) {
            m[i] += 0.3 * gauss(rnd);
        }
        double[] c = new double[org.emgmm.em.Gaussians.covarianceLength(type, k, d)];
        switch (type) {
            case FULL:
                for (int j = 0; j < k; j++) {
                    for (int a = 0; a < d; a++) {
                        c[(j * d + a) * d + a] = 1.5;
                    }
                }
                break;
            case TIED:
                for (int a = 0; a < d; a++) {
                    c[a * d + a] = 1.5;
                }
                break;
            default:
                java.util.Arrays.fill(c, 1.5);
        }
        return new Synthetic(x, n, d, k, type, w, m, c);
    }

    /** @return the data as a dataset */
    public ArrayDataset dataset() {
        return ArrayDataset.of(x.clone(), d, null);
    }

    /** @return the start */
    public StartParameters start() {
        return new StartParameters(startWeights, startMeans, startCovariances);
    }

    /** @return a standard normal deviate (Box–Muller) */
    public static double gauss(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
