package org.emgmm.backend.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

/**
 * Repeated E steps over one dataset on one device. Resident data is uploaded once, here, into as many device buffers
 * as {@link KernelPlan#chunks} (each within CL_DEVICE_MAX_MEM_ALLOC_SIZE); streamed data goes through two device
 * buffers and two host staging buffers (pinned where the driver allows), the upload of one chunk (on the context's
 * transfer queue) overlapping the kernels of the previous one (on the compute queue). Staging buffers are filled
 * by several threads ({@link StagingFill}) straight from the dataset (a memory map, for a mapped file), so host
 * memory stays bounded by the staging buffers whatever the size of the data.
 *
 * <p>Per launch of at most {@link KernelPlan#scratchRows} rows: {@code estep} computes every row's K log-densities
 * once and writes its responsibilities to the scratch, {@code reduce} sums its per-group log-likelihood and weight;
 * then per component tile {@code accum} forms the weighted sums from the scratch and {@code reduce} sums its
 * per-group partials into one slot range of the output buffer. One blocking read per iteration brings every slot
 * back; the host adds them in double in a fixed order (chunk, launch, component tile), then moves the statistics
 * from the shift the device used (ref + mu', as the device holds them) to the exact double means.
 *
 * <p>With a fused plan ({@link KernelPlan#fused}: diag/spherical, one component tile) one {@code fused} kernel
 * (kernels/fused.cl) per launch does what estep and accum do, keeping the responsibilities in local memory (no
 * scratch: the buffer shrinks to one value), and writes both kernels' per-group partials, reduced as before.
 *
 * <p>Construction compiles the kernels, checks each kernel's own limits (work-group size, local memory) and makes
 * one dry launch of every kernel, so a launch-time failure (CL_OUT_OF_RESOURCES, CL_INVALID_WORK_GROUP_SIZE) is
 * thrown here, where {@code --backend auto} can still fall back to the CPU.
 */
final class OpenClPass implements Pass {
    /** Staging size for the one-time upload of resident data. */
    private static final long UPLOAD_PIECE_BYTES = 1L << 26;

    private final ClContext ctx;
    private final KernelPlan plan;
    private final Dataset data;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final ClMem params;
    private final ClMem resp;
    private final ClMem llPartials;
    private final ClMem partials;
    private final ClMem out;
    private final ClMem[] dx;
    private final ClMem[] dw;
    private final Staging[] stagingX;
    private final Staging[] stagingW;
    /** The two-kernel path's kernels (null when fused). */
    private final ClKernel estep;
    private final ClKernel accum;
    /** The fused kernel (null when not fused). */
    private final ClKernel fused;
    private final ClKernel reduce;
    /** The shift the device's statistics are about, c_j = ref + mu'_j (device values), set by writeParams. */
    private double[] shift;
    private boolean closed;

    OpenClPass(ClContext ctx, KernelPlan plan, Dataset data) {
        this.ctx = ctx;
        this.plan = plan;
        this.data = data;
        try {
            params = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, (long) plan.paramLength * plan.realSize,
                    "parameters"));
            resp = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE,
                    (plan.fused ? 1 : plan.scratchRows * plan.k) * plan.realSize, "responsibility scratch"));
            llPartials = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE, 2L * plan.maxGroups * plan.accSize,
                    "log-likelihood partials"));
            partials = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE,
                    (long) plan.maxGroups * plan.nph * plan.entries * plan.accSize, "partial sums"));
            out = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE, (long) plan.chunks * plan.launchesPerChunk
                    * plan.slotsPerLaunch() * plan.accSize, "reduced sums"));
            // resident: one buffer per chunk, each as long as its chunk; streamed: two slots of a whole chunk
            int slots = plan.resident ? plan.chunks : 2;
            dx = new ClMem[slots];
            dw = new ClMem[slots];
            for (int s = 0; s < slots; s++) {
                long rows = plan.resident ? chunkRows(s) : plan.chunkRows;
                dx[s] = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, rows * plan.d * plan.realSize,
                        "data" + (slots > 1 ? " buffer " + s : "")));
                dw[s] = plan.weighted ? own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, rows * plan.realSize,
                        "weights" + (slots > 1 ? " buffer " + s : ""))) : dx[s];
            }
            boolean fp64 = ctx.device.fp64();
            synchronized (ctx.lock) {
                if (plan.fused) {
                    estep = null;
                    accum = null;
                    fused = own(ctx.program(KernelSource.FUSED, plan.fusedOptions(fp64)).kernel("fused"));
                    fused.checkLimits(ctx.device, plan.wgs);
                } else {
                    fused = null;
                    estep = own(ctx.program(KernelSource.ESTEP, plan.estepOptions(fp64)).kernel("estep"));
                    accum = own(ctx.program(KernelSource.ACCUM, plan.accumOptions(fp64)).kernel("accum"));
                    estep.checkLimits(ctx.device, plan.wgs);
                    accum.checkLimits(ctx.device, plan.accWgs);
                }
                reduce = own(ctx.program(KernelSource.REDUCE, plan.reduceOptions(fp64)).kernel("reduce"));
                reduce.checkLimits(ctx.device, KernelPlan.RWG);
                dryLaunch();
            }
            if (plan.resident) {
                stagingX = null;
                stagingW = null;
                upload();
            } else {
                stagingX = new Staging[2];
                stagingW = new Staging[2];
                for (int s = 0; s < 2; s++) {
                    stagingX[s] = own(new Staging(ctx, plan.chunkRows * plan.d * plan.realSize, plan.pinned));
                    stagingW[s] = plan.weighted ? own(new Staging(ctx, plan.chunkRows * plan.realSize, plan.pinned))
                            : null;
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

    /**
     * @return per kernel, what the device says of it: the largest work-group it can run (on NVIDIA, 65536 registers
     *     over its registers per item, rounded down to whole warps), its local memory and its private memory per
     *     item (spills) — a diagnostic for KernelProfileCheck
     */
    String kernelLimits() {
        StringBuilder sb = new StringBuilder();
        for (ClKernel k : new ClKernel[] {estep, accum, fused, reduce}) {
            if (k == null) {
                continue; // the two-kernel path or the fused one
            }
            sb.append(String.format(java.util.Locale.ROOT, "%s%s: max wgs %d, local %d B, private %d B",
                    sb.length() == 0 ? "" : "; ", k.name, k.maxWorkGroupSize(ctx.device.deviceId),
                    k.localMemory(ctx.device.deviceId), k.privateMemory(ctx.device.deviceId)));
        }
        return sb.toString();
    }

    /** Every kernel once over zero rows, at the plan's launch shape, and waited for: launch errors surface here. */
    private void dryLaunch() {
        launch(0, 0, 0, 0, null, null);
        Cl.check(CL.clFinish(ctx.queue), "clFinish(dry launch of " + plan + ")");
    }

    /** @return the plan (tests and reports) */
    KernelPlan plan() {
        return plan;
    }

    /** @return the context this pass runs in (tests) */
    ClContext context() {
        return ctx;
    }

    /** @return the device this pass runs on */
    DeviceInfo device() {
        return ctx.device;
    }

    /** @return rows of chunk {@code c} (the last may be short) */
    private long chunkRows(int c) {
        return Math.min(plan.chunkRows, plan.n - (long) c * plan.chunkRows);
    }

    /** @return bytes of host staging a streamed pass holds (two slots of data and weights), 0 when resident */
    long stagingBytes() {
        long b = 0;
        for (Staging[] ss : new Staging[][] {stagingX, stagingW}) {
            if (ss != null) {
                for (Staging st : ss) {
                    b += st == null ? 0 : st.buf.capacity();
                }
            }
        }
        return b;
    }

    /**
     * Uploads the whole dataset once into its chunk buffers, in pieces through one staging buffer, each piece filled
     * by several threads (Java arrays hold under 2³¹ values). The writes are blocking: for a non-blocking write JOCL
     * starts a thread of its own that waits on the write's event and releases it while this thread goes on calling
     * OpenCL, and Oclgrind's command queue is not safe for that (it crashed in asyncQueueRelease / clFlush in 5 of 6
     * runs of .ci/oclgrind.sh). The one-time upload gives up overlapping the fill with the transfer; streaming
     * ({@link #accumulate}) still overlaps, on the devices that stream.
     */
    private void upload() {
        long rowBytes = (long) plan.d * plan.realSize;
        long pieceRows = Math.max(1, Math.min(plan.chunkRows, UPLOAD_PIECE_BYTES / rowBytes));
        boolean asFloat = plan.precision == Precision.FLOAT;
        synchronized (ctx.lock) {
            // one staging buffer of each kind: a blocking write has read it by the time it returns
            try (Staging sx = new Staging(ctx, pieceRows * rowBytes, plan.pinned);
                 Staging sw = plan.weighted ? new Staging(ctx, pieceRows * plan.realSize, plan.pinned) : null) {
                for (int c = 0; c < plan.chunks; c++) {
                    long rowsC = chunkRows(c);
                    long first = (long) c * plan.chunkRows;
                    for (long r = 0; r < rowsC; r += pieceRows) {
                        int rows = (int) Math.min(pieceRows, rowsC - r);
                        if (sw != null) {
                            StagingFill.fill(data, sw.buf, first + r, rows, asFloat, true);
                            Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dw[c].mem, true, r * plan.realSize,
                                    (long) rows * plan.realSize, Pointer.to(sw.buf), 0, null, null),
                                    "clEnqueueWriteBuffer(weights)");
                        }
                        StagingFill.fill(data, sx.buf, first + r, rows, asFloat, false);
                        Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dx[c].mem, true, r * rowBytes,
                                rows * rowBytes, Pointer.to(sx.buf), 0, null, null),
                                "clEnqueueWriteBuffer(data buffer " + c + ")");
                    }
                }
                Cl.check(CL.clFinish(ctx.transfer), "clFinish(upload)");
            } finally {
                CL.clFinish(ctx.transfer);
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
        double[] sums = sums(g);
        SufficientStatistics st = new SufficientStatistics(plan.k, plan.d, plan.type);
        addSums(sums, st);
        reshift(st, g.means, shift);
        return st;
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
        double[] sums = new double[plan.chunks * plan.launchesPerChunk * plan.slotsPerLaunch()];
        synchronized (ctx.lock) {
            writeParams(g);
            if (plan.resident) {
                for (int c = 0; c < plan.chunks; c++) {
                    enqueueChunk(c, c, chunkRows(c), null, null);
                }
            } else {
                stream();
            }
            readSums(sums);
        }
        return sums;
    }

    /** @return the shift c_j = ref + mu'_j (device values) of the last {@link #sums} call's statistics, K×D */
    double[] shift() {
        return shift;
    }

    /** Rounds to the device precision. */
    private double dev(double v) {
        return plan.precision == Precision.FLOAT ? (double) (float) v : v;
    }

    /**
     * The parameter block (KernelPlan offsets): ref = Σ φ_j μ_j, the data's shift; diag/spherical −p/2 (p the
     * precision), μ − ref and the log-constants; full/tied U_j and the log-constants; mu' = μ − ref as the shift of
     * the log-densities (full/tied) and of the sums. Everything in double here, rounded once.
     */
    private void writeParams(Gaussians g) {
        int k = plan.k;
        int d = plan.d;
        double[] p = new double[plan.paramLength];
        double[] ref = new double[d];
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                ref[a] += g.weights[j] * g.means[j * d + a];
            }
        }
        double[] mu = new double[k * d];
        shift = new double[k * d];
        for (int a = 0; a < d; a++) {
            ref[a] = dev(ref[a]);
            p[plan.offRef + a] = ref[a];
        }
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                mu[j * d + a] = g.means[j * d + a] - ref[a];
                double m = dev(mu[j * d + a]);
                p[plan.offMu + j * plan.dp + a] = m;
                shift[j * d + a] = ref[a] + m;
            }
        }
        if (plan.type.needsOuterProducts()) {
            boolean full = plan.type == CovarianceType.FULL;
            for (int j = 0; j < (full ? k : 1); j++) {
                for (int r = 0; r < d; r++) {
                    for (int c = r; c < d; c++) {
                        p[plan.offU + (j * d + r) * plan.du + c] = g.precChol[(j * d + r) * d + c];
                    }
                }
            }
            for (int j = 0; j < k; j++) {
                p[plan.offLc + j] = g.logConst[j];
            }
        } else {
            for (int j = 0; j < k; j++) {
                for (int a = 0; a < d; a++) {
                    double pr = plan.type == CovarianceType.DIAG ? g.precChol[j * d + a] : g.precChol[j];
                    p[plan.offA + a * plan.kp + j] = -0.5 * pr * pr;
                    p[plan.offB + a * plan.kp + j] = mu[j * d + a];
                }
                p[plan.offC + j] = g.logConst[j];
            }
        }
        Pointer ptr;
        if (plan.precision == Precision.FLOAT) {
            float[] f = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                f[i] = (float) p[i];
            }
            ptr = Pointer.to(f);
        } else {
            ptr = Pointer.to(p);
        }
        Cl.check(CL.clEnqueueWriteBuffer(ctx.queue, params.mem, true, 0, (long) p.length * plan.realSize, ptr, 0,
                null, null), "clEnqueueWriteBuffer(parameters)");
    }

    /** Streams every chunk through the two slots; the upload of chunk c+1 overlaps the kernels of chunk c. */
    private void stream() {
        ClEvent[] done = new ClEvent[2];
        try {
            for (int c = 0; c < plan.chunks; c++) {
                int slot = c & 1;
                if (done[slot] != null) {
                    done[slot].await();
                    done[slot].close();
                    done[slot] = null;
                }
                long start = (long) c * plan.chunkRows;
                int rows = (int) Math.min(plan.chunkRows, plan.n - start);
                // weights first, then data: the transfer queue is in order, so the data write's event covers both
                if (plan.weighted) {
                    StagingFill.fill(data, stagingW[slot].buf, start, rows, plan.precision == Precision.FLOAT, true);
                    Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dw[slot].mem, false, 0,
                            (long) rows * plan.realSize, Pointer.to(stagingW[slot].buf), 0, null, null),
                            "clEnqueueWriteBuffer(weights chunk " + c + ")");
                }
                StagingFill.fill(data, stagingX[slot].buf, start, rows, plan.precision == Precision.FLOAT, false);
                try (ClEvent written = new ClEvent()) {
                    Cl.check(CL.clEnqueueWriteBuffer(ctx.transfer, dx[slot].mem, false, 0,
                            (long) rows * plan.d * plan.realSize, Pointer.to(stagingX[slot].buf), 0, null,
                            written.event), "clEnqueueWriteBuffer(data chunk " + c + ")");
                    Cl.check(CL.clFlush(ctx.transfer), "clFlush");
                    // the event of this chunk's last kernel marks its slot (device and staging buffers) reusable
                    done[slot] = new ClEvent();
                    enqueueChunk(c, slot, rows, new ClEvent[] {written}, done[slot]);
                    Cl.check(CL.clFlush(ctx.queue), "clFlush");
                }
            }
        } finally {
            CL.clFinish(ctx.queue);
            for (ClEvent e : done) {
                if (e != null) {
                    e.close();
                }
            }
        }
    }

    /**
     * Enqueues the kernels of one chunk: per launch of at most scratchRows rows, estep and its reduce, then per
     * component tile accum and its reduce.
     *
     * @param wait events the first kernel waits for (the chunk's uploads), or null
     * @param done an event for the chunk's last kernel, or null
     */
    private void enqueueChunk(int chunk, int slot, long rows, ClEvent[] wait, ClEvent done) {
        int launches = (int) ((rows + plan.scratchRows - 1) / plan.scratchRows);
        for (int u = 0; u < launches; u++) {
            long start = u * plan.scratchRows;
            int r = (int) Math.min(plan.scratchRows, rows - start);
            int base = (chunk * plan.launchesPerChunk + u) * plan.slotsPerLaunch();
            launch(slot, start, r, base, u == 0 ? wait : null, u == launches - 1 ? done : null);
        }
    }

    /** One launch over rows [start, start + rows) of data slot {@code slot}: estep, accum per tile, reductions. */
    private void launch(int slot, long start, int rows, int base, ClEvent[] wait, ClEvent done) {
        if (plan.fused) {
            launchFused(slot, start, rows, base, wait, done);
            return;
        }
        int tpg = plan.tilesPerGroup(rows, plan.tile);
        int groups = plan.groups(rows, plan.tile);
        estep.arg(0, dx[slot]).arg(1, start).arg(2, dw[slot]).arg(3, rows).arg(4, tpg).arg(5, params).arg(6, resp)
                .arg(7, (int) plan.scratchRows).arg(8, llPartials);
        estep.launch(ctx.queue, groups, plan.wgs, wait, null);
        reduce.arg(0, llPartials).arg(1, groups).arg(2, 2).arg(3, out).arg(4, base);
        reduce.launch(ctx.queue, 2, KernelPlan.RWG, null, null);
        int atpg = plan.tilesPerGroup(rows, plan.accTile);
        int agroups = plan.groups(rows, plan.accTile);
        accum.arg(0, dx[slot]).arg(1, start).arg(2, rows).arg(3, atpg).arg(4, params).arg(5, resp)
                .arg(6, (int) plan.scratchRows).arg(8, partials);
        reduce.arg(0, partials).arg(1, agroups * plan.nph).arg(2, plan.entries);
        for (int t = 0; t < plan.compTiles; t++) {
            accum.arg(7, t * plan.kt);
            accum.launch(ctx.queue, agroups, plan.accWgs, null, null);
            reduce.arg(4, base + 2 + t * plan.entries);
            reduce.launch(ctx.queue, plan.entries, KernelPlan.RWG, null, t == plan.compTiles - 1 ? done : null);
        }
    }

    /**
     * One fused launch over rows [start, start + rows): fused, then the reductions of its log-likelihood partials
     * into slots base, base + 1 and of its accumulation partials into base + 2 ... (one component tile).
     */
    private void launchFused(int slot, long start, int rows, int base, ClEvent[] wait, ClEvent done) {
        int tpg = plan.tilesPerGroup(rows, plan.tile);
        int groups = plan.groups(rows, plan.tile);
        fused.arg(0, dx[slot]).arg(1, start).arg(2, dw[slot]).arg(3, rows).arg(4, tpg).arg(5, params)
                .arg(6, llPartials).arg(7, partials);
        fused.launch(ctx.queue, groups, plan.wgs, wait, null);
        reduce.arg(0, llPartials).arg(1, groups).arg(2, 2).arg(3, out).arg(4, base);
        reduce.launch(ctx.queue, 2, KernelPlan.RWG, null, null);
        reduce.arg(0, partials).arg(1, groups * plan.nph).arg(2, plan.entries).arg(4, base + 2);
        reduce.launch(ctx.queue, plan.entries, KernelPlan.RWG, null, done);
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

    /**
     * Adds the slots in (chunk, launch, tile) order to {@code st}, still about {@link #shift()}: several devices'
     * passes add theirs in device order into one statistics object, which is then {@link #reshift reshifted} once,
     * so the additions are the same, in the same order, as one device's over the same launches.
     *
     * @param sums the slots from {@link #sums}
     * @param st statistics to add to
     */
    void addSums(double[] sums, SufficientStatistics st) {
        int k = plan.k;
        int d = plan.d;
        boolean outer = plan.type.needsOuterProducts();
        for (int c = 0; c < plan.chunks; c++) {
            long rows = Math.min(plan.chunkRows, plan.n - (long) c * plan.chunkRows);
            int launches = (int) ((rows + plan.scratchRows - 1) / plan.scratchRows);
            for (int u = 0; u < launches; u++) {
                int base = (c * plan.launchesPerChunk + u) * plan.slotsPerLaunch();
                st.logLik += sums[base];
                st.weightSum += sums[base + 1];
                for (int t = 0; t < plan.compTiles; t++) {
                    int tb = base + 2 + t * plan.entries;
                    for (int jj = 0; jj < plan.kt; jj++) {
                        int j = t * plan.kt + jj;
                        if (j >= k) {
                            break;
                        }
                        int e = tb + jj * plan.per;
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
                }
            }
        }
    }

    /**
     * The device accumulated about c = μ + δ (ref + mu' as the device holds them); re-express the sums about μ
     * exactly: S1' = S1 + δ S0, S2'ab = S2ab + δa S1b + δb S1a + δa δb S0.
     *
     * @param st statistics about {@code shift}, moved in place
     * @param means the exact means μ (K×D)
     * @param shift the shift c the sums are about (K×D)
     */
    static void reshift(SufficientStatistics st, double[] means, double[] shift) {
        int d = st.d;
        boolean outer = st.type.needsOuterProducts();
        double[] delta = new double[d];
        for (int j = 0; j < st.k; j++) {
            for (int a = 0; a < d; a++) {
                delta[a] = shift[j * d + a] - means[j * d + a];
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
}
