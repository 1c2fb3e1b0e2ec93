package org.emgmm.backend.opencl;

import org.emgmm.backend.Pass;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * Repeated E steps of one model shape over one dataset on one device: the rows on the device ({@link DeviceRows}:
 * resident, uploaded once, or streamed in double-buffered chunks), one model's kernels ({@link ModelKernels}: the
 * two-kernel or fused plan, launches, reductions and the host's fixed-order additions) and their launch buffers
 * ({@link Scratch}). {@link OpenClMultiPass} runs the same kernels for several models on one copy of the rows, with
 * the same bits per model.
 *
 * <p>Construction compiles the kernels and makes one dry launch of each (so a launch-time failure is thrown here,
 * where {@code --backend auto} can still fall back to the CPU), then uploads resident data.
 */
final class OpenClPass implements Pass {
    private final ClContext ctx;
    private final DeviceRows rows;
    private final Scratch scratch;
    private final ModelKernels model;
    private boolean closed;

    OpenClPass(ClContext ctx, KernelPlan plan, Dataset data) {
        this.ctx = ctx;
        DeviceRows r = null;
        Scratch s = null;
        ModelKernels m = null;
        try {
            r = new DeviceRows(ctx, plan, data);
            s = new Scratch(ctx).fit(plan);
            m = new ModelKernels(ctx, plan, r, s);
            r.load();
        } catch (RuntimeException | Error e) {
            for (AutoCloseable c : new AutoCloseable[] {m, s, r}) {
                Owned.closeQuietly(c);
            }
            throw e;
        }
        rows = r;
        scratch = s;
        model = m;
    }

    /** @return per kernel, what the device says of it (a diagnostic for KernelProfileCheck) */
    String kernelLimits() {
        return model.kernelLimits();
    }

    /** @return the plan (tests and reports) */
    KernelPlan plan() {
        return model.plan();
    }

    /** @return the context this pass runs in (tests) */
    ClContext context() {
        return ctx;
    }

    /** @return the device this pass runs on */
    DeviceInfo device() {
        return ctx.device;
    }

    /** @return bytes of host staging a streamed pass holds (two slots of data and weights), 0 when resident */
    long stagingBytes() {
        return rows.stagingBytes();
    }

    @Override
    public SufficientStatistics accumulate(Gaussians g) {
        if (closed) {
            throw new IllegalStateException("this OpenCL pass is closed");
        }
        model.checkShape(g);
        return model.statistics(g, sums(g));
    }

    /**
     * One E step on the device: the reduced sums of every (chunk, launch, component tile) slot, not yet added.
     * Sets {@link #shift()} for these parameters.
     *
     * @param g current parameters (shape checked by the caller)
     * @return the slots, as {@link #addSums} reads them
     */
    double[] sums(Gaussians g) {
        if (closed) {
            throw new IllegalStateException("this OpenCL pass is closed");
        }
        synchronized (ctx.lock) {
            model.writeParams(g);
            rows.forEachChunk(model::enqueueChunk);
            return model.readSums();
        }
    }

    /** @return the shift c_j = ref + mu'_j (device values) of the last {@link #sums} call's statistics, K×D */
    double[] shift() {
        return model.shift();
    }

    /**
     * Adds the slots in (chunk, launch, tile) order to {@code st}, still about {@link #shift()} (several devices'
     * passes add theirs in device order into one statistics object, then reshift once).
     *
     * @param sums the slots from {@link #sums}
     * @param st statistics to add to
     */
    void addSums(double[] sums, SufficientStatistics st) {
        model.addSums(sums, st);
    }

    /**
     * Moves statistics about {@code shift} to the exact means ({@link ModelKernels#reshift}).
     *
     * @param st statistics about {@code shift}, moved in place
     * @param means the exact means μ (K×D)
     * @param shift the shift c the sums are about (K×D)
     */
    static void reshift(SufficientStatistics st, double[] means, double[] shift) {
        ModelKernels.reshift(st, means, shift);
    }

    /**
     * Closes this pass but keeps its rows on the device, for a multi-model pass to adopt (their upload not repeated).
     *
     * @return the rows, now the caller's to close
     */
    DeviceRows detachRows() {
        if (closed) {
            throw new IllegalStateException("this OpenCL pass is closed");
        }
        closed = true;
        Owned.closeQuietly(model);
        Owned.closeQuietly(scratch);
        return rows;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Owned.closeQuietly(model);
        Owned.closeQuietly(scratch);
        Owned.closeQuietly(rows);
    }
}
