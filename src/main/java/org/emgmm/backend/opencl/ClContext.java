package org.emgmm.backend.opencl;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * One device's long-lived OpenCL state: a context, a compute queue, a transfer queue (so uploads of streamed
 * chunks overlap the kernels) and the compiled programs, cached per build options as CLBlast caches them per
 * (context, device, options). Passes on the same context are serialised on {@link #lock}. Every handle is released
 * by {@link #close()}; a failed construction releases what it had made.
 */
final class ClContext implements AutoCloseable {
    final DeviceInfo device;
    final cl_context context;
    final cl_command_queue queue;
    final cl_command_queue transfer;
    /** Device times of the kernel launches, or null: only a profiling context records them. */
    final KernelTimes times;
    /** Serialises passes that share the queues. */
    final Object lock = new Object();
    private final Map<String, ClProgram> programs = new LinkedHashMap<>();
    /** Build logs of a profiling context's programs (kernel file and options → log). */
    private final Map<String, String> buildLogs = new LinkedHashMap<>();
    private boolean closed;

    private ClContext(DeviceInfo device, cl_context context, cl_command_queue queue, cl_command_queue transfer,
                      KernelTimes times) {
        this.device = device;
        this.context = context;
        this.queue = queue;
        this.transfer = transfer;
        this.times = times;
    }

    /**
     * @param d the device
     * @return a context with two in-order queues on it
     * @throws OpenClException naming the failed call
     */
    static ClContext create(DeviceInfo d) {
        return create(d, false);
    }

    /**
     * @param d the device
     * @param profile whether the queues record device times of every kernel launch ({@link #times}; a diagnostic)
     * @return a context with two in-order queues on it
     * @throws OpenClException naming the failed call
     */
    static ClContext create(DeviceInfo d, boolean profile) {
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, d.platformId);
        int[] err = new int[1];
        cl_context ctx = CL.clCreateContext(props, 1, new cl_device_id[] {d.deviceId}, null, null, err);
        Cl.check(err[0], "clCreateContext(" + d.name() + ")");
        cl_command_queue q = null;
        try {
            q = createQueue(ctx, d, profile);
            cl_command_queue t = createQueue(ctx, d, profile);
            return new ClContext(d, ctx, q, t, profile ? new KernelTimes() : null);
        } catch (RuntimeException e) {
            if (q != null) {
                CL.clReleaseCommandQueue(q);
            }
            CL.clReleaseContext(ctx);
            throw e;
        }
    }

    @SuppressWarnings("deprecation")
    private static cl_command_queue createQueue(cl_context ctx, DeviceInfo d, boolean profile) {
        int[] err = new int[1];
        cl_command_queue q = CL.clCreateCommandQueue(ctx, d.deviceId, profile ? CL.CL_QUEUE_PROFILING_ENABLE : 0,
                err);
        Cl.check(err[0], "clCreateCommandQueue(" + d.name() + ")");
        return q;
    }

    /**
     * One program (its kernel file with common.cl and its fragments before it) built with these options, compiled
     * on first use and cached.
     *
     * @param source the program
     * @param options build options (the -D defines)
     * @return the program (owned by this context)
     * @throws OpenClException carrying the build log when compilation fails
     */
    synchronized ClProgram program(KernelSource source, String options) {
        if (closed) {
            throw new OpenClException("the OpenCL context of " + device.name() + " is closed", 0);
        }
        String file = KernelSource.FOLDER + source.file;
        String key = file + " " + options;
        ClProgram p = programs.get(key);
        if (p == null) {
            // a profiling context on NVIDIA asks the compiler for its register and spill counts (ptxas -v)
            boolean verbose = times != null && device.vendor().toLowerCase(java.util.Locale.ROOT).contains("nvidia");
            cl_program built = build(file.substring(1), source.text(), verbose ? options + " -cl-nv-verbose"
                    : options);
            if (times != null) {
                try {
                    buildLogs.put(key, buildLog(built).strip());
                } catch (RuntimeException e) {
                    buildLogs.put(key, "(no build log: " + e.getMessage() + ")");
                }
            }
            p = new ClProgram(built, file, times);
            programs.put(key, p);
        }
        return p;
    }

    /** @return a profiling context's build logs so far, kernel file and options → log (empty otherwise) */
    synchronized Map<String, String> buildLogs() {
        return new LinkedHashMap<>(buildLogs);
    }

    /** @return the number of programs compiled and cached so far */
    synchronized int cachedPrograms() {
        return programs.size();
    }

    /**
     * Compiles a program (not cached; the caller owns it).
     *
     * @param name source name for messages
     * @param source OpenCL C source
     * @param options build options
     * @return the built program
     * @throws OpenClException with the build log when the build fails
     */
    cl_program build(String name, String source, String options) {
        int[] err = new int[1];
        cl_program p = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, err);
        Cl.check(err[0], "clCreateProgramWithSource(" + name + ")");
        int rc = CL.clBuildProgram(p, 1, new cl_device_id[] {device.deviceId}, options, null, null);
        if (rc != CL.CL_SUCCESS) {
            String log;
            try {
                log = buildLog(p);
            } catch (RuntimeException e) {
                log = "(no build log: " + e.getMessage() + ")";
            }
            CL.clReleaseProgram(p);
            throw new OpenClException("clBuildProgram(" + name + ") failed on " + device.name() + ": "
                    + Cl.errorName(rc) + " (" + rc + ")\noptions: " + options + "\nbuild log:\n" + log, rc);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        Cl.check(CL.clGetProgramBuildInfo(p, device.deviceId, CL.CL_PROGRAM_BUILD_LOG, 0, null, size),
                "clGetProgramBuildInfo");
        byte[] buf = new byte[(int) size[0]];
        Cl.check(CL.clGetProgramBuildInfo(p, device.deviceId, CL.CL_PROGRAM_BUILD_LOG, buf.length,
                Pointer.to(buf), null), "clGetProgramBuildInfo");
        int n = buf.length;
        while (n > 0 && buf[n - 1] == 0) {
            n--;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8).trim();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ClProgram p : programs.values()) {
            p.close();
        }
        programs.clear();
        CL.clReleaseCommandQueue(transfer);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}
