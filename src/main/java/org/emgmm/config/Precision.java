package org.emgmm.config;

import java.util.Locale;

/** Arithmetic precision of a backend's per-sample work. The host side (M step) is always double. */
public enum Precision {
    /** 32-bit floating point per-sample arithmetic; partial sums finished in double. */
    FLOAT,
    /** 64-bit floating point throughout. */
    DOUBLE;

    /**
     * @param name float or double (also f32, f64, single)
     * @return the precision
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Precision parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "float": case "f32": case "single": case "float32": return FLOAT;
            case "double": case "f64": case "float64": return DOUBLE;
            default:
                throw new IllegalArgumentException("unknown precision '" + name + "': expected float or double");
        }
    }
}
