package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.emgmm.backend.Backend;
import org.emgmm.backend.MultiPass;
import org.emgmm.backend.Pass;
import org.emgmm.backend.Scorer;
import org.emgmm.config.BackendSettings;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.jocl.CL;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL backend: the E step and the weighted sums run on a device (kernels/estep.cl), the host finishes the
 * statistics in double and the shared {@link org.emgmm.em.MStep} does the rest. Data stays resident on the device
 * across iterations when it fits its global memory and {@link BackendSettings#maxDeviceMemory()}, in as many buffers
 * as {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE} requires; else it streams through in double-buffered chunks.
 *
 * <p>Several devices ({@code --device 0,1} or {@code all}) share one fit: each takes a consecutive range of rows
 * and the host adds their statistics in device order ({@link MultiDevicePass}), so the result is deterministic.
 * A device listed twice gets a second context of its own (two contexts on one device: tests).
 *
 * <p>One context, pair of queues and program cache per device lives for the whole JVM (created on first use,
 * released by {@link #releaseContexts()} or at exit), so repeated fits compile nothing twice. A backend instance
 * only points at that shared state; closing it releases nothing shared.
 *
 * <p>{@link org.emgmm.backend.Backends} reaches this class by reflection only, so the CPU path never loads JOCL.
 *
 * <p>The launch plan comes from the device; a {@link PlanOverride} passed to
 * {@link #create(DeviceInfo, Precision, long, PlanOverride)} or {@link #open(BackendSettings, Dataset, boolean,
 * PlanOverride)} changes it (work-group size, accumulator tasks per work-item, tile rows, scratch rows, pinned
 * staging), as does the setting {@link BackendSettings#openClPlan()}. A backend opened from settings also reads the
 * tuning cache ({@link TuningCache}, written by {@code emgmm tune}) for what the override leaves unset. Nothing is
 * read from system properties.
 */
public final class OpenClBackend implements Backend {
    /**
     * Under {@code auto}, the GPU is used only when N·K·(D for diag/spherical, D(D+3)/2 for full/tied) reaches this:
     * below it a CPU finishes an iteration in a few milliseconds, about what the launches and the first upload cost.
     */
    public static final long AUTO_MIN_WORK = 10_000_000L;

    private static final Map<String, ClContext> CONTEXTS = new HashMap<>();
    private static boolean hookInstalled;

    /** The first device's context (scoring, reports). */
    private final ClContext ctx;
    /** Every device's context, in the order their statistics are added. */
    private final List<ClContext> ctxs;
    private final Precision precision;
    private final long maxDeviceMemory;
    private final long maxAllocation;
    private final PlanOverride override;
    /** Tuned plans of this device from the tuning cache (none unless opened from settings that read it). */
    private TunedPlans tuned = TunedPlans.NONE;
    /** A pass prepared by {@link #open} for the fit to come, until {@link #prepare} hands it out. */
    private Pass preloaded;
    private Dataset preloadedData;
    private int preloadedK;
    private CovarianceType preloadedType;

    private OpenClBackend(List<ClContext> ctxs, Precision precision, long maxDeviceMemory, long maxAllocation,
                          PlanOverride override) {
        this.ctxs = List.copyOf(ctxs);
        this.ctx = ctxs.get(0);
        this.precision = precision;
        this.maxDeviceMemory = maxDeviceMemory;
        this.maxAllocation = maxAllocation;
        this.override = override;
    }

    /**
     * Lists every OpenCL device of every platform, in a stable order (platforms as the ICD loader reports them, then
     * devices): the list {@code emgmm devices} prints and {@code --device} indexes.
     *
     * @return the devices; empty when the ICD loader finds no platform
     * @throws OpenClException when the OpenCL library cannot be loaded or a query fails
     */
    public static List<DeviceInfo> devices() {
        SignalChaining.warnOnceIfUnchained();
        try {
            return listDevices();
        } catch (LinkageError e) {
            throw new OpenClException("the OpenCL library could not be loaded (" + e + ")", e);
        }
    }

    private static List<DeviceInfo> listDevices() {
        int[] np = new int[1];
        int rc = CL.clGetPlatformIDs(0, null, np);
        if (rc == -1001 || (rc == CL.CL_SUCCESS && np[0] == 0)) {
            return Collections.emptyList();
        }
        Cl.check(rc, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[np[0]];
        Cl.check(CL.clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<DeviceInfo> out = new ArrayList<>();
        for (cl_platform_id p : platforms) {
            String pname = Cl.platformString(p, CL.CL_PLATFORM_NAME);
            int[] nd = new int[1];
            rc = CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, 0, null, nd);
            if (rc == CL.CL_DEVICE_NOT_FOUND || nd[0] == 0) {
                continue;
            }
            Cl.check(rc, "clGetDeviceIDs(" + pname + ")");
            cl_device_id[] ds = new cl_device_id[nd[0]];
            Cl.check(CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, ds.length, ds, null), "clGetDeviceIDs");
            for (cl_device_id d : ds) {
                long type = Cl.deviceLong(d, CL.CL_DEVICE_TYPE);
                String t = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                        : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                        : (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR" : "OTHER";
                String ext = " " + Cl.deviceString(d, CL.CL_DEVICE_EXTENSIONS) + " ";
                out.add(new DeviceInfo(out.size(), pname, Cl.deviceString(d, CL.CL_DEVICE_NAME),
                        Cl.deviceString(d, CL.CL_DEVICE_VENDOR), t, Cl.deviceString(d, CL.CL_DEVICE_VERSION),
                        Cl.deviceLong(d, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                        Cl.deviceLong(d, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                        Cl.deviceLong(d, CL.CL_DEVICE_LOCAL_MEM_SIZE),
                        Cl.deviceInt(d, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                        Cl.deviceSize(d, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE),
                        Cl.deviceLong(d, CL.CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE),
                        ext.contains(" cl_khr_fp64 "), p, d));
            }
        }
        return out;
    }

    /**
     * The entry point {@link org.emgmm.backend.Backends} calls by reflection.
     *
     * @param s settings: precision, device (index or name fragment; a comma-separated list of them, or {@code all}
     *     for every GPU, splits the rows across those devices), maxDeviceMemory (per device)
     * @param data the data to be fitted, or null; when given, the pass for it ({@code s.k()} components,
     *     {@code s.covarianceType()}) is prepared here (kernels compiled, their limits checked, one dry launch,
     *     data uploaded), so that those failures happen while {@code auto} can still fall back, and the next
     *     matching {@link #prepare} returns it
     * @param autoMode true under {@code --backend auto}
     * @return the backend; under {@code auto}, null when no GPU is present, or it lacks the precision, or the
     *     problem is too small to gain from it
     * @throws OpenClException when OpenCL fails (no library, no platform, no matching device, a failed call, build
     *     or launch)
     */
    public static OpenClBackend open(BackendSettings s, Dataset data, boolean autoMode) {
        return open(s, data, autoMode, PlanOverride.of(s.openClPlan()));
    }

    /**
     * As {@link #open(BackendSettings, Dataset, boolean)} with an explicit plan override (tests, benchmarks).
     *
     * @param s settings
     * @param data the data to be fitted, or null
     * @param autoMode true under {@code --backend auto}
     * @param override changes to the device's launch plan
     * @return the backend, or null under {@code auto} when no GPU is worth using
     * @throws OpenClException when OpenCL fails
     */
    public static OpenClBackend open(BackendSettings s, Dataset data, boolean autoMode, PlanOverride override) {
        if (autoMode && s.device() == null && data != null
                && work(data.rows(), data.dims(), s.k(), s.covarianceType()) < AUTO_MIN_WORK) {
            return null; // too small to gain from a GPU: do not even load OpenCL
        }
        if (autoMode && s.device() == null && !GpuNodes.mayHaveGpu()) {
            return null; // no GPU device node: no GPU to find, and no OpenCL runtime (nor its LLVM) loaded
        }
        List<DeviceInfo> all = devices();
        if (all.isEmpty()) {
            throw new OpenClException("no OpenCL platform found (is an OpenCL driver / ICD installed?)", -1001);
        }
        List<DeviceInfo> chosen = chooseAll(all, s.device(), !autoMode);
        DeviceInfo d = chosen.isEmpty() ? null : chosen.get(0);
        if (autoMode) {
            if (d == null || (s.device() == null && !d.isGpu())) {
                return null;
            }
            if (s.precision() == Precision.DOUBLE && !chosen.stream().allMatch(DeviceInfo::fp64)) {
                return null;
            }
            if (data != null && work(data.rows(), data.dims(), s.k(), s.covarianceType()) < AUTO_MIN_WORK) {
                return null;
            }
        }
        OpenClBackend b = create(chosen, s.precision(), s.maxDeviceMemory(), 0, override);
        b.tuned = TunedPlans.of(s, chosen.get(0));
        if (data != null) {
            try {
                b.preload(data, s.k(), s.covarianceType());
            } catch (RuntimeException | Error e) {
                b.close();
                throw e;
            }
        }
        return b;
    }

    /**
     * Opens a backend on one listed device.
     *
     * @param device a device from {@link #devices()}
     * @param precision per-sample arithmetic precision (double needs cl_khr_fp64)
     * @param maxDeviceMemory cap on device memory for data in bytes, 0 = the device's own limits
     * @return the backend
     * @throws OpenClException when the device lacks double precision or the context cannot be created
     */
    public static OpenClBackend create(DeviceInfo device, Precision precision, long maxDeviceMemory) {
        return create(device, precision, maxDeviceMemory, PlanOverride.none());
    }

    /**
     * Opens a backend on one listed device with an explicit plan override.
     *
     * @param device a device from {@link #devices()}
     * @param precision per-sample arithmetic precision (double needs cl_khr_fp64)
     * @param maxDeviceMemory cap on device memory for data in bytes, 0 = the device's own limits
     * @param override changes to the launch plan the device would get ({@link PlanOverride#none()} for none)
     * @return the backend
     * @throws OpenClException when the device lacks double precision or the context cannot be created
     */
    public static OpenClBackend create(DeviceInfo device, Precision precision, long maxDeviceMemory,
                                       PlanOverride override) {
        return create(List.of(device), precision, maxDeviceMemory, 0, override);
    }

    /**
     * Opens a backend on one or several listed devices: with several, each E step splits the rows across them and
     * adds their statistics in list order. A device listed twice gets a second context (and queues) of its own.
     *
     * @param devices devices from {@link #devices()}, at least one
     * @param precision per-sample arithmetic precision (double needs cl_khr_fp64 on every device)
     * @param maxDeviceMemory cap on each device's memory for data in bytes, 0 = the device's own limits
     * @param maxAllocation cap on one data buffer in bytes, 0 = the device's {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE};
     *     a smaller value makes resident data use more buffers (tests)
     * @param override changes to the launch plan every device would get ({@link PlanOverride#none()} for none)
     * @return the backend
     * @throws OpenClException when a device lacks double precision or a context cannot be created
     */
    public static OpenClBackend create(List<DeviceInfo> devices, Precision precision, long maxDeviceMemory,
                                       long maxAllocation, PlanOverride override) {
        if (override == null) {
            throw new IllegalArgumentException("override must not be null (PlanOverride.none() for none)");
        }
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException("no OpenCL device given");
        }
        for (DeviceInfo device : devices) {
            if (precision == Precision.DOUBLE && !device.fp64()) {
                throw new OpenClException("OpenCL device " + device.describe()
                        + " has no double precision (cl_khr_fp64); use precision float", 0);
            }
        }
        if (maxDeviceMemory < 0) {
            throw new IllegalArgumentException("maxDeviceMemory must be >= 0, got " + maxDeviceMemory);
        }
        if (maxAllocation < 0) {
            throw new IllegalArgumentException("maxAllocation must be >= 0, got " + maxAllocation);
        }
        List<ClContext> cs = new ArrayList<>();
        Map<Integer, Integer> seen = new HashMap<>();
        for (DeviceInfo device : devices) {
            int replica = seen.merge(device.index(), 1, Integer::sum) - 1;
            cs.add(context(device, replica));
        }
        return new OpenClBackend(cs, precision, maxDeviceMemory, maxAllocation, override);
    }

    /**
     * Opens a backend on a fresh profiling context of its own (not the cached one): every kernel launch records its
     * device time ({@link #kernelTimes()}). A diagnostic; {@link #closeProfilingContext()} releases the context.
     *
     * @param device a device from {@link #devices()}
     * @param precision per-sample arithmetic precision
     * @param override changes to the device's launch plan ({@link PlanOverride#none()} for none)
     * @return the backend
     */
    static OpenClBackend createProfiled(DeviceInfo device, Precision precision, PlanOverride override) {
        return new OpenClBackend(List.of(ClContext.create(device, true)), precision, 0, 0, override);
    }

    /** @return the device times of the kernel launches, or null unless opened by {@link #createProfiled} */
    KernelTimes kernelTimes() {
        return ctx.times;
    }

    /** @return the build logs of a profiling context's programs (NVIDIA: with registers and spills), else empty */
    Map<String, String> buildLogs() {
        return ctx.buildLogs();
    }

    /** Releases the context of a backend opened by {@link #createProfiled} (close its passes first). */
    void closeProfilingContext() {
        if (ctx.times != null) {
            ctx.close();
        }
    }

    /**
     * The device a {@code --device} value names, of any type.
     *
     * @param selector index, or a case-insensitive fragment of the device, vendor or platform name; null for the
     *     first GPU, else the first device
     * @return the device
     * @throws OpenClException when OpenCL is unavailable, there is no device, or nothing matches
     */
    public static DeviceInfo device(String selector) {
        List<DeviceInfo> all = devices();
        if (all.isEmpty()) {
            throw new OpenClException("no OpenCL platform found (is an OpenCL driver / ICD installed?)", -1001);
        }
        return choose(all, selector, true);
    }

    /**
     * The devices a {@code --device} value names: one (as {@link #choose}), a comma-separated list of indices or
     * name fragments (in that order, repeats allowed), or {@code all}: every GPU, or every device when there is no
     * GPU and {@code anyType} holds.
     *
     * @param all the listed devices (not empty)
     * @param selector the value; null = the default device
     * @param anyType with no selector (or {@code all}), fall back to non-GPU devices when there is no GPU
     * @return the devices, in order; empty only when nothing qualifies and {@code anyType} is false
     * @throws OpenClException when a list entry matches nothing or is empty
     */
    static List<DeviceInfo> chooseAll(List<DeviceInfo> all, String selector, boolean anyType) {
        String sel = selector == null ? "" : selector.trim();
        if (sel.equalsIgnoreCase("all")) {
            List<DeviceInfo> gpus = new ArrayList<>();
            for (DeviceInfo d : all) {
                if (d.isGpu()) {
                    gpus.add(d);
                }
            }
            return !gpus.isEmpty() || !anyType ? gpus : List.copyOf(all);
        }
        if (!sel.contains(",")) {
            DeviceInfo d = choose(all, selector, anyType);
            return d == null ? List.of() : List.of(d);
        }
        List<DeviceInfo> out = new ArrayList<>();
        for (String part : sel.split(",", -1)) {
            if (part.isBlank()) {
                throw new OpenClException("empty entry in the device list '" + selector
                        + "' (use indices or name fragments separated by commas, e.g. 0,1)", 0);
            }
            out.add(choose(all, part, true));
        }
        return out;
    }

    /**
     * The device a {@code --device} value names.
     *
     * @param all the listed devices (not empty)
     * @param selector index, or a case-insensitive fragment of the device, vendor or platform name; null = default
     * @param anyType with no selector, fall back to a non-GPU device when there is no GPU
     * @return the device; null only when no selector is given, there is no GPU and {@code anyType} is false
     * @throws OpenClException when the selector matches nothing
     */
    static DeviceInfo choose(List<DeviceInfo> all, String selector, boolean anyType) {
        if (selector == null || selector.isBlank()) {
            for (DeviceInfo d : all) {
                if (d.isGpu()) {
                    return d;
                }
            }
            return anyType ? all.get(0) : null;
        }
        String sel = selector.trim();
        if (sel.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(sel);
            if (i < all.size()) {
                return all.get(i);
            }
        } else {
            String f = sel.toLowerCase(Locale.ROOT);
            for (DeviceInfo d : all) {
                if ((d.name() + " " + d.vendor() + " " + d.platform()).toLowerCase(Locale.ROOT).contains(f)) {
                    return d;
                }
            }
        }
        StringBuilder sb = new StringBuilder("no OpenCL device matches '" + selector + "'; devices:");
        for (DeviceInfo d : all) {
            sb.append("\n  ").append(d);
        }
        throw new OpenClException(sb.toString(), 0);
    }

    /** @return the per-iteration work measure {@link #AUTO_MIN_WORK} is compared with */
    static long work(long n, int d, int k, CovarianceType type) {
        long perComp = type.needsOuterProducts() ? (long) d * (d + 3) / 2 : d;
        return n * k * perComp;
    }

    private static synchronized ClContext context(DeviceInfo d, int replica) {
        String key = d.index() + "#" + replica;
        ClContext c = CONTEXTS.get(key);
        if (c == null) {
            c = ClContext.create(d);
            CONTEXTS.put(key, c);
            if (!hookInstalled) {
                hookInstalled = true;
                Runtime.getRuntime().addShutdownHook(new Thread(OpenClBackend::releaseContexts,
                        "emgmm-opencl-release"));
            }
        }
        return c;
    }

    /**
     * Releases every cached context, queue and program. Later backends create fresh ones. Backends still open
     * must not be used afterwards.
     */
    public static synchronized void releaseContexts() {
        for (ClContext c : CONTEXTS.values()) {
            c.close();
        }
        CONTEXTS.clear();
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String device() {
        StringBuilder sb = new StringBuilder();
        for (ClContext c : ctxs) {
            sb.append(sb.length() > 0 ? " + " : "").append(c.device.name()).append(" (").append(c.device.platform())
                    .append(", ").append(c.device.type()).append(", ")
                    .append(precision.name().toLowerCase(Locale.ROOT)).append(')');
        }
        return sb.toString();
    }

    /** @return the device this backend runs on (the first, when it runs on several) */
    public DeviceInfo deviceInfo() {
        return ctx.device;
    }

    /** @return every device this backend runs on, in the order their statistics are added */
    public List<DeviceInfo> deviceInfos() {
        List<DeviceInfo> out = new ArrayList<>();
        for (ClContext c : ctxs) {
            out.add(c.device);
        }
        return out;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /** @return the device-memory cap for data in bytes, 0 for none */
    public long maxDeviceMemory() {
        return maxDeviceMemory;
    }

    /** @return the shared context (tests) */
    ClContext context() {
        return ctx;
    }

    /** @return how many programs the shared context of this device has compiled so far */
    public int cachedPrograms() {
        return ctx.cachedPrograms();
    }

    /** Prepares the pass the next matching {@link #prepare} hands out (also for checks that time the upload). */
    synchronized void preload(Dataset data, int k, CovarianceType type) {
        preloaded = prepare(data, k, type);
        preloadedData = data;
        preloadedK = k;
        preloadedType = type;
    }

    @Override
    public synchronized Pass prepare(Dataset data, int k, CovarianceType type) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (type == null) {
            throw new IllegalArgumentException("covariance type must not be null");
        }
        if (preloaded != null && data == preloadedData && k == preloadedK && type == preloadedType) {
            Pass p = preloaded;
            preloaded = null;
            preloadedData = null;
            return p;
        }
        if (ctxs.size() > 1) {
            return MultiDevicePass.open(ctxs, precision, data, k, type, maxDeviceMemory, maxAllocation, override);
        }
        KernelPlan plan = plan(data.rows(), data.dims(), k, type, data.hasWeights());
        return new OpenClPass(ctx, plan, data);
    }

    /**
     * Passes of several models over one dataset on this device ({@link OpenClMultiPass}): one copy (or one stream) of
     * the rows serves every model, and each model's statistics are the same bits as its own {@link #prepare}d
     * pass's. With several devices, one such pass per model shape after the other (the default). The rows of a pass
     * {@link #open} prepared for this data are taken over, not uploaded again.
     *
     * @param data the samples (validated)
     * @return the multi-model pass, to be closed after use
     */
    @Override
    public synchronized MultiPass prepareMulti(Dataset data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (ctxs.size() > 1) {
            return Backend.super.prepareMulti(data);
        }
        DeviceRows rows = null;
        if (preloaded instanceof OpenClPass && data == preloadedData) {
            rows = ((OpenClPass) preloaded).detachRows(); // the rows open() uploaded serve the models
            preloaded = null;
            preloadedData = null;
        }
        return new OpenClMultiPass(this, ctx, data, rows);
    }

    /**
     * The scoring pass on this device (kernels/score.cl; the first device when there are several: it streams the
     * data in chunks, so data of any size works), in this backend's precision.
     *
     * @param data the samples
     * @param k number of components
     * @param type covariance type
     * @return the scorer; closing it leaves the shared context open
     */
    @Override
    public Scorer scorer(Dataset data, int k, CovarianceType type) {
        return new OpenClScorer(ctx, precision, data, k, type);
    }

    /**
     * The plan {@link #prepare} would use, for reports and benchmarks: work-group size, tile, component tiles,
     * chunking.
     *
     * @param n rows
     * @param d features
     * @param k components
     * @param type covariance type
     * @param weighted whether samples carry weights
     * @return a one-line description
     */
    public String describePlan(long n, int d, int k, CovarianceType type, boolean weighted) {
        if (ctxs.size() == 1) {
            return plan(n, d, k, type, weighted).toString();
        }
        int[] w = new int[ctxs.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(1, ctxs.get(i).device.computeUnits());
        }
        long[] b = MultiDevicePass.split(n, w, KernelPlan.of(ctx.device, precision, n, d, k, type, weighted,
                maxDeviceMemory, maxAllocation, override).scratchRows);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < b.length; i++) {
            sb.append(i > 0 ? " || " : "").append("device ").append(ctxs.get(i).device.index()).append(" rows ")
                    .append(b[i]).append("..").append(b[i + 1] - 1).append(": ")
                    .append(KernelPlan.of(ctxs.get(i).device, precision, b[i + 1] - b[i], d, k, type, weighted,
                            maxDeviceMemory, maxAllocation, override));
        }
        return sb.toString();
    }

    /** @return the plan of a pass: the explicit override, then the tuning cache, then the device class's defaults */
    KernelPlan plan(long n, int d, int k, CovarianceType type, boolean weighted) {
        return tuned.plan(ctx.device, precision, n, d, k, type, weighted, maxDeviceMemory, maxAllocation, override);
    }

    /** Releases a prepared pass nobody took; the context is shared and cached per device, so it stays. */
    @Override
    public synchronized void close() {
        if (preloaded != null) {
            preloaded.close();
            preloaded = null;
            preloadedData = null;
        }
    }
}
