package org.emgmm.backend.opencl;

import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * The model side of a pass on one device: one model shape's kernels (the two-kernel plan's estep and accum, or the
 * fused kernel; the reduction), its parameter buffer and its output buffer of reduced sums, enqueued chunk by chunk
 * on rows that a {@link DeviceRows} holds, with the launch buffers of a {@link Scratch}. The kernels, launches and
 * the host's additions depend on the plan alone, so the statistics are the same bits whether the model runs alone
 * ({@link OpenClPass}) or beside others on the same rows ({@link OpenClMultiPass}).
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
 * scratch), and writes both kernels' per-group partials, reduced as before.
 *
 * <p>Construction compiles the kernels, checks each kernel's own limits (work-group size, local memory) and makes
 * one dry launch of every kernel, so a launch-time failure (CL_OUT_OF_RESOURCES, CL_INVALID_WORK_GROUP_SIZE) is
 * thrown there, where {@code --backend auto} can still fall back to the CPU.
 */
final class ModelKernels implements AutoCloseable {
    private final ClContext ctx;
    private final KernelPlan plan;
    private final DeviceRows dataRows;
    private final Scratch scratch;
    private final Owned owned = new Owned();
    private final ClMem params;
    private final ClMem out;
    /** The two-kernel path's kernels (null when fused). */
    private final ClKernel estep;
    private final ClKernel accum;
    /** The fused kernel (null when not fused). */
    private final ClKernel fused;
    private final ClKernel reduce;
    /** The shift the device's statistics are about, c_j = ref + mu'_j (device values), set by writeParams. */
    private double[] shift;

    /**
     * @param ctx the device's context
     * @param plan this model's plan (its layout that of {@code rows})
     * @param rows the rows it runs on
     * @param scratch launch buffers, {@link Scratch#fit fitted} to {@code plan} (not owned)
     */
    ModelKernels(ClContext ctx, KernelPlan plan, DeviceRows rows, Scratch scratch) {
        if (!DeviceRows.sameLayout(plan, rows.plan())) {
            throw new IllegalArgumentException("plan " + plan + " does not lay out the rows as " + rows.plan());
        }
        this.ctx = ctx;
        this.plan = plan;
        this.dataRows = rows;
        this.scratch = scratch;
        try {
            params = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, (long) plan.paramLength * plan.realSize,
                    "parameters"));
            out = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE, (long) plan.chunks * plan.launchesPerChunk
                    * plan.slotsPerLaunch() * plan.accSize, "reduced sums"));
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
                // every kernel once over zero rows, at the plan's launch shape, and waited for: errors surface here
                launch(0, 0, 0, 0, null, null);
                Cl.check(CL.clFinish(ctx.queue), "clFinish(dry launch of " + plan + ")");
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T r) {
        return owned.add(r);
    }

    /** @return the plan */
    KernelPlan plan() {
        return plan;
    }

    /**
     * Checks that {@code g} has this model's shape.
     *
     * @param g parameters
     */
    void checkShape(Gaussians g) {
        if (g.k != plan.k || g.d != plan.d || g.type != plan.type) {
            throw new IllegalArgumentException("parameters of shape k=" + g.k + " d=" + g.d + " " + g.type
                    + " do not match the pass (k=" + plan.k + " d=" + plan.d + " " + plan.type + ")");
        }
    }

    /**
     * The statistics of the slots that {@link #readSums} returned, moved to the exact means of {@code g}.
     *
     * @param g the parameters the slots were computed with (after {@link #writeParams})
     * @param sums the slots
     * @return the statistics
     */
    SufficientStatistics statistics(Gaussians g, double[] sums) {
        SufficientStatistics st = new SufficientStatistics(plan.k, plan.d, plan.type);
        addSums(sums, st);
        reshift(st, g.means, shift);
        return st;
    }

    /** @return the shift c_j = ref + mu'_j (device values) of the last {@link #writeParams}, K×D */
    double[] shift() {
        return shift;
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

    /** Rounds to the device precision. */
    private double dev(double v) {
        return plan.precision == Precision.FLOAT ? (double) (float) v : v;
    }

    /**
     * The parameter block (KernelPlan offsets): ref = Σ φ_j μ_j, the data's shift; diag/spherical −p/2 (p the
     * precision), μ − ref and the log-constants; full/tied U_j and the log-constants; mu' = μ − ref as the shift of
     * the log-densities (full/tied) and of the sums. Everything in double here, rounded once.
     */
    void writeParams(Gaussians g) {
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

    /**
     * Enqueues the kernels of one chunk: per launch of at most scratchRows rows, estep and its reduce, then per
     * component tile accum and its reduce.
     *
     * @param wait events the first kernel waits for (the chunk's uploads), or null
     * @param done an event for the chunk's last kernel, or null
     */
    void enqueueChunk(int chunk, int slot, long rows, ClEvent[] wait, ClEvent done) {
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
        estep.arg(0, dataRows.x(slot)).arg(1, start).arg(2, dataRows.w(slot)).arg(3, rows).arg(4, tpg).arg(5, params).arg(6, scratch.resp)
                .arg(7, (int) plan.scratchRows).arg(8, scratch.llPartials);
        estep.launch(ctx.queue, groups, plan.wgs, wait, null);
        reduce.arg(0, scratch.llPartials).arg(1, groups).arg(2, 2).arg(3, out).arg(4, base);
        reduce.launch(ctx.queue, 2, KernelPlan.RWG, null, null);
        int atpg = plan.tilesPerGroup(rows, plan.accTile);
        int agroups = plan.groups(rows, plan.accTile);
        accum.arg(0, dataRows.x(slot)).arg(1, start).arg(2, rows).arg(3, atpg).arg(4, params).arg(5, scratch.resp)
                .arg(6, (int) plan.scratchRows).arg(8, scratch.partials);
        reduce.arg(0, scratch.partials).arg(1, agroups * plan.nph).arg(2, plan.entries);
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
        fused.arg(0, dataRows.x(slot)).arg(1, start).arg(2, dataRows.w(slot)).arg(3, rows).arg(4, tpg).arg(5, params)
                .arg(6, scratch.llPartials).arg(7, scratch.partials);
        fused.launch(ctx.queue, groups, plan.wgs, wait, null);
        reduce.arg(0, scratch.llPartials).arg(1, groups).arg(2, 2).arg(3, out).arg(4, base);
        reduce.launch(ctx.queue, 2, KernelPlan.RWG, null, null);
        reduce.arg(0, scratch.partials).arg(1, groups * plan.nph).arg(2, plan.entries).arg(4, base + 2);
        reduce.launch(ctx.queue, plan.entries, KernelPlan.RWG, null, done);
    }

    /** Reads every slot of this model's output buffer (blocking), as {@link #addSums} reads them. */
    double[] readSums() {
        double[] sums = new double[plan.chunks * plan.launchesPerChunk * plan.slotsPerLaunch()];
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
        return sums;
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
        owned.close();
    }
}
