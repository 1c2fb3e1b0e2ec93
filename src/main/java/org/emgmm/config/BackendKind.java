package org.emgmm.config;

import java.util.Locale;

/** Which backend runs the per-sample pass. */
public enum BackendKind {
    /** An OpenCL GPU when one is present and the problem is big enough, else the CPU; OpenCL failures fall back. */
    AUTO,
    /** The pure-Java multi-threaded backend. */
    CPU,
    /** OpenCL; failures are errors, never a silent fallback. */
    OPENCL;

    /**
     * @param name auto, cpu or opencl
     * @return the kind
     * @throws IllegalArgumentException naming the accepted values
     */
    public static BackendKind parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (BackendKind b : values()) {
            if (b.name().toLowerCase(Locale.ROOT).equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "': expected auto, cpu or opencl");
    }
}
