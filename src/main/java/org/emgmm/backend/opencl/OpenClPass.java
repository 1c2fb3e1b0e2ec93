package org.emgmm.backend.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.emgmm.CovarianceType;
import org.emgmm.Precision;
import org.emgmm.backend.Pass;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * Repeated E steps over one dataset on one device. Resident data is uploaded once, here; streamed data goes
 * through two device buffers and two host staging buffers (pinned where the driver allows), the upload of one chunk
 * (on the context's transfer queue) overlapping the kernels of the previous one (on the compute queue).
 *
 * <p>Per chunk and component tile: {@code estep} writes per-work-group partials, {@code reduce} sums them into one
 * slot of the output buffer; one blocking read per iteration brings every slot back, and the host adds them in
 * double in a fixed order (chunk, then component tile), then moves the statistics from the shift the device used
 * (the means rounded to the device precision) to the exact double means.
 */
final class OpenClPass implements Pass {
    /** Rows read from the dataset per block while filling a staging buffer. */
    private static final int FILL_BLOCK = 16384;
    /** Staging size for the one-time upload of resident data. */
    private static final long UPLOAD_PIECE_BYTES = 1L << 26;

    private final ClContext ctx;
    private final KernelPlan plan;
    private final Dataset data;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final ClMem params;
    private final ClMem partials;
    private final ClMem out;
    private final ClMem[] dx;
    private final ClMem[] dw;
    private final Staging[] stagingX;
    private final Staging[] stagingW;
    private cl_kernel estep;
    private cl_kernel reduce;
    private boolean closed;

    OpenClPass(ClContext ctx, KernelPlan plan, Dataset data) {
        this.ctx = ctx;
        this.plan = plan;
        this.data = data;
        try {
            {
                long paramLen = (long) plan.k * plan.d + plan.precLength + plan.k;
                params = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, paramLen * plan.realSize, "parameters"));
                long groups = plan.maxGroupsPerLaunch();
                partials = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE,
                        groups * plan.entries * plan.realSize, "partial sums"));
                out = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE,
                        (long) plan.chunks * plan.compTiles * plan.entries * plan.accSize, "reduced sums"));
            }
            int slots = plan.resident ? 1 : 2;
            dx = new ClMem[slots];
            dw = new ClMem[slots];
            long rowsPerSlot = plan.chunkRows;
            for (int s = 0; s < slots; s++) {
                dx[s] = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, rowsPerSlot * plan.d * plan.realSize,
                        "data"));
                dw[s] = plan.weighted ? own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY,
                        rowsPerSlot * plan.realSize, "weights")) : dx[s];
            }
            String options = plan.options(ctx.device.fp64());
            synchronized (ctx.lock) {
                estep = ClContext.kernel(ctx.program(options), "estep");
                reduce = ClContext.kernel(ctx.program(options), "reduce");
            }
            if (plan.resident) {
                stagingX = null;
                stagingW = null;
                upload();
            } else {
                stagingX = new Staging[2];
                stagingW = new Staging[2];
                for (int s = 0; s < 2; s++) {
                    stagingX[s] = own(new Staging(ctx, plan.chunkRows * plan.d * plan.realSize));
                    stagingW[s] = plan.weighted ? own(new Staging(ctx, plan.chunkRows * plan.realSize)) : null;
                }
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T r) {
        owned.add(r);
        return r;
    }

    /** Uploads the whole dataset once, in pieces through one staging buffer (Java arrays hold under 2³¹ values). */
    private void upload() {
        long rowBytes = (long) plan.d * plan.realSize;
        long pieceRows = Math.max(1, Math.min(plan.n, UPLOAD_PIECE_BYTES / rowBytes));
        synchronized (ctx.lock) {
            try (Staging st = new Staging(ctx, pieceRows * rowBytes)) {
                for (long r = 0; r < plan.n; r += pieceRows) {
                    int rows = (int) Math.min(pieceRows, plan.n - r);
                    fillX(st.buf, r, rows);
                    Cl.check(CL.clEnqueueWriteBuffer(ctx.queue, dx[0].mem, true, r * rowBytes, rows * rowBytes,
                            Pointer.to(st.buf), 0, null, null), "clEnqueueWriteBuffer(data)");
                    if (plan.weighted) {
                        fillW(st.buf, r, rows);
                        Cl.check(CL.clEnqueueWriteBuffer(ctx.queue, dw[0].mem, true, r * plan.realSize,
                                (long) rows * plan.realSize, Pointer.to(st.buf), 0, null, null),
                                "clEnqueueWriteBuffer(weights)");
                    }
                }
            }
        }
    }

    private void fillX(ByteBuffer buf, long start, int rows) {
        int d = plan.d;
        if (plan.precision == Precision.FLOAT) {
            FloatBuffer fb = buf.asFloatBuffer();
            float[] tmp = new float[Math.min(rows, FILL_BLOCK) * d];
            for (int i = 0; i < rows; i += FILL_BLOCK) {
                int c = Math.min(FILL_BLOCK, rows - i);
                data.read(start + i, c, tmp, 0);
                fb.put(tmp, 0, c * d);
            }
        } else {
            DoubleBuffer db = buf.asDoubleBuffer();
            double[] tmp = new double[Math.min(rows, FILL_BLOCK) * d];
            for (int i = 0; i < rows; i += FILL_BLOCK) {
                int c = Math.min(FILL_BLOCK, rows - i);
                data.read(start + i, c, tmp, 0);
                db.put(tmp, 0, c * d);
            }
        }
    }

    private void fillW(ByteBuffer buf, long start, int rows) {
        double[] tmp = new double[Math.min(rows, FILL_BLOCK)];
        FloatBuffer fb = plan.precision == Precision.FLOAT ? buf.asFloatBuffer() : null;
        DoubleBuffer db = fb == null ? buf.asDoubleBuffer() : null;
        for (int i = 0; i < rows; i += FILL_BLOCK) {
            int c = Math.min(FILL_BLOCK, rows - i);
            data.readWeights(start + i, c, tmp, 0);
            if (fb != null) {
                for (int q = 0; q < c; q++) {
                    fb.put((float) tmp[q]);
                }
            } else {
                db.put(tmp, 0, c);
            }
        }
    }

    @Override
    public SufficientStatistics accumulate(Gaussians g) {
        if (closed) {
            throw new IllegalStateException("this OpenCL pass is closed");
        }
        if (g.k != plan.k || g.d != plan.d || g.type != plan.type) {
            throw new IllegalArgumentException("parameters of shape k=" + g.k + " d=" + g.d + " " + g.type
                    + " do not match the pass (k=" + plan.k + " d=" + plan.d + " " + plan.type + ")");
        }
        int slots = plan.chunks * plan.compTiles * plan.entries;
        double[] sums = new double[slots];
        synchronized (ctx.lock) {
            writeParams(g);
            if (plan.resident) {
                enqueueChunk(0, 0, plan.n, null);
            } else {
                stream();
            }
            readSums(sums);
        }
        return assemble(sums, g);
    }

    private void writeParams(Gaussians g) {
        int len = g.means.length + plan.precLength + g.k;
        double[] p = new double[len];
        System.arraycopy(g.means, 0, p, 0, g.means.length);
        System.arraycopy(g.precChol, 0, p, g.means.length, plan.precLength);
        System.arraycopy(g.logConst, 0, p, g.means.length + plan.precLength, g.k);
        Pointer ptr;
        if (plan.precision == Precision.FLOAT) {
            float[] f = new float[len];
            for (int i = 0; i < len; i++) {
                f[i] = (float) p[i];
            }
            ptr = Pointer.to(f);
        } else {
            ptr = Pointer.to(p);
        }
        Cl.check(CL.clEnqueueWriteBuffer(ctx.queue, params.mem, true, 0, (long) len * plan.realSize, ptr, 0, null,
                null), "clEnqueueWriteBuffer(parameters)");
    }

    /** Streams every chunk through the two slots; the upload of chunk c+1 overlaps the kernels of chunk c. */
    private void stream() {
        cl_event[] done = new cl_event[2];
        try {
            for (int c = 0; c < plan.chunks; c++) {
                int slot = c & 1;
                if (done[slot] != null) {
                    Cl.check(CL.clWaitForEvents(1, new cl_event[] {done[slot]}), "clWaitForEvents");
                    CL.clReleaseEvent(done[slot]);
                    done[slot] = null;
                }
                long start = (long) c * plan.chunkRows;
                int rows = (int) Math.min(plan.chunkRows, plan.n - start);
                // weights first, then data: the transfer queue is in order, so the data write's event covers both
                if (plan.weighted) {
                    fillW(stagingW[slot].buf, start, rows);
                    Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dw[slot].mem, false, 0,
                            (long) rows * plan.realSize, Pointer.to(stagingW[slot].buf), 0, null, null),
                            "clEnqueueWriteBuffer(weights chunk " + c + ")");
                }
                fillX(stagingX[slot].buf, start, rows);
                cl_event written = new cl_event();
                Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dx[slot].mem, false, 0,
                        (long) rows * plan.d * plan.realSize, Pointer.to(stagingX[slot].buf), 0, null, written),
                        "clEnqueueWriteBuffer(data chunk " + c + ")");
                try {
                    Cl.check(CL.clFlush(ctx.transfer), "clFlush");
                    enqueueChunk(c, slot, rows, new cl_event[] {written});
                    Cl.check(CL.clFlush(ctx.queue), "clFlush");
                } finally {
                    CL.clReleaseEvent(written);
                }
                // the event of this chunk's last kernel marks its slot (device and staging buffers) reusable
                done[slot] = lastEvent;
                lastEvent = null;
            }
        } finally {
            CL.clFinish(ctx.queue);
            for (cl_event e : done) {
                if (e != null) {
                    CL.clReleaseEvent(e);
                }
            }
        }
    }

    private cl_event lastEvent;

    /**
     * Enqueues the kernels of one chunk: per component tile, estep then reduce into its output slot.
     *
     * @param wait events the first kernel waits for (the chunk's uploads), or null
     */
    private void enqueueChunk(int chunk, int slot, long rows, cl_event[] wait) {
        int groups = plan.groups(rows);
        int tpg = plan.tilesPerGroup(rows);
        long[] global = {(long) groups * plan.wgs};
        long[] local = {plan.wgs};
        long[] rglobal = {(long) plan.entries * KernelPlan.RWG};
        long[] rlocal = {KernelPlan.RWG};
        arg(estep, 0, dx[slot].mem);
        arg(estep, 1, dw[slot].mem);
        Cl.check(CL.clSetKernelArg(estep, 2, Sizeof.cl_long, Pointer.to(new long[] {rows})), "clSetKernelArg");
        Cl.check(CL.clSetKernelArg(estep, 3, Sizeof.cl_int, Pointer.to(new int[] {tpg})), "clSetKernelArg");
        arg(estep, 5, params.mem);
        arg(estep, 6, partials.mem);
        arg(reduce, 0, partials.mem);
        Cl.check(CL.clSetKernelArg(reduce, 1, Sizeof.cl_int, Pointer.to(new int[] {groups})), "clSetKernelArg");
        arg(reduce, 2, out.mem);
        for (int t = 0; t < plan.compTiles; t++) {
            Cl.check(CL.clSetKernelArg(estep, 4, Sizeof.cl_int, Pointer.to(new int[] {t * plan.kt})),
                    "clSetKernelArg");
            boolean first = t == 0 && wait != null;
            Cl.check(CL.clEnqueueNDRangeKernel(ctx.queue, estep, 1, null, global, local, first ? wait.length : 0,
                    first ? wait : null, null), "clEnqueueNDRangeKernel(estep)");
            int offset = (chunk * plan.compTiles + t) * plan.entries;
            Cl.check(CL.clSetKernelArg(reduce, 3, Sizeof.cl_int, Pointer.to(new int[] {offset})),
                    "clSetKernelArg");
            boolean last = t == plan.compTiles - 1 && wait != null;
            cl_event ev = last ? new cl_event() : null;
            Cl.check(CL.clEnqueueNDRangeKernel(ctx.queue, reduce, 1, null, rglobal, rlocal, 0, null, ev),
                    "clEnqueueNDRangeKernel(reduce)");
            if (last) {
                lastEvent = ev;
            }
        }
    }

    private static void arg(cl_kernel k, int i, cl_mem m) {
        Cl.check(CL.clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(m)), "clSetKernelArg");
    }

    private void readSums(double[] sums) {
        if (plan.accSize == 8) {
            Cl.check(CL.clEnqueueReadBuffer(ctx.queue, out.mem, true, 0, (long) sums.length * 8, Pointer.to(sums),
                    0, null, null), "clEnqueueReadBuffer(sums)");
        } else {
            float[] f = new float[sums.length];
            Cl.check(CL.clEnqueueReadBuffer(ctx.queue, out.mem, true, 0, (long) f.length * 4, Pointer.to(f), 0,
                    null, null), "clEnqueueReadBuffer(sums)");
            for (int i = 0; i < f.length; i++) {
                sums[i] = f[i];
            }
        }
    }

    /** Adds the slots in (chunk, tile) order into statistics about the exact double means. */
    private SufficientStatistics assemble(double[] sums, Gaussians g) {
        int k = plan.k;
        int d = plan.d;
        boolean outer = plan.type.needsOuterProducts();
        SufficientStatistics st = new SufficientStatistics(k, d, plan.type);
        for (int c = 0; c < plan.chunks; c++) {
            for (int t = 0; t < plan.compTiles; t++) {
                int base = (c * plan.compTiles + t) * plan.entries;
                for (int jj = 0; jj < plan.kt; jj++) {
                    int j = t * plan.kt + jj;
                    if (j >= k) {
                        break;
                    }
                    int e = base + jj * plan.per;
                    st.s0[j] += sums[e];
                    for (int a = 0; a < d; a++) {
                        st.s1[j * d + a] += sums[e + 1 + a];
                    }
                    int p = e + 1 + d;
                    if (outer) {
                        for (int a = 0; a < d; a++) {
                            for (int b = a; b < d; b++) {
                                st.s2[(j * d + a) * d + b] += sums[p++];
                            }
                        }
                    } else {
                        for (int a = 0; a < d; a++) {
                            st.s2[j * d + a] += sums[p++];
                        }
                    }
                }
                if (t == 0) {
                    st.logLik += sums[base + plan.kt * plan.per];
                    st.weightSum += sums[base + plan.kt * plan.per + 1];
                }
            }
        }
        if (plan.precision == Precision.FLOAT) {
            reshift(st, g.means);
        }
        return st;
    }

    /**
     * The device accumulated about the means rounded to float, c = μ + δ; re-express the sums about μ exactly:
     * S1' = S1 + δ S0, S2'ab = S2ab + δa S1b + δb S1a + δa δb S0.
     */
    static void reshift(SufficientStatistics st, double[] means) {
        int d = st.d;
        boolean outer = st.type.needsOuterProducts();
        double[] delta = new double[d];
        for (int j = 0; j < st.k; j++) {
            for (int a = 0; a < d; a++) {
                delta[a] = (double) (float) means[j * d + a] - means[j * d + a];
            }
            double s0 = st.s0[j];
            if (outer) {
                for (int a = 0; a < d; a++) {
                    for (int b = a; b < d; b++) {
                        st.s2[(j * d + a) * d + b] += delta[a] * st.s1[j * d + b] + delta[b] * st.s1[j * d + a]
                                + delta[a] * delta[b] * s0;
                    }
                }
            } else {
                for (int a = 0; a < d; a++) {
                    st.s2[j * d + a] += 2 * delta[a] * st.s1[j * d + a] + delta[a] * delta[a] * s0;
                }
            }
            for (int a = 0; a < d; a++) {
                st.s1[j * d + a] += delta[a] * s0;
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (estep != null) {
            CL.clReleaseKernel(estep);
        }
        if (reduce != null) {
            CL.clReleaseKernel(reduce);
        }
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // keep releasing the rest
            }
        }
        owned.clear();
    }

    /** A host staging buffer: pinned (CL_MEM_ALLOC_HOST_PTR, mapped once) where possible, else direct memory. */
    static final class Staging implements AutoCloseable {
        /** Pinned staging unless -Demgmm.opencl.pinned=false. */
        static final boolean PINNED = !"false".equals(System.getProperty("emgmm.opencl.pinned"));
        final ByteBuffer buf;
        private final ClMem mem;
        private final ClContext ctx;

        Staging(ClContext ctx, long bytes) {
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("staging buffer of " + bytes + " bytes is over 2 GiB");
            }
            this.ctx = ctx;
            ClMem m = null;
            ByteBuffer b = null;
            try {
                if (!PINNED) {
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
}
