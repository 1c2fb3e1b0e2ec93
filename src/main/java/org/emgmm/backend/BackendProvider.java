package org.emgmm.backend;

import java.util.List;
import org.emgmm.config.BackendKind;
import org.emgmm.config.BackendSettings;
import org.emgmm.data.Dataset;

/**
 * How {@link Backends} finds a backend: each backend package registers one provider in
 * {@code META-INF/services/org.emgmm.backend.BackendProvider}, found by {@link java.util.ServiceLoader}, so this
 * package names no backend class. A provider is cheap to create and touches no native library until
 * {@link #open} or {@link #devices} is called: the OpenCL provider loads no JOCL class before then, so the CPU path
 * runs on a machine without libOpenCL.
 */
public interface BackendProvider {

    /** @return the {@code --backend} value this provider serves ({@link BackendKind#CPU} or {@link BackendKind#OPENCL}) */
    BackendKind kind();

    /**
     * Opens a backend.
     *
     * @param s settings: precision, threads, device, maxDeviceMemory (and k, covariance type for {@code auto})
     * @param data the data to be fitted, or null (scoring, benchmarks); a provider may prepare its pass for it here
     *     so that failures happen while {@code auto} can still fall back
     * @param autoMode true under {@code --backend auto}: a provider may then decline with null (no GPU worth using)
     * @return the backend, or null under {@code auto} when this provider declines
     * @throws RuntimeException naming the cause when it cannot be opened ({@link LinkageError} when a native
     *     library is missing)
     */
    Backend open(BackendSettings s, Dataset data, boolean autoMode);

    /**
     * @return the devices this provider can run on, one line each in words ({@code emgmm devices}); empty when none
     * @throws RuntimeException or {@link LinkageError} when the runtime is missing
     */
    List<String> devices();

    /**
     * @return the indices (as {@code --device} numbers them, i.e. positions in {@link #devices()}) of the devices
     *     that are GPUs; empty when none (the CPU backend has none)
     * @throws RuntimeException or {@link LinkageError} when the runtime is missing
     */
    default List<Integer> gpuDevices() {
        return List.of();
    }
}
