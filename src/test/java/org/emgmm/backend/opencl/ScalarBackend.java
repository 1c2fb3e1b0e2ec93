package org.emgmm.backend.opencl;

import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The simplest correct backend: one thread, double precision, the reference scalar formulas of
 * {@link Gaussians#logJoint}, rows in order (the first CPU backend of the project, kept here so the OpenCL tests
 * compare against a fixed reference while the production CPU backend is being optimised).
 */
final class ScalarBackend implements Backend {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return "CPU, scalar reference";
    }

    @Override
    public Precision precision() {
        return Precision.DOUBLE;
    }

    @Override
    public Pass prepare(Dataset data, int k, CovarianceType type) {
        return new Pass() {
            @Override
            public SufficientStatistics accumulate(Gaussians g) {
                return statistics(data, g);
            }

            @Override
            public void close() {
            }
        };
    }

    /** @return the statistics of every row, accumulated in double in row order */
    static SufficientStatistics statistics(Dataset data, Gaussians g) {
        int d = data.dims();
        int k = g.k;
        int block = 1024;
        SufficientStatistics st = new SufficientStatistics(k, d, g.type);
        double[] x = new double[block * d];
        double[] w = new double[block];
        double[] lp = new double[k];
        double[] tmp = new double[d];
        boolean outer = g.type.needsOuterProducts();
        for (long start = 0; start < data.rows(); start += block) {
            int count = (int) Math.min(block, data.rows() - start);
            data.read(start, count, x, 0);
            data.readWeights(start, count, w, 0);
            for (int i = 0; i < count; i++) {
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
                    for (int a = 0; a < d; a++) {
                        if (outer) {
                            for (int b = a; b < d; b++) {
                                st.s2[(j * d + a) * d + b] += r * tmp[a] * tmp[b];
                            }
                        } else {
                            st.s2[j * d + a] += r * tmp[a] * tmp[a];
                        }
                    }
                }
            }
        }
        return st;
    }

    @Override
    public void close() {
    }
}
