package org.emgmm.spark;

import java.io.Serializable;
import java.util.TreeSet;
import org.emgmm.config.CovarianceType;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/** The serialisable forms of what travels between driver and tasks each iteration. */
final class Messages {
    private Messages() {
    }

    /**
     * Mixture parameters, broadcast to the tasks. The tasks rebuild the {@link Gaussians} with the same
     * {@link Gaussians#of} the driver used, so their per-component constants are the driver's bits.
     */
    static final class Params implements Serializable {
        private static final long serialVersionUID = 1L;
        final CovarianceType type;
        final double[] weights;
        final double[] means;
        final double[] covariances;
        private transient Gaussians gaussians;

        Params(Gaussians g) {
            this.type = g.type;
            this.weights = g.weights.clone();
            this.means = g.means.clone();
            this.covariances = g.covariances.clone();
        }

        /** @return the number of doubles held */
        int size() {
            return weights.length + means.length + covariances.length;
        }

        /** @return the parameters, built once per deserialised copy */
        synchronized Gaussians gaussians() {
            if (gaussians == null) {
                gaussians = Gaussians.of(type, weights.clone(), means.clone(), covariances.clone(), 0);
            }
            return gaussians;
        }
    }

    /** The statistics of one partition (or of several, merged in partition order), with the backends used. */
    static final class Stats implements Serializable {
        private static final long serialVersionUID = 1L;
        /** The first partition these statistics cover: the key of the fixed merge order. */
        final int index;
        final int k;
        final int d;
        final CovarianceType type;
        final double[] s0;
        final double[] s1;
        final double[] s2;
        double logLik;
        double weightSum;
        /** Backend descriptions ("cpu (CPU, 1 thread, ...)") of the tasks. */
        final TreeSet<String> backends = new TreeSet<>();

        Stats(int index, SufficientStatistics st, String backend) {
            this.index = index;
            this.k = st.k;
            this.d = st.d;
            this.type = st.type;
            this.s0 = st.s0;
            this.s1 = st.s1;
            this.s2 = st.s2;
            this.logLik = st.logLik;
            this.weightSum = st.weightSum;
            if (backend != null) {
                backends.add(backend);
            }
        }

        /**
         * Adds another partition's statistics (same shifts) into these.
         *
         * @param o statistics of later partitions
         * @return this
         */
        Stats merge(Stats o) {
            add(s0, o.s0);
            add(s1, o.s1);
            add(s2, o.s2);
            logLik += o.logLik;
            weightSum += o.weightSum;
            backends.addAll(o.backends);
            return this;
        }

        /** @return the statistics as the core's type */
        SufficientStatistics toStatistics() {
            SufficientStatistics st = new SufficientStatistics(k, d, type);
            System.arraycopy(s0, 0, st.s0, 0, s0.length);
            System.arraycopy(s1, 0, st.s1, 0, s1.length);
            System.arraycopy(s2, 0, st.s2, 0, s2.length);
            st.logLik = logLik;
            st.weightSum = weightSum;
            return st;
        }

        private static void add(double[] a, double[] b) {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
    }
}
