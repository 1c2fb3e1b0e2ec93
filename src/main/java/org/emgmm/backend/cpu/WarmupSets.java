package org.emgmm.backend.cpu;

import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;

/**
 * The warm-up's synthetic parameter sets ({@link Warmup}), built from the first {@value Warmup#ROWS} rows of the real
 * dataset: broad components (every sample shares every component: the dense sums; pairs of equal ones, so that some
 * component is no sample's best candidate), tight ones (a few components per sample: the sparse sums and, for full,
 * the pruning) and very tight ones (components far from the reference, summed about their own means). Covering
 * every branch the real data takes keeps C2 from compiling a path away and deoptimising when the real pass takes it.
 */
final class WarmupSets {
    /** Covariance scales of the three parameter sets, relative to the rows' own variances. */
    static final double[] SCALES = {1, 1e-2, 1e-5};

    private WarmupSets() {
    }

    /**
     * The E step constants of the {@link #SCALES three parameter sets} for a kernel over {@code data}.
     *
     * @param data the dataset the kernel reads
     * @param k components
     * @param type covariance type
     * @param withFloat whether the kernel reads the float parameters
     * @param meanWeight the data's mean sample weight
     * @return one {@link Params} per scale, in the order of {@link #SCALES}
     */
    static Params[] of(Dataset data, int k, CovarianceType type, boolean withFloat, double meanWeight) {
        Params[] sets = new Params[SCALES.length];
        for (int i = 0; i < SCALES.length; i++) {
            sets[i] = new Params(synthetic(data, k, type, SCALES[i]), withFloat, meanWeight);
        }
        return sets;
    }

    /**
     * Parameters for the warm-up: equal weights, the means spread over the first rows, and covariances the rows'
     * per-feature variances (diagonal) times {@code scale}.
     *
     * @param data the dataset (its first {@value Warmup#ROWS} rows are read)
     * @param k components
     * @param type covariance type
     * @param scale covariance scale relative to the rows' variances
     * @return the parameters
     */
    static Gaussians synthetic(Dataset data, int k, CovarianceType type, double scale) {
        int d = data.dims();
        int n = (int) Math.min(Warmup.ROWS, data.rows());
        double[] x = new double[n * d];
        data.read(0, n, x, 0);
        double[] var = variances(x, n, d, scale);
        double[] weights = new double[k];
        double[] means = new double[k * d];
        for (int j = 0; j < k; j++) {
            weights[j] = 1.0 / k;
            // broad set: odd components repeat the even one before them, so that some component is no sample's
            // best (a path of the pruned full sums the real data takes and the other sets never do)
            int row = scale == SCALES[0] && j % 2 == 1 ? j - 1 : j;
            System.arraycopy(x, (int) ((long) row * n / k) * d, means, j * d, d);
        }
        return Gaussians.of(type, weights, means, covariances(type, k, d, var), 0);
    }

    /** The per-feature variances of the n rows in x, times scale, plus 1e-6 (1 for a feature with none). */
    private static double[] variances(double[] x, int n, int d, double scale) {
        double[] var = new double[d];
        for (int a = 0; a < d; a++) {
            double m = 0;
            for (int i = 0; i < n; i++) {
                m += x[i * d + a];
            }
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) {
                double e = x[i * d + a] - m;
                v += e * e;
            }
            v /= n;
            var[a] = (v > 0 && Double.isFinite(v) ? v : 1) * scale + 1e-6;
        }
        return var;
    }

    /** Every component's covariance (one for tied) the diagonal matrix of {@code var}, in the type's layout. */
    private static double[] covariances(CovarianceType type, int k, int d, double[] var) {
        double[] cov = new double[Gaussians.covarianceLength(type, k, d)];
        int blocks = type == CovarianceType.TIED ? 1 : k;
        for (int j = 0; j < blocks; j++) {
            for (int a = 0; a < d; a++) {
                switch (type) {
                    case FULL:
                    case TIED:
                        cov[j * d * d + a * d + a] = var[a];
                        break;
                    case DIAG:
                        cov[j * d + a] = var[a];
                        break;
                    default:
                        cov[j] += var[a] / d;
                }
            }
        }
        return cov;
    }
}
