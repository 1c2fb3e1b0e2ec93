package org.emgmm.backend.opencl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.emgmm.backend.MultiPass;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * The OpenCL backend's {@link MultiPass} on one device: every model gets its own {@link ModelKernels} (the kernels,
 * plan, launches and fixed-order additions of its own {@link OpenClPass}, so its statistics are the same bits), and
 * the models whose plans lay the rows out alike ({@link DeviceRows#sameLayout}: in practice all of them; a streamed
 * layout's chunk rows are aligned to launches whose length can depend on K) share one {@link DeviceRows}. Per
 * iteration every model's parameters are written, then for each chunk, once it is on the device (resident: the
 * one buffer uploaded once; streamed: one transfer per chunk), every model's kernels are enqueued on it together,
 * and one read per model at the end brings the sums back: no host round trip per model per chunk. The launch
 * buffers ({@link Scratch}) are one set for all models (the queue is in order), as large as the largest plan needs.
 *
 * <p>A model shape missing from a call (its candidate converged) has its kernels released; rows no model uses any
 * more are released too.
 */
final class OpenClMultiPass implements MultiPass {
    private final OpenClBackend backend;
    private final ClContext ctx;
    private final Dataset data;
    private final Scratch scratch;
    /** Row layouts in use, each with the models on it by shape ("k/type"), several models of one shape in order. */
    private final List<Group> groups = new ArrayList<>();
    private boolean closed;
    /** Rows handed over at construction, until a model's plan lays them out alike (then they found a group). */
    private DeviceRows adopted;
    /** Whether the rows handed over at construction serve models (tests). */
    private boolean tookOver;

    /** The rows in one layout and the models that run on them. */
    private static final class Group {
        final DeviceRows rows;
        final Map<String, List<ModelKernels>> models = new LinkedHashMap<>();

        Group(DeviceRows rows) {
            this.rows = rows;
        }
    }

    /**
     * @param backend the backend whose plans the models follow
     * @param ctx its (single) device's context
     * @param data the samples
     * @param rows rows of {@code data} already on the device (a prepared pass's, {@link OpenClPass#detachRows}),
     *     taken over and used by the models whose plans lay them out alike; or null
     */
    OpenClMultiPass(OpenClBackend backend, ClContext ctx, Dataset data, DeviceRows rows) {
        this.backend = backend;
        this.ctx = ctx;
        this.data = data;
        this.scratch = new Scratch(ctx);
        this.adopted = rows;
    }

    private static String key(int k, CovarianceType type) {
        return k + "/" + type;
    }

    /** @return how many row layouts (copies of the rows on the device, or streams of them) are in use (tests) */
    int layouts() {
        return groups.size();
    }

    /** @return whether the rows handed over at construction serve models (tests) */
    boolean tookOverRows() {
        return tookOver;
    }

    /** @return chunks written to the device so far, over every layout (tests: one write serves every model) */
    long chunkWrites() {
        long w = 0;
        for (Group g : groups) {
            w += g.rows.chunkWrites();
        }
        return w;
    }

    @Override
    public SufficientStatistics[] accumulate(Gaussians[] models) {
        if (closed) {
            throw new IllegalStateException("this OpenCL multi-model pass is closed");
        }
        ModelKernels[] kernels = assign(models);
        double[][] sums = new double[models.length][];
        double[][] shifts = new double[models.length][];
        synchronized (ctx.lock) {
            for (int i = 0; i < models.length; i++) {
                kernels[i].writeParams(models[i]);
                shifts[i] = kernels[i].shift();
            }
            for (Group g : groups) {
                List<ModelKernels> on = new ArrayList<>();
                g.models.values().forEach(on::addAll);
                g.rows.forEachChunk((chunk, slot, rows, wait, done) -> {
                    for (int j = 0; j < on.size(); j++) {
                        on.get(j).enqueueChunk(chunk, slot, rows, j == 0 ? wait : null,
                                j == on.size() - 1 ? done : null);
                    }
                });
            }
            for (int i = 0; i < models.length; i++) {
                sums[i] = kernels[i].readSums();
            }
        }
        SufficientStatistics[] out = new SufficientStatistics[models.length];
        for (int i = 0; i < models.length; i++) {
            SufficientStatistics st = new SufficientStatistics(models[i].k, models[i].d, models[i].type);
            kernels[i].addSums(sums[i], st);
            ModelKernels.reshift(st, models[i].means, shifts[i]);
            out[i] = st;
        }
        return out;
    }

    /**
     * The kernels of each model, in order: the i-th model of a shape in the call gets that shape's i-th kernels,
     * prepared on first use; kernels (and rows) the call does not use are released.
     */
    private ModelKernels[] assign(Gaussians[] models) {
        Map<String, Integer> seen = new HashMap<>();
        ModelKernels[] out = new ModelKernels[models.length];
        for (int i = 0; i < models.length; i++) {
            Gaussians g = models[i];
            if (g.d != data.dims()) {
                throw new IllegalArgumentException("model " + i + " has D = " + g.d + ", the data " + data.dims());
            }
            String key = key(g.k, g.type);
            int nth = seen.merge(key, 1, Integer::sum) - 1;
            ModelKernels m = find(key, nth);
            if (m == null) {
                m = open(g.k, g.type, key);
            }
            out[i] = m;
        }
        for (int gi = groups.size() - 1; gi >= 0; gi--) {
            Group grp = groups.get(gi);
            grp.models.entrySet().removeIf(e -> {
                List<ModelKernels> list = e.getValue();
                int keep = seen.getOrDefault(e.getKey(), 0);
                while (list.size() > keep) {
                    list.remove(list.size() - 1).close();
                }
                return list.isEmpty();
            });
            if (grp.models.isEmpty()) {
                grp.rows.close();
                groups.remove(gi);
            }
        }
        return out;
    }

    private ModelKernels find(String key, int nth) {
        int seen = 0;
        for (Group g : groups) {
            List<ModelKernels> list = g.models.get(key);
            if (list != null) {
                if (nth < seen + list.size()) {
                    return list.get(nth - seen);
                }
                seen += list.size();
            }
        }
        return null;
    }

    /** Prepares one more model of shape {@code key}: its plan, the group of its layout (new rows if none), kernels. */
    private ModelKernels open(int k, CovarianceType type, String key) {
        KernelPlan plan = backend.plan(data.rows(), data.dims(), k, type, data.hasWeights());
        Group group = null;
        for (Group g : groups) {
            if (DeviceRows.sameLayout(plan, g.rows.plan())) {
                group = g;
                break;
            }
        }
        if (group == null && adopted != null && DeviceRows.sameLayout(plan, adopted.plan())) {
            group = new Group(adopted); // loaded already (an empty group is released at the next call)
            adopted = null;
            tookOver = true;
            groups.add(group);
        }
        boolean fresh = group == null;
        if (fresh) {
            group = new Group(new DeviceRows(ctx, plan, data));
        }
        ModelKernels m = null;
        try {
            synchronized (ctx.lock) {
                scratch.fit(plan);
                m = new ModelKernels(ctx, plan, group.rows, scratch);
            }
            if (fresh) {
                group.rows.load();
                groups.add(group);
            }
            group.models.computeIfAbsent(key, x -> new ArrayList<>()).add(m);
            return m;
        } catch (RuntimeException | Error e) {
            if (m != null) {
                m.close();
            }
            if (fresh) {
                group.rows.close();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Group g : groups) {
            g.models.values().forEach(list -> list.forEach(ModelKernels::close));
            g.rows.close();
        }
        groups.clear();
        if (adopted != null) {
            adopted.close();
            adopted = null;
        }
        scratch.close();
    }
}
