package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * Device resources released together: newest first, and every release attempted even when an earlier one throws
 * (a failed release must not leak the rest).
 */
final class Owned implements AutoCloseable {
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** @return {@code r}, now released by {@link #close} */
    <T extends AutoCloseable> T add(T r) {
        resources.add(r);
        return r;
    }

    /** Releases every resource added so far, newest first. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            closeQuietly(resources.get(i));
        }
        resources.clear();
    }

    /** Releases {@code c} (nothing when null), ignoring what its release throws so that the caller goes on. */
    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // keep releasing the rest
            }
        }
    }
}
