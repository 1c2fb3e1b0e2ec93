package org.emgmm.backend.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jocl.CL;

/** A host staging buffer: pinned (CL_MEM_ALLOC_HOST_PTR, mapped once) where possible, else direct memory. */
final class Staging implements AutoCloseable {
    final ByteBuffer buf;
    private final ClMem mem;
    private final ClContext ctx;

    Staging(ClContext ctx, long bytes, boolean pinned) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("staging buffer of " + bytes + " bytes is over 2 GiB");
        }
        this.ctx = ctx;
        ClMem m = null;
        ByteBuffer b = null;
        try {
            if (!pinned) {
                throw new OpenClException("pinned staging disabled", 0);
            }
            m = new ClMem(ctx.context, CL.CL_MEM_ALLOC_HOST_PTR | CL.CL_MEM_READ_WRITE, bytes, "staging");
            int[] err = new int[1];
            b = CL.clEnqueueMapBuffer(ctx.queue, m.mem, true, CL.CL_MAP_WRITE, 0, Math.max(1, bytes), 0, null,
                    null, err);
            Cl.check(err[0], "clEnqueueMapBuffer(staging)");
        } catch (OpenClException e) {
            if (m != null) {
                m.close();
            }
            m = null;
            b = ByteBuffer.allocateDirect((int) Math.max(1, bytes));
        }
        this.mem = m;
        this.buf = b.order(ByteOrder.nativeOrder());
    }

    @Override
    public void close() {
        if (mem != null) {
            CL.clEnqueueUnmapMemObject(ctx.queue, mem.mem, buf, 0, null, null);
            CL.clFinish(ctx.queue);
            mem.close();
        }
    }
}
