package org.emgmm.backend.opencl;

import org.jocl.CL;
import org.jocl.cl_program;

/** Owner of one built OpenCL program: released once on {@link #close()}. */
final class ClProgram implements AutoCloseable {
    final cl_program program;
    final String name;
    /** Where its kernels record their launches' device times, or null (not a profiling context). */
    final KernelTimes times;
    private boolean closed;

    ClProgram(cl_program program, String name) {
        this(program, name, null);
    }

    ClProgram(cl_program program, String name, KernelTimes times) {
        this.program = program;
        this.name = name;
        this.times = times;
    }

    /**
     * @param kernel a kernel function of this program
     * @return a new kernel the caller owns
     */
    ClKernel kernel(String kernel) {
        return new ClKernel(this, kernel);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            CL.clReleaseProgram(program);
        }
    }
}
