package org.emgmm.em;

import org.emgmm.config.CovarianceType;

/**
 * The parameters of a mixture at one iteration, with the per-component constants every backend's E step needs,
 * computed once on the host in double (DESIGN.md, "Numerics"). Parameterised as scikit-learn's
 * {@code GaussianMixture}: precision Cholesky factors U with Σ⁻¹ = U Uᵀ, so that
 * log N(x | μ, Σ) = −½ (D log 2π + ‖(x − μ)ᵀ U‖²) + log det U.
 *
 * <p>Array layouts (row-major, all read-only once constructed):
 * <ul>
 *   <li>{@code weights}: K; {@code means}: K×D</li>
 *   <li>{@code covariances} and {@code precChol}: spherical K; diag K×D; full K×D×D; tied D×D. For full and tied,
 *       {@code precChol} is upper triangular: element (r, c) at {@code r*D + c} is 0 for r &gt; c.</li>
 *   <li>{@code logDetPrecChol}: K (tied repeats the one value), log det U</li>
 *   <li>{@code logConst}: K, log φⱼ + log det Uⱼ − ½ D log 2π, so log φⱼ N(x | j) = logConstⱼ − ½ ‖(x−μⱼ)ᵀUⱼ‖²</li>
 * </ul>
 */
public final class Gaussians {
    /** log(2π). */
    public static final double LOG_2PI = Math.log(2 * Math.PI);

    /** Number of components. */
    public final int k;
    /** Number of features. */
    public final int d;
    /** Covariance type. */
    public final CovarianceType type;
    /** Mixing weights φ, length K, summing to 1. */
    public final double[] weights;
    /** Means μ, K×D. */
    public final double[] means;
    /** Covariances Σ, shape by type (see class comment). */
    public final double[] covariances;
    /** Precision Cholesky factors U (Σ⁻¹ = U Uᵀ), shape as covariances. */
    public final double[] precChol;
    /** log det Uⱼ per component. */
    public final double[] logDetPrecChol;
    /** log φⱼ + log det Uⱼ − ½ D log 2π per component. */
    public final double[] logConst;

    private Gaussians(CovarianceType type, int k, int d, double[] weights, double[] means, double[] covariances,
                      double[] precChol, double[] logDet) {
        this.type = type;
        this.k = k;
        this.d = d;
        this.weights = weights;
        this.means = means;
        this.covariances = covariances;
        this.precChol = precChol;
        this.logDetPrecChol = logDet;
        this.logConst = new double[k];
        for (int j = 0; j < k; j++) {
            logConst[j] = Math.log(weights[j]) + logDet[j] - 0.5 * d * LOG_2PI;
        }
    }

    /** @return the length the covariance array has for this type */
    public static int covarianceLength(CovarianceType type, int k, int d) {
        switch (type) {
            case FULL: return k * d * d;
            case TIED: return d * d;
            case DIAG: return k * d;
            default: return k;
        }
    }

    /**
     * Builds parameters and their precision Cholesky factors. Arrays are taken as they are (not copied).
     *
     * @param type covariance type
     * @param weights K weights (positive, summing to 1)
     * @param means K×D means
     * @param covariances covariances, shape by type
     * @param iteration the EM iteration that produced them (0 for a start), for error messages
     * @return the parameters
     * @throws NotPositiveDefiniteException naming the component when a covariance has no Cholesky factor
     */
    public static Gaussians of(CovarianceType type, double[] weights, double[] means, double[] covariances,
                               int iteration) {
        int k = weights.length;
        int d = means.length / k;
        double[] prec = new double[covariances.length];
        double[] logDet = new double[k];
        switch (type) {
            case SPHERICAL:
                for (int j = 0; j < k; j++) {
                    double v = covariances[j];
                    if (!(v > 0) || Double.isInfinite(v)) {
                        throw new NotPositiveDefiniteException(j, iteration, "variance " + v);
                    }
                    prec[j] = 1 / Math.sqrt(v);
                    logDet[j] = d * Math.log(prec[j]);
                }
                break;
            case DIAG:
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int a = 0; a < d; a++) {
                        double v = covariances[j * d + a];
                        if (!(v > 0) || Double.isInfinite(v)) {
                            throw new NotPositiveDefiniteException(j, iteration, "variance " + v + " in feature " + a);
                        }
                        prec[j * d + a] = 1 / Math.sqrt(v);
                        s += Math.log(prec[j * d + a]);
                    }
                    logDet[j] = s;
                }
                break;
            case FULL:
                for (int j = 0; j < k; j++) {
                    logDet[j] = precisionCholesky(covariances, j * d * d, d, prec, j, iteration);
                }
                break;
            case TIED:
                double ld = precisionCholesky(covariances, 0, d, prec, -1, iteration);
                java.util.Arrays.fill(logDet, ld);
                break;
            default:
                throw new AssertionError(type);
        }
        return new Gaussians(type, k, d, weights, means, covariances, prec, logDet);
    }

    /**
     * Cholesky factor L (lower triangular, row-major D×D) of the symmetric matrix at {@code a[off..]}, A = L Lᵀ.
     *
     * @param a the matrix, row-major; only the lower triangle is read
     * @param off offset of the matrix in {@code a}
     * @param d its order
     * @param component component index for the error (-1 for a tied matrix)
     * @param iteration EM iteration for the error (0 for a start or a model)
     * @return L
     * @throws NotPositiveDefiniteException naming the component when A is not positive definite
     */
    public static double[] choleskyLower(double[] a, int off, int d, int component, int iteration) {
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[off + i * d + j];
                for (int m = 0; m < j; m++) {
                    s -= l[i * d + m] * l[j * d + m];
                }
                if (i == j) {
                    if (!(s > 0) || Double.isInfinite(s)) {
                        throw new NotPositiveDefiniteException(component, iteration,
                                "pivot " + s + " at row " + i + " of its Cholesky factorisation");
                    }
                    l[i * d + i] = Math.sqrt(s);
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
        }
        return l;
    }

    /**
     * Cholesky-factors the D×D matrix at {@code cov[off..]} as L Lᵀ and writes U = L⁻ᵀ (upper triangular) at
     * {@code out[off..]}.
     *
     * @return log det U = −Σ log Lᵢᵢ
     */
    private static double precisionCholesky(double[] cov, int off, int d, double[] out, int component,
                                            int iteration) {
        double[] l = choleskyLower(cov, off, d, component, iteration);
        // Invert L (lower) column by column: L X = I, X lower; U = Xᵀ.
        double logDet = 0;
        for (int c = 0; c < d; c++) {
            for (int i = c; i < d; i++) {
                double s = i == c ? 1 : 0;
                for (int m = c; m < i; m++) {
                    s -= l[i * d + m] * out[off + c * d + m]; // X[m][c] stored at U[c][m]
                }
                out[off + c * d + i] = s / l[i * d + i]; // U[c][i] = X[i][c]
            }
            logDet -= Math.log(l[c * d + c]);
        }
        return logDet;
    }

    /**
     * The squared Mahalanobis distance ‖(x − μⱼ)ᵀUⱼ‖² of one sample to component j, the reference scalar formula
     * every backend implements.
     *
     * @param x samples, row-major
     * @param off offset of the sample in {@code x}
     * @param j component
     * @param tmp scratch of length at least D
     * @return the distance
     */
    public double mahalanobis(double[] x, int off, int j, double[] tmp) {
        double[] mu = means;
        switch (type) {
            case SPHERICAL: {
                double s = 0;
                for (int a = 0; a < d; a++) {
                    double t = x[off + a] - mu[j * d + a];
                    s += t * t;
                }
                return s * precChol[j] * precChol[j];
            }
            case DIAG: {
                double s = 0;
                for (int a = 0; a < d; a++) {
                    double t = (x[off + a] - mu[j * d + a]) * precChol[j * d + a];
                    s += t * t;
                }
                return s;
            }
            default: {
                int po = type == CovarianceType.FULL ? j * d * d : 0;
                for (int a = 0; a < d; a++) {
                    tmp[a] = x[off + a] - mu[j * d + a];
                }
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double y = 0;
                    for (int r = 0; r <= c; r++) {
                        y += tmp[r] * precChol[po + r * d + c];
                    }
                    s += y * y;
                }
                return s;
            }
        }
    }
}
