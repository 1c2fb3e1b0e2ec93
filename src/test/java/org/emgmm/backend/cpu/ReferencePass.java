package org.emgmm.backend.cpu;

import org.emgmm.CovarianceType;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The reference the fast kernels are checked against: the first, simple scalar E step of emgmm, one sample at a
 * time through {@link Gaussians#logJoint} (itself checked against scikit-learn), responsibilities
 * exp(log p(x, j) − log p(x)), sums in row order, in double.
 */
final class ReferencePass {
    private ReferencePass() {
    }

    static SufficientStatistics accumulate(Dataset data, Gaussians g) {
        int d = data.dims();
        int k = g.k;
        CovarianceType type = g.type;
        int n = Math.toIntExact(data.rows());
        SufficientStatistics st = new SufficientStatistics(k, d, type);
        double[] x = new double[n * d];
        double[] w = new double[n];
        data.read(0, n, x, 0);
        data.readWeights(0, n, w, 0);
        double[] lp = new double[k];
        double[] tmp = new double[d];
        boolean outer = type.needsOuterProducts();
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            int off = i * d;
            double lse = g.logJoint(x, off, tmp, lp);
            st.logLik += wi * lse;
            st.weightSum += wi;
            for (int j = 0; j < k; j++) {
                double r = wi * Math.exp(lp[j] - lse);
                st.s0[j] += r;
                for (int a = 0; a < d; a++) {
                    tmp[a] = x[off + a] - g.means[j * d + a];
                    st.s1[j * d + a] += r * tmp[a];
                }
                if (outer) {
                    int o = j * d * d;
                    for (int a = 0; a < d; a++) {
                        for (int b = a; b < d; b++) {
                            st.s2[o + a * d + b] += r * tmp[a] * tmp[b];
                        }
                    }
                } else {
                    for (int a = 0; a < d; a++) {
                        st.s2[j * d + a] += r * tmp[a] * tmp[a];
                    }
                }
            }
        }
        return st;
    }
}
