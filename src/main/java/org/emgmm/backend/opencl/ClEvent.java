package org.emgmm.backend.opencl;

import org.jocl.CL;
import org.jocl.cl_event;

/** Owner of one OpenCL event: released once on {@link #close()}. */
final class ClEvent implements AutoCloseable {
    final cl_event event = new cl_event();
    private boolean closed;

    /** Blocks until the event's command has finished. */
    void await() {
        Cl.check(CL.clWaitForEvents(1, new cl_event[] {event}), "clWaitForEvents");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CL.clReleaseEvent(event);
        }
    }
}
