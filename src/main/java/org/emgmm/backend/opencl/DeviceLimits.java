package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * What a performance model needs to know about an OpenCL device beyond {@link DeviceInfo}: its clock
 * ({@code CL_DEVICE_MAX_CLOCK_FREQUENCY}), its native vector widths for float and double, and, when asked, a
 * measured device-to-device copy bandwidth ({@code clEnqueueCopyBuffer}: each copied byte is read once and written
 * once). OpenCL reports no memory bandwidth, so the copy is the estimate. Immutable.
 */
public final class DeviceLimits {
    /** Bytes copied per measurement on a GPU (capped by the device's own limits). */
    static final long GPU_COPY_BYTES = 256L << 20;
    /** Bytes copied per measurement on other devices (host memory: PoCL). */
    static final long OTHER_COPY_BYTES = 64L << 20;
    private static final int COPIES = 3;

    private final DeviceInfo device;
    private final int clockMhz;
    private final int widthFloat;
    private final int widthDouble;
    private final double copyGbs;

    private DeviceLimits(DeviceInfo device, int clockMhz, int widthFloat, int widthDouble, double copyGbs) {
        this.device = device;
        this.clockMhz = clockMhz;
        this.widthFloat = widthFloat;
        this.widthDouble = widthDouble;
        this.copyGbs = copyGbs;
    }

    /**
     * Lists every device of {@link OpenClBackend#devices()} with its limits (the path that warns when
     * {@code libjsig} is not preloaded).
     *
     * @param measureCopy whether to measure each device's copy bandwidth (a few hundred MiB copied; NaN if not)
     * @return the devices in {@link OpenClBackend#devices()} order; empty when no platform is found
     * @throws OpenClException when the OpenCL library cannot be loaded or a query fails
     */
    public static List<DeviceLimits> all(boolean measureCopy) {
        List<DeviceLimits> out = new ArrayList<>();
        for (DeviceInfo d : OpenClBackend.devices()) {
            out.add(of(d, measureCopy));
        }
        return out;
    }

    /**
     * @param d a listed device
     * @param measureCopy whether to measure its copy bandwidth (NaN when the copy fails)
     * @return its limits
     * @throws OpenClException when a query fails
     */
    public static DeviceLimits of(DeviceInfo d, boolean measureCopy) {
        int clock = Cl.deviceInt(d.deviceId, CL.CL_DEVICE_MAX_CLOCK_FREQUENCY);
        int wf = Cl.deviceInt(d.deviceId, CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT);
        int wd = Cl.deviceInt(d.deviceId, CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE);
        double copy = Double.NaN;
        if (measureCopy) {
            try {
                copy = measureCopyGbs(d);
            } catch (OpenClException e) {
                copy = Double.NaN; // a device that cannot copy still gets its rows; its bandwidth stays unknown
            }
        }
        return new DeviceLimits(d, clock, wf, wd, copy);
    }

    /** @return the device */
    public DeviceInfo device() {
        return device;
    }

    /** @return CL_DEVICE_MAX_CLOCK_FREQUENCY in MHz (0 when the driver reports none) */
    public int clockMhz() {
        return clockMhz;
    }

    /** @return CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT */
    public int widthFloat() {
        return widthFloat;
    }

    /** @return CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE (0 without fp64) */
    public int widthDouble() {
        return widthDouble;
    }

    /** @return the measured copy bandwidth in GB/s (read + write bytes per second / 1e9), NaN when not measured */
    public double copyGbs() {
        return copyGbs;
    }

    /**
     * Copies one buffer into another {@value #COPIES} times after one untimed copy, on a context of its own, and
     * returns the best rate: 2 × bytes / seconds (each byte read and written), in GB/s.
     */
    private static double measureCopyGbs(DeviceInfo d) {
        long want = d.isGpu() ? GPU_COPY_BYTES : OTHER_COPY_BYTES;
        long bytes = Math.max(1L << 20, Math.min(want, Math.min(d.maxAlloc() / 2, d.globalMemory() / 8)));
        try (ClContext ctx = ClContext.create(d);
             ClMem src = new ClMem(ctx.context, CL.CL_MEM_READ_WRITE, bytes, "copy source");
             ClMem dst = new ClMem(ctx.context, CL.CL_MEM_READ_WRITE, bytes, "copy target")) {
            Cl.check(CL.clEnqueueFillBuffer(ctx.queue, src.mem, Pointer.to(new int[] {0}), 4, 0, bytes, 0, null,
                    null), "clEnqueueFillBuffer");
            Cl.check(CL.clFinish(ctx.queue), "clFinish");
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r <= COPIES; r++) {
                long t0 = System.nanoTime();
                Cl.check(CL.clEnqueueCopyBuffer(ctx.queue, src.mem, dst.mem, 0, 0, bytes, 0, null, null),
                        "clEnqueueCopyBuffer");
                Cl.check(CL.clFinish(ctx.queue), "clFinish");
                double s = (System.nanoTime() - t0) / 1e9;
                if (r > 0) {
                    best = Math.min(best, s);
                }
            }
            return 2.0 * bytes / best / 1e9;
        }
    }
}
