package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreBlock;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.ScoreTotals;
import org.emgmm.backend.Scorer;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/**
 * The OpenCL backend's scoring pass (kernels/score.cl, one work-item per row): the data streams through the device
 * in chunks of {@value #CHUNK_ROWS} rows — upload, kernel, read back log p(x) and what was asked (labels,
 * responsibilities) — each chunk handed to the sink as one {@link ScoreBlock}; the host adds the totals in double in
 * row order. Device memory: one chunk's data, outputs and K log-densities per row. The program is compiled once
 * per context and precision (d, k and the covariance kind are kernel arguments).
 */
final class OpenClScorer implements Scorer {
    /** Rows per chunk (and per {@link ScoreBlock}). */
    static final int CHUNK_ROWS = 1 << 16;
    /** Work-group size (a multiple of every device's SIMD width). */
    private static final long WGS = 64;

    private final ClContext ctx;
    private final Dataset data;
    private final int k;
    private final int d;
    private final CovarianceType type;
    private final boolean dbl;
    private final int realSize;
    private final int chunk;
    private final List<ClMem> owned = new ArrayList<>();
    private final ClMem dx;
    private final ClMem dparams;
    private final ClMem dlogp;
    private final ClMem dlabel;
    private final ClMem dscratch;
    private final ClKernel owner;
    private final cl_kernel kernel;

    OpenClScorer(ClContext ctx, Precision precision, Dataset data, int k, CovarianceType type) {
        this.ctx = ctx;
        this.data = data;
        this.k = k;
        this.d = data.dims();
        this.type = type;
        this.dbl = precision == Precision.DOUBLE;
        this.realSize = dbl ? Sizeof.cl_double : Sizeof.cl_float;
        this.chunk = (int) Math.min(CHUNK_ROWS, data.rows());
        boolean full = type.needsOuterProducts();
        long paramLen = (long) k * d + (long) k * d * (full ? d : 1) + k;
        ClKernel kern = null;
        try {
            dx = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, (long) chunk * d * realSize, "score data"));
            dparams = own(new ClMem(ctx.context, CL.CL_MEM_READ_ONLY, paramLen * realSize, "score parameters"));
            dlogp = own(new ClMem(ctx.context, CL.CL_MEM_WRITE_ONLY, (long) chunk * realSize, "log p"));
            dlabel = own(new ClMem(ctx.context, CL.CL_MEM_WRITE_ONLY, (long) chunk * Sizeof.cl_int, "labels"));
            dscratch = own(new ClMem(ctx.context, CL.CL_MEM_READ_WRITE, (long) chunk * k * realSize,
                    "log-densities"));
            String options = "-D PRECISION=" + (dbl ? 64 : 32) + " -D HAVE_FP64=" + (ctx.device.fp64() ? 1 : 0);
            synchronized (ctx.lock) {
                kern = ctx.program(KernelSource.SCORE, options).kernel("score");
            }
        } catch (RuntimeException | Error e) {
            owned.forEach(ClMem::close);
            throw e;
        }
        owner = kern;
        kernel = kern.kernel;
    }

    private ClMem own(ClMem m) {
        owned.add(m);
        return m;
    }

    @Override
    public <T> ScoreTotals run(Gaussians g, Set<RowOutput> outputs, ScoreSink<T> sink) {
        if (g.k != k || g.d != d || g.type != type) {
            throw new IllegalArgumentException("parameters of shape k=" + g.k + ", d=" + g.d + ", " + g.type
                    + " do not match the scorer (k=" + k + ", d=" + d + ", " + type + ")");
        }
        boolean proba = outputs.contains(RowOutput.PROBA);
        double logLik = 0;
        double weightSum = 0;
        double[] rows = new double[chunk * d];
        double[] w = new double[chunk];
        double[] lp = new double[chunk];
        double[] pr = proba ? new double[chunk * k] : null;
        synchronized (ctx.lock) {
            write(dparams, packParams(g), 0);
            setArgs(proba);
            for (long start = 0; start < data.rows(); start += chunk) {
                int n = (int) Math.min(chunk, data.rows() - start);
                data.read(start, n, rows, 0);
                write(dx, rows, n * d);
                Cl.check(CL.clSetKernelArg(kernel, 2, Sizeof.cl_int, Pointer.to(new int[] {n})),
                        "clSetKernelArg(n)");
                long global = (n + WGS - 1) / WGS * WGS;
                Cl.check(CL.clEnqueueNDRangeKernel(ctx.queue, kernel, 1, null, new long[] {global},
                        new long[] {WGS}, 0, null, null), "clEnqueueNDRangeKernel(score)");
                ScoreBlock b = new ScoreBlock(start, n, k, outputs.contains(RowOutput.LOG_PROB),
                        outputs.contains(RowOutput.LABEL), proba);
                read(dlogp, lp, n);
                if (b.labels() != null) {
                    Cl.check(CL.clEnqueueReadBuffer(ctx.queue, dlabel.mem, true, 0, (long) n * Sizeof.cl_int,
                            Pointer.to(b.labels()), 0, null, null), "clEnqueueReadBuffer(labels)");
                }
                if (proba) {
                    read(dscratch, pr, n * k);
                    System.arraycopy(pr, 0, b.proba(), 0, n * k);
                }
                if (b.logProb() != null) {
                    System.arraycopy(lp, 0, b.logProb(), 0, n);
                }
                data.readWeights(start, n, w, 0);
                double bl = 0;
                double bw = 0;
                for (int i = 0; i < n; i++) {
                    if (w[i] != 0) {
                        bl += w[i] * lp[i];
                        bw += w[i];
                    }
                }
                b.totals(bl, bw);
                logLik += bl;
                weightSum += bw;
                sink.accept(sink.convert(b));
            }
        }
        return new ScoreTotals(logLik, weightSum, data.rows());
    }

    private void setArgs(boolean proba) {
        int full = type.needsOuterProducts() ? 1 : 0;
        Cl.check(CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(dx.mem)), "clSetKernelArg(x)");
        Cl.check(CL.clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(dparams.mem)), "clSetKernelArg(params)");
        Cl.check(CL.clSetKernelArg(kernel, 3, Sizeof.cl_int, Pointer.to(new int[] {d})), "clSetKernelArg(d)");
        Cl.check(CL.clSetKernelArg(kernel, 4, Sizeof.cl_int, Pointer.to(new int[] {k})), "clSetKernelArg(k)");
        Cl.check(CL.clSetKernelArg(kernel, 5, Sizeof.cl_int, Pointer.to(new int[] {full})), "clSetKernelArg(full)");
        Cl.check(CL.clSetKernelArg(kernel, 6, Sizeof.cl_int, Pointer.to(new int[] {proba ? 1 : 0})),
                "clSetKernelArg(want_proba)");
        Cl.check(CL.clSetKernelArg(kernel, 7, Sizeof.cl_mem, Pointer.to(dlogp.mem)), "clSetKernelArg(logp)");
        Cl.check(CL.clSetKernelArg(kernel, 8, Sizeof.cl_mem, Pointer.to(dlabel.mem)), "clSetKernelArg(label)");
        Cl.check(CL.clSetKernelArg(kernel, 9, Sizeof.cl_mem, Pointer.to(dscratch.mem)),
                "clSetKernelArg(scratch)");
    }

    /** means, precision factors (spherical repeated per feature, tied per component), logConst. */
    private double[] packParams(Gaussians g) {
        boolean full = type.needsOuterProducts();
        int precLen = k * d * (full ? d : 1);
        double[] p = new double[k * d + precLen + k];
        System.arraycopy(g.means, 0, p, 0, k * d);
        int o = k * d;
        for (int j = 0; j < k; j++) {
            switch (type) {
                case SPHERICAL:
                    java.util.Arrays.fill(p, o + j * d, o + (j + 1) * d, g.precChol[j]);
                    break;
                case DIAG:
                    System.arraycopy(g.precChol, j * d, p, o + j * d, d);
                    break;
                case TIED:
                    System.arraycopy(g.precChol, 0, p, o + j * d * d, d * d);
                    break;
                default:
                    System.arraycopy(g.precChol, j * d * d, p, o + j * d * d, d * d);
            }
        }
        System.arraycopy(g.logConst, 0, p, o + precLen, k);
        return p;
    }

    /** Uploads {@code len} values of {@code v} in the device precision (blocking). */
    private void write(ClMem m, double[] v, int len) {
        int n = len == 0 ? v.length : len;
        Pointer ptr;
        if (dbl) {
            ptr = Pointer.to(v);
        } else {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) v[i];
            }
            ptr = Pointer.to(f);
        }
        Cl.check(CL.clEnqueueWriteBuffer(ctx.queue, m.mem, true, 0, (long) n * realSize, ptr, 0, null, null),
                "clEnqueueWriteBuffer(score)");
    }

    /** Reads {@code n} values into {@code v} as doubles (blocking). */
    private void read(ClMem m, double[] v, int n) {
        if (dbl) {
            Cl.check(CL.clEnqueueReadBuffer(ctx.queue, m.mem, true, 0, (long) n * realSize, Pointer.to(v), 0, null,
                    null), "clEnqueueReadBuffer(score)");
            return;
        }
        float[] f = new float[n];
        Cl.check(CL.clEnqueueReadBuffer(ctx.queue, m.mem, true, 0, (long) n * realSize, Pointer.to(f), 0, null,
                null), "clEnqueueReadBuffer(score)");
        for (int i = 0; i < n; i++) {
            v[i] = f[i];
        }
    }

    @Override
    public void close() {
        if (kernel != null) {
            owner.close();
        }
        owned.forEach(ClMem::close);
        owned.clear();
    }
}
