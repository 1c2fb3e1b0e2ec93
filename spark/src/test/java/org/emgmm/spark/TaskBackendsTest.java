package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;

/** A task's gpu resource mapped to an OpenCL device, and the CPU fallback, without a GPU. */
class TaskBackendsTest {
    /** OpenCL lists a CPU device (index 0) and two GPUs (indices 1 and 2). */
    static final Supplier<List<Integer>> TWO_GPUS = () -> List.of(1, 2);

    @Test
    void gpuAddressMapsToTheNthOpenClGpu() {
        TaskBackends.Choice c = TaskBackends.choose(BackendKind.AUTO, List.of("1"), TWO_GPUS);
        assertEquals(BackendKind.OPENCL, c.kind);
        assertEquals("2", c.device);
        assertEquals("1", TaskBackends.choose(BackendKind.OPENCL, List.of("0"), TWO_GPUS).device);
        // A non-numeric address is a device name fragment.
        assertEquals("H200", TaskBackends.choose(BackendKind.AUTO, List.of("H200"), TWO_GPUS).device);
    }

    @Test
    void noGpuResourceMeansCpuUnderAuto() {
        Supplier<List<Integer>> never = () -> {
            throw new AssertionError("OpenCL must not be consulted");
        };
        assertEquals(BackendKind.CPU, TaskBackends.choose(BackendKind.AUTO, List.of(), never).kind);
        assertEquals(BackendKind.CPU, TaskBackends.choose(BackendKind.CPU, List.of("0"), never).kind);
        TaskBackends.Choice ocl = TaskBackends.choose(BackendKind.OPENCL, List.of(), never);
        assertEquals(BackendKind.OPENCL, ocl.kind);
        assertNull(ocl.device);
    }

    @Test
    void missingGpuFallsBackUnderAutoAndFailsUnderOpenCl() {
        TaskBackends.Choice c = TaskBackends.choose(BackendKind.AUTO, List.of("2"), TWO_GPUS);
        assertEquals(BackendKind.CPU, c.kind);
        assertEquals("gpu 2 of this task has no OpenCL device: OpenCL lists 2 GPUs; using the CPU backend",
                c.warning);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TaskBackends.choose(BackendKind.OPENCL, List.of("2"), TWO_GPUS));
        assertEquals("gpu 2 of this task has no OpenCL device: OpenCL lists 2 GPUs", e.getMessage());
        Supplier<List<Integer>> broken = () -> {
            throw new IllegalStateException("no OpenCL platform found");
        };
        TaskBackends.Choice b = TaskBackends.choose(BackendKind.AUTO, List.of("0"), broken);
        assertEquals(BackendKind.CPU, b.kind);
        assertTrue(b.warning.contains("no OpenCL platform found"), b.warning);
    }

    @Test
    void fitOnTasksWithoutGpuUsesCpu() {
        ArrayDataset data = SyntheticMixture.generate(500, 2, 2, 1, false);
        GaussianMixtureModel m = new GaussianMixture().setK(2).setMaxIter(2)
                .fit(TestData.frame(data.doubleArray(), 2, null, 2));
        assertEquals("cpu", m.mixtureModel().backend());
        // 500 rows in local[2]: one task of both cores (PackedData.perExecutor)
        assertTrue(m.mixtureModel().device().startsWith("Spark, 2 partitions in 1 task of 2 threads: cpu (CPU, 2 "
                + "threads"), m.mixtureModel().device());
    }

    /**
     * The layout rule: one task per executor on all its cores while each task slot's share of the data is under
     * PER_EXECUTOR_BELOW rows x features, else one task per slot; never when tasks hold GPUs or an executor has no
     * more cores than a task.
     */
    @Test
    void oneTaskPerExecutorOnlyForSmallSharesOfCpuExecutors() {
        long below = PackedData.PER_EXECUTOR_BELOW;
        assertTrue(PackedData.perExecutor(200_000, 16, 2, 2, 1, false));
        assertTrue(PackedData.perExecutor(below / 16 * 2 - 1, 16, 2, 2, 1, false));
        assertFalse(PackedData.perExecutor(below / 16 * 2, 16, 2, 2, 1, false));
        assertTrue(PackedData.perExecutor(1_000_000, 16, 2, 2, 1, false));
        assertFalse(PackedData.perExecutor(100_000_000, 16, 2, 2, 1, false));
        // 10 executors of 8 cores: 80 slots share the rows
        assertTrue(PackedData.perExecutor(10_000_000, 16, 80, 8, 1, false));
        assertFalse(PackedData.perExecutor(200_000, 16, 2, 2, 1, true));
        assertFalse(PackedData.perExecutor(200_000, 16, 1, 2, 2, false));
    }
}
