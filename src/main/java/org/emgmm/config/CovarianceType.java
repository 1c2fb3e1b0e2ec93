package org.emgmm.config;

import java.util.Locale;

/**
 * The shape of each component's covariance, named as scikit-learn names them
 * ({@code covariance_type} of {@code GaussianMixture}).
 */
public enum CovarianceType {
    /** Each component has its own general (full) covariance matrix. */
    FULL,
    /** All components share one general covariance matrix. */
    TIED,
    /** Each component has its own diagonal covariance matrix. */
    DIAG,
    /** Each component has its own single variance. */
    SPHERICAL;

    /** @return the lower-case name used in model files and on the command line */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a covariance type name, case-insensitively.
     *
     * @param name one of full, tied, diag, spherical
     * @return the type
     * @throws IllegalArgumentException naming the accepted values when {@code name} is unknown
     */
    public static CovarianceType parse(String name) {
        if (name != null) {
            for (CovarianceType t : values()) {
                if (t.jsonName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unknown covariance type '" + name
                + "': expected one of full, tied, diag, spherical");
    }

    /** @return whether the statistics need D×D outer products (full and tied) */
    public boolean needsOuterProducts() {
        return this == FULL || this == TIED;
    }

    /**
     * Number of free covariance parameters of a mixture, as scikit-learn's {@code _n_parameters} counts them.
     *
     * @param k number of components
     * @param d number of features
     * @return the count
     */
    public long covarianceParameters(int k, int d) {
        long tri = (long) d * (d + 1) / 2;
        switch (this) {
            case FULL: return k * tri;
            case TIED: return tri;
            case DIAG: return (long) k * d;
            default: return k;
        }
    }
}
