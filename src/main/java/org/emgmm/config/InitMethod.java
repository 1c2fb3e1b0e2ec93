package org.emgmm.config;

import java.util.Locale;

/** How a fit chooses its starting responsibilities when no complete start is given. */
public enum InitMethod {
    /** k-means++ seeding followed by Lloyd iterations; hard responsibilities from the k-means labels (default). */
    KMEANS_PLUSPLUS("kmeans++"),
    /** Uniformly random responsibilities, normalised per sample (scikit-learn's {@code random}). */
    RANDOM("random"),
    /** K distinct random data points as means; weights and covariances from the samples nearest to each. */
    RANDOM_FROM_DATA("random-from-data");

    private final String cliName;

    InitMethod(String cliName) {
        this.cliName = cliName;
    }

    /** @return the name used on the command line and in reports */
    public String cliName() {
        return cliName;
    }

    /**
     * @param name kmeans++ (or kmeans), random, random-from-data
     * @return the method
     * @throws IllegalArgumentException naming the accepted values
     */
    public static InitMethod parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (n.equals("kmeans")) {
            return KMEANS_PLUSPLUS;
        }
        for (InitMethod m : values()) {
            if (m.cliName.equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown init method '" + name
                + "': expected one of kmeans++, random, random-from-data");
    }
}
