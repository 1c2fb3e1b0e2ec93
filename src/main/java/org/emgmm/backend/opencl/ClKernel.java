package org.emgmm.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * Owner of one OpenCL kernel: created checked, its own limits queried (CL_KERNEL_WORK_GROUP_SIZE,
 * CL_KERNEL_LOCAL_MEM_SIZE), arguments set and launches enqueued with every return code checked, released once on
 * {@link #close()}.
 */
final class ClKernel implements AutoCloseable {
    final cl_kernel kernel;
    final String name;
    private final KernelTimes times;
    private boolean closed;

    ClKernel(ClProgram program, String name) {
        int[] err = new int[1];
        this.kernel = CL.clCreateKernel(program.program, name, err);
        Cl.check(err[0], "clCreateKernel(" + name + ")");
        this.name = name;
        this.times = program.times;
    }

    /** @return CL_KERNEL_WORK_GROUP_SIZE: the most work-items per group this kernel can run with on the device */
    long maxWorkGroupSize(cl_device_id device) {
        long[] v = new long[1];
        Cl.check(CL.clGetKernelWorkGroupInfo(kernel, device, CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                Pointer.to(v), null), "clGetKernelWorkGroupInfo(" + name + ")");
        return v[0];
    }

    /** @return CL_KERNEL_LOCAL_MEM_SIZE: the local memory one work-group of this kernel uses, in bytes */
    long localMemory(cl_device_id device) {
        long[] v = new long[1];
        Cl.check(CL.clGetKernelWorkGroupInfo(kernel, device, CL.CL_KERNEL_LOCAL_MEM_SIZE, Sizeof.cl_ulong,
                Pointer.to(v), null), "clGetKernelWorkGroupInfo(" + name + ")");
        return v[0];
    }

    /** @return CL_KERNEL_PRIVATE_MEM_SIZE: private memory per work-item beyond registers (spills), in bytes */
    long privateMemory(cl_device_id device) {
        long[] v = new long[1];
        Cl.check(CL.clGetKernelWorkGroupInfo(kernel, device, CL.CL_KERNEL_PRIVATE_MEM_SIZE, Sizeof.cl_ulong,
                Pointer.to(v), null), "clGetKernelWorkGroupInfo(" + name + ")");
        return v[0];
    }

    /**
     * Checks the launch shape against the kernel's own limits before anything is enqueued.
     *
     * @param dev the device
     * @param wgs work-items per group the launch will use
     * @throws OpenClException naming the kernel, the device and the limit exceeded
     */
    void checkLimits(DeviceInfo dev, int wgs) {
        long max = maxWorkGroupSize(dev.deviceId);
        if (wgs > max) {
            throw new OpenClException("kernel " + name + " runs at most " + max + " work-items per group on "
                    + dev.describe() + "; the plan needs " + wgs, CL.CL_INVALID_WORK_GROUP_SIZE);
        }
        long local = localMemory(dev.deviceId);
        if (local > dev.localMemory()) {
            throw new OpenClException("kernel " + name + " needs " + local + " bytes of local memory; "
                    + dev.describe() + " has " + dev.localMemory(), CL.CL_OUT_OF_RESOURCES);
        }
    }

    ClKernel arg(int i, ClMem m) {
        Cl.check(CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(m.mem)), "clSetKernelArg(" + name + ")");
        return this;
    }

    ClKernel arg(int i, int v) {
        Cl.check(CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v})),
                "clSetKernelArg(" + name + ")");
        return this;
    }

    ClKernel arg(int i, long v) {
        Cl.check(CL.clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {v})),
                "clSetKernelArg(" + name + ")");
        return this;
    }

    /**
     * Enqueues a 1-D launch.
     *
     * @param queue the queue
     * @param groups work-groups
     * @param wgs work-items per group
     * @param wait events to wait for, or null
     * @param done an event to record the launch in, or null
     */
    void launch(cl_command_queue queue, long groups, int wgs, ClEvent[] wait, ClEvent done) {
        cl_event[] w = null;
        if (wait != null && wait.length > 0) {
            w = new cl_event[wait.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = wait[i].event;
            }
        }
        cl_event ev = done != null ? done.event : times != null ? new cl_event() : null;
        Cl.check(CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {groups * wgs}, new long[] {wgs},
                w == null ? 0 : w.length, w, ev),
                "clEnqueueNDRangeKernel(" + name + ", " + groups + " x " + wgs + ")");
        if (times != null) {
            if (done != null) {
                Cl.check(CL.clRetainEvent(ev), "clRetainEvent");
            }
            times.record(name, ev);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CL.clReleaseKernel(kernel);
        }
    }
}
