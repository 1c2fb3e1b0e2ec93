package org.emgmm.backend.opencl;

import java.util.Locale;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as {@code emgmm devices} lists it: its index (what {@code --device} accepts, besides a name
 * fragment), platform, name, type, memory limits, compute units and whether it has double precision
 * ({@code cl_khr_fp64}). Immutable.
 */
public final class DeviceInfo {
    private final int index;
    private final String platform;
    private final String name;
    private final String vendor;
    private final String type;
    private final String version;
    private final long globalMemory;
    private final long maxAlloc;
    private final long localMemory;
    private final int computeUnits;
    private final long maxWorkGroupSize;
    private final long maxConstant;
    private final boolean fp64;
    final cl_platform_id platformId;
    final cl_device_id deviceId;

    DeviceInfo(int index, String platform, String name, String vendor, String type, String version,
               long globalMemory, long maxAlloc, long localMemory, int computeUnits, long maxWorkGroupSize,
               long maxConstant, boolean fp64, cl_platform_id platformId, cl_device_id deviceId) {
        this.index = index;
        this.platform = platform;
        this.name = name;
        this.vendor = vendor;
        this.type = type;
        this.version = version;
        this.globalMemory = globalMemory;
        this.maxAlloc = maxAlloc;
        this.localMemory = localMemory;
        this.computeUnits = computeUnits;
        this.maxWorkGroupSize = maxWorkGroupSize;
        this.maxConstant = maxConstant;
        this.fp64 = fp64;
        this.platformId = platformId;
        this.deviceId = deviceId;
    }

    /** @return position in {@link OpenClBackend#devices()}, the number {@code --device} accepts */
    public int index() {
        return index;
    }

    /** @return the platform name ("NVIDIA CUDA", "Portable Computing Language") */
    public String platform() {
        return platform;
    }

    /** @return the device name */
    public String name() {
        return name;
    }

    /** @return the device vendor */
    public String vendor() {
        return vendor;
    }

    /** @return GPU, CPU, ACCELERATOR or OTHER */
    public String type() {
        return type;
    }

    /** @return whether the device is a GPU */
    public boolean isGpu() {
        return "GPU".equals(type);
    }

    /** @return the device's OpenCL version string */
    public String version() {
        return version;
    }

    /** @return CL_DEVICE_GLOBAL_MEM_SIZE in bytes */
    public long globalMemory() {
        return globalMemory;
    }

    /** @return CL_DEVICE_MAX_MEM_ALLOC_SIZE in bytes: the largest single buffer */
    public long maxAlloc() {
        return maxAlloc;
    }

    /** @return CL_DEVICE_LOCAL_MEM_SIZE in bytes */
    public long localMemory() {
        return localMemory;
    }

    /** @return CL_DEVICE_MAX_COMPUTE_UNITS */
    public int computeUnits() {
        return computeUnits;
    }

    /** @return CL_DEVICE_MAX_WORK_GROUP_SIZE */
    public long maxWorkGroupSize() {
        return maxWorkGroupSize;
    }

    /** @return CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE in bytes */
    public long maxConstant() {
        return maxConstant;
    }

    /** @return whether the device reports cl_khr_fp64 (double precision) */
    public boolean fp64() {
        return fp64;
    }

    /** @return "name (platform)", for reports */
    public String describe() {
        return name + " (" + platform + ", " + type + ")";
    }

    /** @return one line: index, platform, device, type, global memory, max alloc, compute units, fp64 */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d: %s | %s | %s | global %s | max alloc %s | %d compute units | fp64 %s",
                index, platform, name, type, mib(globalMemory), mib(maxAlloc), computeUnits, fp64 ? "yes" : "no");
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
