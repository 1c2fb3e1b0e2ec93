package org.emgmm.backend.opencl;

import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/** Owner of one OpenCL buffer: created checked, released once on {@link #close()}. */
final class ClMem implements AutoCloseable {
    final cl_mem mem;
    final long bytes;
    private boolean closed;

    ClMem(cl_context ctx, long flags, long bytes, String what) {
        int[] err = new int[1];
        this.mem = CL.clCreateBuffer(ctx, flags, Math.max(1, bytes), null, err);
        Cl.check(err[0], "clCreateBuffer(" + what + ", " + bytes + " bytes)");
        this.bytes = bytes;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CL.clReleaseMemObject(mem);
        }
    }
}
