package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import org.emgmm.backend.Backend;
import org.emgmm.backend.BackendProvider;
import org.emgmm.config.BackendKind;
import org.emgmm.config.BackendSettings;
import org.emgmm.data.Dataset;

/**
 * Registers {@link OpenClBackend} with {@link org.emgmm.backend.Backends} (see {@link BackendProvider}). This class
 * names no JOCL type: creating it loads nothing of OpenCL; {@link #open} and {@link #devices} do.
 */
public final class OpenClBackendProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public OpenClBackendProvider() {
    }

    @Override
    public BackendKind kind() {
        return BackendKind.OPENCL;
    }

    /** As {@link OpenClBackend#open(BackendSettings, Dataset, boolean)}. */
    @Override
    public Backend open(BackendSettings s, Dataset data, boolean autoMode) {
        return OpenClBackend.open(s, data, autoMode);
    }

    /** @return {@link OpenClBackend#devices()}, each in words */
    @Override
    public List<String> devices() {
        List<String> out = new ArrayList<>();
        for (DeviceInfo d : OpenClBackend.devices()) {
            out.add(d.toString());
        }
        return out;
    }

    /** @return the positions in {@link OpenClBackend#devices()} of the GPUs */
    @Override
    public List<Integer> gpuDevices() {
        List<DeviceInfo> all = OpenClBackend.devices();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).isGpu()) {
                out.add(i);
            }
        }
        return out;
    }
}
