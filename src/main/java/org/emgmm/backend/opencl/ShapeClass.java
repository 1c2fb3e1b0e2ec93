package org.emgmm.backend.opencl;

import java.util.Locale;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;

/**
 * The class of problem shapes one tuning result serves: the kernel family (diag and spherical share the diagonal
 * kernels, full and tied the outer-product ones), the precision, and D and K in power-of-four-ish bands. A result is
 * measured at the band's largest D and K ({@link #d()}, {@link #k()}), so its tile fits every shape of the band.
 *
 * @param family "diag" or "full"
 * @param precision per-sample precision
 * @param d the largest D of the band (the shape the tuner measures)
 * @param k the largest K of the band
 */
record ShapeClass(String family, Precision precision, int d, int k) {
    /** Upper bounds of the D bands; above the last, one open band measured at it. */
    static final int[] D_BANDS = {4, 8, 16, 32, 64, 128};
    /** Upper bounds of the K bands; above the last, one open band measured at it. */
    static final int[] K_BANDS = {4, 16, 64, 256};

    /**
     * @param type covariance type
     * @param precision precision
     * @param d features
     * @param k components
     * @return the class of this shape
     */
    static ShapeClass of(CovarianceType type, Precision precision, int d, int k) {
        return new ShapeClass(type.needsOuterProducts() ? "full" : "diag", precision, band(D_BANDS, d),
                band(K_BANDS, k));
    }

    /** @return the key in the tuning cache, e.g. "diag/float/d9-16/k5-16" */
    String key() {
        return String.format(Locale.ROOT, "%s/%s/d%s/k%s", family, precision.name().toLowerCase(Locale.ROOT),
                range(D_BANDS, d), range(K_BANDS, k));
    }

    /** @return a covariance type of the family (diag or full), for the tuner's passes */
    CovarianceType covarianceType() {
        return "full".equals(family) ? CovarianceType.FULL : CovarianceType.DIAG;
    }

    /**
     * @param key a key written by {@link #key()}
     * @return its class
     * @throws IllegalArgumentException when the key is not one {@link #key()} writes
     */
    static ShapeClass parse(String key) {
        String[] p = key == null ? new String[0] : key.split("/");
        if (p.length == 4 && ("diag".equals(p[0]) || "full".equals(p[0])) && p[2].startsWith("d")
                && p[3].startsWith("k")) {
            ShapeClass c = new ShapeClass(p[0], Precision.parse(p[1]), upper(D_BANDS, p[2].substring(1)),
                    upper(K_BANDS, p[3].substring(1)));
            if (c.key().equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not a shape class: '" + key + "' (expected e.g. diag/float/d9-16/k5-16)");
    }

    private static int band(int[] bands, int v) {
        for (int b : bands) {
            if (v <= b) {
                return b;
            }
        }
        return bands[bands.length - 1];
    }

    private static String range(int[] bands, int upper) {
        int lo = 1;
        for (int i = 0; i < bands.length; i++) {
            if (bands[i] == upper) {
                lo = i == 0 ? 1 : bands[i - 1] + 1;
                return i == bands.length - 1 ? lo + "+" : lo + "-" + upper;
            }
        }
        throw new IllegalArgumentException("not a band bound: " + upper);
    }

    private static int upper(int[] bands, String range) {
        String hi = range.endsWith("+") ? null : range.substring(range.indexOf('-') + 1);
        if (hi == null) {
            return bands[bands.length - 1];
        }
        try {
            return Integer.parseInt(hi);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a band: '" + range + "'", e);
        }
    }
}
