package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * Device time of every kernel launch on a profiling context ({@link ClContext#create(DeviceInfo, boolean)}): the
 * launches record their events here, {@link #drain()} waits for them and sums CL_PROFILING_COMMAND_END − START per
 * kernel name. A diagnostic for measuring on a GPU (bench/gpu-check.sh's {@code profile} stage); fits never open a
 * profiling context.
 */
final class KernelTimes {
    private final List<String> names = new ArrayList<>();
    private final List<cl_event> events = new ArrayList<>();

    /**
     * Takes one reference to the launch's event (released by {@link #drain()}).
     *
     * @param name the kernel
     * @param event its launch's event, already retained for this
     */
    synchronized void record(String name, cl_event event) {
        names.add(name);
        events.add(event);
    }

    /**
     * Waits for every recorded launch and forgets them.
     *
     * @return per kernel name, in first-launch order: {total device milliseconds, launches}
     */
    synchronized Map<String, double[]> drain() {
        Map<String, double[]> out = new LinkedHashMap<>();
        long[] t = new long[1];
        try {
            for (int i = 0; i < events.size(); i++) {
                cl_event e = events.get(i);
                Cl.check(CL.clWaitForEvents(1, new cl_event[] {e}), "clWaitForEvents");
                Cl.check(CL.clGetEventProfilingInfo(e, CL.CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(t),
                        null), "clGetEventProfilingInfo(START)");
                long start = t[0];
                Cl.check(CL.clGetEventProfilingInfo(e, CL.CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(t),
                        null), "clGetEventProfilingInfo(END)");
                double[] s = out.computeIfAbsent(names.get(i), k -> new double[2]);
                s[0] += (t[0] - start) / 1e6;
                s[1]++;
            }
        } finally {
            for (cl_event e : events) {
                CL.clReleaseEvent(e);
            }
            events.clear();
            names.clear();
        }
        return out;
    }
}
