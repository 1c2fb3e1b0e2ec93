package org.emgmm.backend.opencl;

import org.jocl.CL;

/**
 * The device buffers one launch writes and the next launches read, then leave: the responsibility scratch and the
 * per-group partials of the log-likelihood and of the weighted sums. Passes enqueued on one in-order queue can share
 * them (each launch rewrites what it reads), so the models of an {@link OpenClMultiPass} hold one set, as large as
 * the largest plan among them needs, instead of one each (a GPU plan's scratch is up to 1 GiB).
 */
final class Scratch implements AutoCloseable {
    private final ClContext ctx;
    ClMem resp;
    ClMem llPartials;
    ClMem partials;

    Scratch(ClContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Makes every buffer at least as large as {@code plan} needs; a buffer that grows is released and allocated
     * anew, so call it only while nothing that uses the buffers is enqueued.
     *
     * @param plan the plan of a pass that will launch with these buffers
     * @return this
     */
    Scratch fit(KernelPlan plan) {
        resp = grow(resp, (plan.fused ? 1 : plan.scratchRows * plan.k) * plan.realSize, "responsibility scratch");
        llPartials = grow(llPartials, 2L * plan.maxGroups * plan.accSize, "log-likelihood partials");
        partials = grow(partials, (long) plan.maxGroups * plan.nph * plan.entries * plan.accSize, "partial sums");
        return this;
    }

    private ClMem grow(ClMem m, long bytes, String what) {
        if (m != null && m.bytes >= bytes) {
            return m;
        }
        if (m != null) {
            Cl.check(CL.clFinish(ctx.queue), "clFinish(before growing the " + what + ")");
            m.close();
        }
        return new ClMem(ctx.context, CL.CL_MEM_READ_WRITE, bytes, what);
    }

    @Override
    public void close() {
        for (ClMem m : new ClMem[] {resp, llPartials, partials}) {
            if (m != null) {
                m.close();
            }
        }
        resp = llPartials = partials = null;
    }
}
