package org.emgmm.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.emgmm.GmmSettings;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which emgmm backend a Spark task uses, and the executor-wide cache of backends and prepared passes.
 *
 * <p>A task that holds Spark's {@code gpu} resource ({@code spark.task.resource.gpu.amount}) runs the OpenCL
 * backend on the device its address names: an integer address N is the N-th GPU among the OpenCL devices as
 * {@code emgmm devices} lists them (the order the vendor's ICD reports, which for NVIDIA follows the CUDA ordinals
 * Spark's discovery script prints); any other address is matched as part of a device name. Without a gpu resource
 * {@code auto} runs the CPU backend with the task's cores ({@code spark.task.cpus}); {@code opencl} uses OpenCL's
 * default device. Under {@code auto} a GPU that fails to open falls back to the CPU with a warning.
 */
final class TaskBackends {
    private static final Logger LOG = LoggerFactory.getLogger(TaskBackends.class);
    /** Prepared passes an executor keeps at most (a backstop; a fit releases its own at the end). */
    static final int MAX_PASSES = 256;

    private static final Map<String, Backend> BACKENDS = new ConcurrentHashMap<>();
    /** Prepared passes: a core {@link Pass} per partition, or a {@link CpuBackend.GroupedPass} per task's partitions. */
    private static final Map<String, AutoCloseable> PASSES = new LinkedHashMap<>(16, 0.75f, true);

    private TaskBackends() {
    }

    /** What one task should open: a backend kind and, for OpenCL, a device (null = the default). */
    static final class Choice {
        final BackendKind kind;
        final String device;
        final String warning;
        /** Whether a failure to open OpenCL is an error (backend opencl) rather than a fall-back to the CPU. */
        final boolean strict;

        Choice(BackendKind kind, String device, String warning, boolean strict) {
            this.kind = kind;
            this.device = device;
            this.warning = warning;
            this.strict = strict;
        }

        @Override
        public String toString() {
            return kind + (device == null ? "" : " device " + device) + (warning == null ? "" : " (" + warning + ")");
        }
    }

    /**
     * The mapping from a task's resources to a backend, without touching any device.
     *
     * @param requested the estimator's backend param
     * @param gpuAddresses the task's gpu resource addresses (empty when it has none)
     * @param gpuIndices the global indices (as {@code emgmm devices} numbers them) of the OpenCL GPUs, in order;
     *     only consulted when a gpu address is an integer
     * @return the choice
     */
    static Choice choose(BackendKind requested, List<String> gpuAddresses, java.util.function.Supplier<List<Integer>>
            gpuIndices) {
        if (requested == BackendKind.CPU) {
            return new Choice(BackendKind.CPU, null, null, true);
        }
        if (gpuAddresses.isEmpty()) {
            return requested == BackendKind.OPENCL ? new Choice(BackendKind.OPENCL, null, null, true)
                    : new Choice(BackendKind.CPU, null, null, true);
        }
        String address = gpuAddresses.get(0).trim();
        String device = address;
        if (address.matches("\\d+")) {
            int n = Integer.parseInt(address);
            List<Integer> gpus;
            try {
                gpus = gpuIndices.get();
            } catch (RuntimeException | LinkageError e) {
                return fail(requested, "gpu " + address + ": OpenCL unavailable (" + Backends.oneLine(e) + ")");
            }
            if (n >= gpus.size()) {
                return fail(requested, "gpu " + address + " of this task has no OpenCL device: OpenCL lists "
                        + gpus.size() + " GPU" + (gpus.size() == 1 ? "" : "s"));
            }
            device = Integer.toString(gpus.get(n));
        }
        return new Choice(BackendKind.OPENCL, device, null, requested == BackendKind.OPENCL);
    }

    private static Choice fail(BackendKind requested, String why) {
        if (requested == BackendKind.OPENCL) {
            throw new IllegalStateException(why);
        }
        return new Choice(BackendKind.CPU, null, why + "; using the CPU backend", false);
    }

    /** @return the gpu addresses the running task holds (empty outside a task or without one) */
    static List<String> taskGpus() {
        TaskContext tc = TaskContext.get();
        if (tc == null) {
            return List.of();
        }
        ResourceInformation gpu = tc.resourcesJMap().get("gpu");
        return gpu == null ? List.of() : List.of(gpu.addresses());
    }

    /**
     * @return the global indices of the OpenCL GPU devices, through the core's backend provider (a CPU run never
     *     calls this, so it loads no JOCL class)
     * @throws IllegalStateException when the OpenCL backend is not part of this build
     */
    static List<Integer> openClGpus() {
        return Backends.gpuDevices(BackendKind.OPENCL);
    }

    /**
     * @param requested backend param
     * @param precision precision param
     * @param threads CPU backend threads, or 0 for the task's cores ({@code spark.task.cpus})
     * @return the running task's backend (executor-wide, opened on first use)
     */
    static Backend taskBackend(BackendKind requested, Precision precision, int threads) {
        return backend(choose(requested, taskGpus(), TaskBackends::openClGpus), precision, threads);
    }

    /**
     * The prepared pass for one partition of one fit, opened on first use and kept for the fit's iterations.
     *
     * @param fitId the fit
     * @param index partition index
     * @param data the partition's rows
     * @param k components
     * @param type covariance type
     * @param backend the task's backend ({@link #taskBackend})
     * @return the pass and the description of its backend
     */
    static Prepared pass(String fitId, int index, Dataset data, int k, CovarianceType type, Backend backend) {
        String key = fitId + "/" + index;
        String description = describe(backend);
        synchronized (PASSES) {
            Pass p = (Pass) PASSES.get(key);
            if (p == null) {
                p = backend.prepare(data, k, type);
                PASSES.put(key, p);
                trim();
            }
            return new Prepared(p, description, backend instanceof CpuBackend ? null : backend);
        }
    }

    /** @return the backend in words, as the model's device line shows it */
    static String describe(Backend backend) {
        return backend.name() + " (" + backend.device() + ")";
    }

    /**
     * The CPU backend's grouped pass over one task's packed partitions, opened on first use and kept for the fit's
     * iterations: one pass of the backend's threads over all of them, chunked by {@link TaskChunks}.
     *
     * @param fitId the fit
     * @param key the task's partitions (their indices, in order)
     * @param cpu the task's CPU backend
     * @param make builds the pass on first use
     * @return the pass
     */
    static CpuBackend.GroupedPass grouped(String fitId, String key, CpuBackend cpu,
                                          java.util.function.Function<CpuBackend, CpuBackend.GroupedPass> make) {
        String full = fitId + "/" + key + "/" + cpu.threads();
        synchronized (PASSES) {
            CpuBackend.GroupedPass p = (CpuBackend.GroupedPass) PASSES.get(full);
            if (p == null) {
                p = make.apply(cpu);
                PASSES.put(full, p);
                trim();
            }
            return p;
        }
    }

    /**
     * A prepared pass and its backend in words ("cpu (CPU, 1 thread, ...)"). Passes on one OpenCL device take turns
     * (tasks sharing a device queue one after the other); CPU passes run side by side.
     */
    static final class Prepared {
        final Pass pass;
        final String description;
        private final Object lock;

        Prepared(Pass pass, String description, Object lock) {
            this.pass = pass;
            this.description = description;
            this.lock = lock;
        }

        /** @param g parameters @return the statistics of this partition */
        SufficientStatistics accumulate(Gaussians g) {
            if (lock == null) {
                return pass.accumulate(g);
            }
            synchronized (lock) {
                return pass.accumulate(g);
            }
        }
    }

    /** Closes and forgets the passes of one fit on this executor. */
    static void release(String fitId) {
        synchronized (PASSES) {
            PASSES.entrySet().removeIf(e -> {
                if (e.getKey().startsWith(fitId + "/")) {
                    close(e.getValue());
                    return true;
                }
                return false;
            });
        }
    }

    private static void trim() {
        var it = PASSES.entrySet().iterator();
        while (PASSES.size() > MAX_PASSES && it.hasNext()) {
            close(it.next().getValue());
            it.remove();
        }
    }

    private static void close(AutoCloseable pass) {
        if (pass instanceof Pass p) {
            p.close();
        } else if (pass instanceof CpuBackend.GroupedPass g) {
            g.close();
        }
    }

    private static Backend backend(Choice choice, Precision precision, int taskThreads) {
        int threads = taskThreads > 0 ? taskThreads
                : TaskContext.get() == null ? 1 : Math.max(1, TaskContext.get().cpus());
        String key = choice.kind + "/" + choice.device + "/" + precision + "/" + threads;
        Backend b = BACKENDS.get(key);
        if (b != null) {
            return b;
        }
        synchronized (BACKENDS) {
            b = BACKENDS.get(key);
            if (b == null) {
                b = open(choice, precision, threads);
                BACKENDS.put(key, b);
            }
            return b;
        }
    }

    private static Backend open(Choice choice, Precision precision, int threads) {
        if (choice.warning != null) {
            LOG.warn(choice.warning);
        }
        if (choice.kind == BackendKind.CPU) {
            return new CpuBackend(threads, precision);
        }
        GmmSettings s = GmmSettings.builder().backend(BackendKind.OPENCL).precision(precision).device(choice.device)
                .build();
        try {
            return Backends.open(s, null).backend();
        } catch (RuntimeException | LinkageError e) {
            if (choice.strict) {
                throw e;
            }
            LOG.warn("OpenCL device " + choice.device + " unavailable (" + Backends.oneLine(e)
                    + "); using the CPU backend");
            return new CpuBackend(threads, precision);
        }
    }
}
