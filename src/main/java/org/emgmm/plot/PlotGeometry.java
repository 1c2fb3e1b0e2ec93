package org.emgmm.plot;

import org.emgmm.MixtureModel;
import org.emgmm.data.Dataset;

/**
 * The numbers behind the pictures, computed from a model and kept apart from the drawing so tests can check them:
 * the mixture density and each weighted component density on a grid (1-D), the nσ ellipse of a 2-D Gaussian, and
 * the projection of data and model onto the first two principal components of the data (D &gt; 2).
 */
public final class PlotGeometry {
    private PlotGeometry() {
    }

    /**
     * Weighted density of one component of a 1-D model: φⱼ N(x | μⱼ, σ²ⱼ).
     *
     * @param model a model with one feature
     * @param j component
     * @param xs grid
     * @return the density at each grid point
     */
    public static double[] componentDensity1d(MixtureModel model, int j, double[] xs) {
        require1d(model);
        double w = model.weights()[j];
        double mu = model.means()[j][0];
        double var = model.covarianceMatrix(j)[0][0];
        double[] y = new double[xs.length];
        double norm = w / Math.sqrt(2 * Math.PI * var);
        for (int i = 0; i < xs.length; i++) {
            double z = xs[i] - mu;
            y[i] = norm * Math.exp(-0.5 * z * z / var);
        }
        return y;
    }

    /**
     * Mixture density of a 1-D model, Σⱼ φⱼ N(x | μⱼ, σ²ⱼ), from one scoring pass ({@link MixtureModel#scoreSamples(double[][])}).
     *
     * @param model a model with one feature
     * @param xs grid
     * @return p(x) at each grid point
     */
    public static double[] mixtureDensity1d(MixtureModel model, double[] xs) {
        require1d(model);
        double[][] rows = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            rows[i] = new double[] {xs[i]};
        }
        double[] y = model.scoreSamples(rows);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.exp(y[i]);
        }
        return y;
    }

    private static void require1d(MixtureModel model) {
        if (model.nFeatures() != 1) {
            throw new IllegalArgumentException("a 1-D density needs a model with 1 feature, this one has "
                    + model.nFeatures());
        }
    }

    /**
     * @param lo first point
     * @param hi last point
     * @param n number of points, at least 2
     * @return n evenly spaced points from lo to hi
     */
    public static double[] grid(double lo, double hi, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * i / (n - 1);
        }
        return x;
    }

    /**
     * The nσ ellipse of a 2-D Gaussian: the points μ + n·L·(cos t, sin t) with Σ = L Lᵀ (Cholesky), which are
     * exactly the points at Mahalanobis distance n from μ.
     *
     * @param mean the centre (2 values)
     * @param cov the 2×2 covariance
     * @param nSigma the Mahalanobis radius
     * @param points number of points; the last equals the first, closing the curve
     * @return {x[], y[]}
     */
    public static double[][] ellipse(double[] mean, double[][] cov, double nSigma, int points) {
        double l00 = Math.sqrt(cov[0][0]);
        double l10 = cov[1][0] / l00;
        double l11 = Math.sqrt(Math.max(cov[1][1] - l10 * l10, 0));
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            double t = 2 * Math.PI * i / (points - 1);
            double c = nSigma * Math.cos(t);
            double s = nSigma * Math.sin(t);
            x[i] = mean[0] + l00 * c;
            y[i] = mean[1] + l10 * c + l11 * s;
        }
        return new double[][] {x, y};
    }

    /**
     * A linear map of D features onto two plot axes: y = A (x − centre), with A's two rows orthonormal. For D = 2
     * it is the identity (centre 0), so the picture shows the data's own coordinates.
     */
    public static final class Projection {
        private final double[] centre;
        private final double[][] axes;
        private final double[] variances;
        private final boolean principal;

        Projection(double[] centre, double[][] axes, double[] variances, boolean principal) {
            this.centre = centre;
            this.axes = axes;
            this.variances = variances;
            this.principal = principal;
        }

        /** @return whether the axes are principal components (D &gt; 2) rather than the data's own two features */
        public boolean isPrincipal() {
            return principal;
        }

        /** @return the two axes, each a unit vector of D values (copy) */
        public double[][] axes() {
            return new double[][] {axes[0].clone(), axes[1].clone()};
        }

        /** @return the centre subtracted before projecting (copy) */
        public double[] centre() {
            return centre.clone();
        }

        /** @return the data's variance along each axis (principal components only; NaN otherwise) */
        public double[] variances() {
            return variances.clone();
        }

        /**
         * @param x a point of D values (read from offset off)
         * @param off offset
         * @return its two coordinates
         */
        public double[] apply(double[] x, int off) {
            double[] y = new double[2];
            for (int r = 0; r < 2; r++) {
                double s = 0;
                for (int a = 0; a < centre.length; a++) {
                    s += axes[r][a] * (x[off + a] - centre[a]);
                }
                y[r] = s;
            }
            return y;
        }

        /**
         * @param cov a D×D covariance
         * @return A Σ Aᵀ, the covariance of the projection (2×2)
         */
        public double[][] apply(double[][] cov) {
            int d = centre.length;
            double[][] out = new double[2][2];
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 2; c++) {
                    double s = 0;
                    for (int a = 0; a < d; a++) {
                        for (int b = 0; b < d; b++) {
                            s += axes[r][a] * cov[a][b] * axes[c][b];
                        }
                    }
                    out[r][c] = s;
                }
            }
            return out;
        }
    }

    /**
     * The identity projection for two features, or the first two principal components (eigenvectors of the data's
     * covariance with the largest eigenvalues, by the Jacobi method) for more.
     *
     * @param data samples with at least 2 features
     * @return the projection
     */
    public static Projection projection(Dataset data) {
        int d = data.dims();
        if (d < 2) {
            throw new IllegalArgumentException("a 2-D picture needs at least 2 features, the data has " + d);
        }
        if (d == 2) {
            return new Projection(new double[2], new double[][] {{1, 0}, {0, 1}},
                    new double[] {Double.NaN, Double.NaN}, false);
        }
        double[] mean = new double[d];
        double[][] cov = new double[d][d];
        long n = data.rows();
        int block = 2048;
        double[] buf = new double[block * d];
        for (long s = 0; s < n; s += block) {
            int c = (int) Math.min(block, n - s);
            data.read(s, c, buf, 0);
            for (int i = 0; i < c * d; i++) {
                mean[i % d] += buf[i];
            }
        }
        for (int a = 0; a < d; a++) {
            mean[a] /= n;
        }
        for (long s = 0; s < n; s += block) {
            int c = (int) Math.min(block, n - s);
            data.read(s, c, buf, 0);
            for (int i = 0; i < c; i++) {
                for (int a = 0; a < d; a++) {
                    double xa = buf[i * d + a] - mean[a];
                    for (int b = a; b < d; b++) {
                        cov[a][b] += xa * (buf[i * d + b] - mean[b]);
                    }
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n;
                cov[b][a] = cov[a][b];
            }
        }
        double[][] vecs = new double[d][d];
        double[] vals = jacobi(cov, vecs);
        int first = 0;
        for (int i = 1; i < d; i++) {
            if (vals[i] > vals[first]) {
                first = i;
            }
        }
        int second = first == 0 ? 1 : 0;
        for (int i = 0; i < d; i++) {
            if (i != first && vals[i] > vals[second]) {
                second = i;
            }
        }
        double[][] axes = new double[2][d];
        for (int a = 0; a < d; a++) {
            axes[0][a] = vecs[a][first];
            axes[1][a] = vecs[a][second];
        }
        return new Projection(mean, axes, new double[] {vals[first], vals[second]}, true);
    }

    /**
     * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
     *
     * @param m symmetric matrix (copied)
     * @param vecs receives the eigenvectors as columns
     * @return the eigenvalues, in the order of the columns
     */
    static double[] jacobi(double[][] m, double[][] vecs) {
        int d = m.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) {
            a[i] = m[i].clone();
            java.util.Arrays.fill(vecs[i], 0);
            vecs[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    total += a[p][q] * a[p][q];
                    if (p != q) {
                        off += a[p][q] * a[p][q];
                    }
                }
            }
            if (off <= 1e-30 * total || off == 0) {
                break;
            }
            for (int p = 0; p < d - 1; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < d; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++) {
                        double vkp = vecs[k][p];
                        double vkq = vecs[k][q];
                        vecs[k][p] = c * vkp - s * vkq;
                        vecs[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] vals = new double[d];
        for (int i = 0; i < d; i++) {
            vals[i] = a[i][i];
        }
        return vals;
    }
}
