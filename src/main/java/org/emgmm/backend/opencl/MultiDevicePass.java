package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.emgmm.backend.Pass;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * One E step over several devices: the rows are split into consecutive ranges, one per device (in proportion to
 * its compute units), each device runs its own {@link OpenClPass} over its range on its own thread, and the host
 * adds the devices' reduced sums in device order, then moves them once to the exact means. The result is therefore
 * deterministic; when every device runs the same plan and the range boundaries fall on launch boundaries (they are
 * aligned to the first device's launch rows when every range can hold one), the additions are exactly those of
 * one device over the same data, so the statistics agree bit for bit.
 */
final class MultiDevicePass implements Pass {
    private final List<OpenClPass> passes;
    private final long[] bounds;
    private final ExecutorService pool;
    private final int k;
    private final int d;
    private final CovarianceType type;
    private boolean closed;

    private MultiDevicePass(List<OpenClPass> passes, long[] bounds, ExecutorService pool, int k, int d,
                            CovarianceType type) {
        this.passes = passes;
        this.bounds = bounds;
        this.pool = pool;
        this.k = k;
        this.d = d;
        this.type = type;
    }

    /**
     * Prepares a pass on each device over its share of the rows (in parallel: kernels built, limits checked, the
     * share uploaded or its staging allocated).
     *
     * @param ctxs the devices' contexts, in the order their statistics are added (at least two)
     * @param precision per-sample arithmetic
     * @param data the samples
     * @param k components
     * @param type covariance type
     * @param cap device memory for data per device, bytes (0 = each device's own limits)
     * @param allocCap largest data buffer, bytes (0 = each device's CL_DEVICE_MAX_MEM_ALLOC_SIZE)
     * @param override launch plan changes, applied on every device
     * @return the pass
     * @throws OpenClException naming the device whose preparation failed
     */
    static MultiDevicePass open(List<ClContext> ctxs, Precision precision, Dataset data, int k, CovarianceType type,
                                long cap, long allocCap, PlanOverride override) {
        long n = data.rows();
        int[] weights = new int[ctxs.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.max(1, ctxs.get(i).device.computeUnits());
        }
        long granule = KernelPlan.of(ctxs.get(0).device, precision, n, data.dims(), k, type, data.hasWeights(), cap,
                allocCap, override).scratchRows;
        long[] bounds = split(n, weights, granule);
        int m = bounds.length - 1;
        AtomicInteger id = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(m, r -> {
            Thread t = new Thread(r, "emgmm-opencl-device-" + id.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        List<Callable<OpenClPass>> makers = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            ClContext c = ctxs.get(i);
            Dataset share = new RowSlice(data, bounds[i], bounds[i + 1] - bounds[i]);
            makers.add(() -> new OpenClPass(c, KernelPlan.of(c.device, precision, share.rows(), share.dims(), k,
                    type, share.hasWeights(), cap, allocCap, override), share));
        }
        List<OpenClPass> passes = new ArrayList<>();
        try {
            List<Future<OpenClPass>> fs = new ArrayList<>();
            for (Callable<OpenClPass> mk : makers) {
                fs.add(pool.submit(mk));
            }
            RuntimeException failed = null;
            for (int i = 0; i < fs.size(); i++) {
                try {
                    passes.add(fs.get(i).get());
                } catch (ExecutionException | InterruptedException e) {
                    if (failed == null) {
                        failed = failure(e, ctxs.get(i).device, "preparing its share of the data");
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        } catch (RuntimeException | Error e) {
            passes.forEach(OpenClPass::close);
            pool.shutdownNow();
            throw e;
        }
        return new MultiDevicePass(passes, bounds, pool, k, data.dims(), type);
    }

    /**
     * Consecutive row ranges in proportion to the weights, each boundary rounded to a multiple of {@code granule}
     * when every range can still hold one; ranges that come out empty are left out.
     *
     * @param n rows
     * @param weights one positive weight per device
     * @param granule launch rows of the first device's plan
     * @return range boundaries, 0 first and n last, strictly increasing (fewer ranges than weights when n is small)
     */
    static long[] split(long n, int[] weights, long granule) {
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        int m = weights.length;
        boolean align = granule > 1 && granule <= n / m;
        List<Long> b = new ArrayList<>();
        b.add(0L);
        long cum = 0;
        for (int i = 0; i < m - 1; i++) {
            cum += weights[i];
            long at = (long) Math.floor((double) n * cum / total);
            if (align) {
                at = Math.round((double) at / granule) * granule;
            }
            if (at > b.get(b.size() - 1) && at < n) {
                b.add(at);
            }
        }
        b.add(n);
        long[] out = new long[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static RuntimeException failure(Exception e, DeviceInfo dev, String what) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new OpenClException("interrupted while " + what + " on " + dev.describe(), e);
        }
        Throwable c = e.getCause();
        if (c instanceof Error) {
            throw (Error) c;
        }
        if (c instanceof RuntimeException) {
            return (RuntimeException) c;
        }
        return new OpenClException(what + " failed on " + dev.describe() + ": " + c, c);
    }

    /** @return the per-device passes, in device order (tests) */
    List<OpenClPass> passes() {
        return passes;
    }

    /** @return the row-range boundaries, one more than the devices used */
    long[] bounds() {
        return bounds.clone();
    }

    @Override
    public SufficientStatistics accumulate(Gaussians g) {
        if (closed) {
            throw new IllegalStateException("this OpenCL pass is closed");
        }
        if (g.k != k || g.d != d || g.type != type) {
            throw new IllegalArgumentException("parameters of shape k=" + g.k + " d=" + g.d + " " + g.type
                    + " do not match the pass (k=" + k + " d=" + d + " " + type + ")");
        }
        List<Future<double[]>> fs = new ArrayList<>();
        for (OpenClPass p : passes) {
            fs.add(pool.submit(() -> p.sums(g)));
        }
        List<double[]> sums = new ArrayList<>();
        RuntimeException failed = null;
        for (int i = 0; i < fs.size(); i++) {
            try {
                sums.add(fs.get(i).get());
            } catch (ExecutionException | InterruptedException e) {
                if (failed == null) {
                    failed = failure(e, passes.get(i).device(), "an E step");
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
        SufficientStatistics st = new SufficientStatistics(k, d, type);
        for (int i = 0; i < passes.size(); i++) {
            passes.get(i).addSums(sums.get(i), st);
        }
        // every pass rounds the same parameters the same way (one precision), so the shifts are equal
        OpenClPass.reshift(st, g.means, passes.get(0).shift());
        return st;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (OpenClPass p : passes) {
            p.close();
        }
        pool.shutdownNow();
    }
}
