package org.emgmm.backend.opencl;

import java.util.Locale;

/**
 * The defaults of the launch plan for a class of device, chosen from {@code CL_DEVICE_VENDOR} (and the platform
 * name) and the device type, before any tuning. The reasoning behind each value is written in
 * bench/results/tuning-defaults.md (the performance model of bench/results/gpu-model.md applied to each vendor's
 * hardware); {@code emgmm tune} measures better values per device and shape and stores them in the
 * {@link TuningCache}, which wins over these.
 */
enum DeviceClass {
    /**
     * NVIDIA GPUs: warps of 32, up to 2048 resident work-items and 228 KB of shared memory per SM (H100/H200) but
     * 48 KB per work-group as OpenCL reports it, so a group may use most of its 48 KB and still leave the SM room
     * for several groups. Groups of 64, and the smallest accumulation group that holds one component's register
     * tiles at one per item: measured on an H200 (bench/results/opencl-h200-2026-12-04.md, KernelProfileCheck),
     * the accumulation's register tiles (and Kahan totals) limit how many groups an SM holds, so small groups win
     * even at the price of more launches (diag 1e8x16x16 41.3 -> 30.4 ms, full 1e7x16x16 19.0 -> 16.2 ms per pass);
     * two tiles per item spill (full 1e6x64x64 at groups of 64: 173 -> 502 ms), so a component never takes more.
     */
    NVIDIA(64, new int[] {256, 224, 192, 160, 128, 96, 64}, 1, 16, KernelPlan.GPU_SCRATCH_BYTES, 0.75, true),
    /**
     * AMD GPUs (GCN, CDNA, RDNA): wavefronts of 64 (RDNA also 32), and 64 KB of LDS per compute unit, which is all
     * OpenCL reports: a group using 3/4 of it would run alone on its CU (one wave per SIMD, no latency hiding), so
     * tiles are sized for two groups per CU; accumulation groups are whole wavefronts.
     */
    AMD(256, new int[] {256, 192, 128}, 1, 8, KernelPlan.GPU_SCRATCH_BYTES, 0.375),
    /**
     * Intel GPUs: compute units are EUs (7-8 threads of SIMD8-32 each), so a few groups per unit already fill the
     * device; shared local memory (64 KB per sub-slice as reported) is shared by several groups; integrated parts
     * take the scratch from host memory, so it is kept small.
     */
    INTEL_GPU(256, new int[] {256, 224, 192, 160, 128}, 1, 2, 1L << 28, 0.375),
    /** Other GPUs (and GPU-typed simulators such as Oclgrind): the NVIDIA-shaped plan the kernels were written for. */
    OTHER_GPU(256, new int[] {256, 224, 192, 160, 128}, 1, 16, KernelPlan.GPU_SCRATCH_BYTES, 0.75),
    /**
     * CPU devices (PoCL, Intel's CPU runtime): a work-group's items run as loops on one core, so groups of 128,
     * several accumulator tasks per item (fewer launches, the same vector lanes) and a few groups per core.
     */
    CPU(128, null, 8, 4, KernelPlan.CPU_SCRATCH_BYTES, 0.75);

    /** Whether the plan takes the smallest accumulation group that holds one component at one task per item. */
    final boolean smallAccumGroups;

    /** Work-items per E-step group (capped by the device's largest power of two). */
    final int estepWgs;
    /** Accumulation work-group sizes scored by the plan, largest first; null: the E-step size only. */
    private final int[] accumWgs;
    /** Accumulator tasks per work-item before the components are split into launches. */
    final int tasksPerItem;
    /** Work-groups per compute unit. */
    final int groupsPerUnit;
    /** Responsibility scratch, in bytes (also bounded by the largest allocation). */
    final long scratchBytes;
    /** Fraction of the reported local memory one work-group's tiles may use. */
    final double localFraction;

    DeviceClass(int estepWgs, int[] accumWgs, int tasksPerItem, int groupsPerUnit, long scratchBytes,
                double localFraction) {
        this(estepWgs, accumWgs, tasksPerItem, groupsPerUnit, scratchBytes, localFraction, false);
    }

    DeviceClass(int estepWgs, int[] accumWgs, int tasksPerItem, int groupsPerUnit, long scratchBytes,
                double localFraction, boolean smallAccumGroups) {
        this.smallAccumGroups = smallAccumGroups;
        this.estepWgs = estepWgs;
        this.accumWgs = accumWgs;
        this.tasksPerItem = tasksPerItem;
        this.groupsPerUnit = groupsPerUnit;
        this.scratchBytes = scratchBytes;
        this.localFraction = localFraction;
    }

    /**
     * @param estep the E-step work-group size the plan chose
     * @return the accumulation work-group sizes to score, largest first (a copy)
     */
    int[] accumCandidates(int estep) {
        return accumWgs == null ? new int[] {estep} : accumWgs.clone();
    }

    /**
     * @param d a device
     * @return its class: GPUs by vendor (or platform) name, every other device type as {@link #CPU}
     */
    static DeviceClass of(DeviceInfo d) {
        if (!d.isGpu()) {
            return CPU;
        }
        String v = (d.vendor() + " | " + d.platform()).toLowerCase(Locale.ROOT);
        if (v.contains("nvidia")) {
            return NVIDIA;
        }
        if (v.contains("advanced micro devices") || v.matches("(?s).*\\bamd\\b.*")) {
            return AMD;
        }
        if (v.contains("intel")) {
            return INTEL_GPU;
        }
        return OTHER_GPU;
    }
}
