package org.emgmm.backend.opencl;

/**
 * Explicit overrides of the launch plan the OpenCL backend derives from the device: for tests that run GPU-shaped
 * plans on a CPU OpenCL device, for benchmarks and for experiments. Immutable; each {@code with} method returns a
 * copy. Zero (or null for the staging choice) means "the device's default". Passed in code
 * ({@link OpenClBackend#create(DeviceInfo, org.emgmm.Precision, long, PlanOverride)}); nothing is read from system
 * properties.
 */
public final class PlanOverride {
    private static final PlanOverride NONE = new PlanOverride(0, 0, 0, 0, null);

    private final int workGroupSize;
    private final int tasksPerItem;
    private final int tileRows;
    private final long scratchRows;
    private final Boolean pinned;

    private PlanOverride(int workGroupSize, int tasksPerItem, int tileRows, long scratchRows, Boolean pinned) {
        this.workGroupSize = workGroupSize;
        this.tasksPerItem = tasksPerItem;
        this.tileRows = tileRows;
        this.scratchRows = scratchRows;
        this.pinned = pinned;
    }

    /** @return no overrides: the plan comes from the device */
    public static PlanOverride none() {
        return NONE;
    }

    /**
     * @param wgs work-items per group of both kernels (not checked against the device here: an impossible value
     *     makes the pass fail at preparation, which is how the fallback is tested)
     * @return a copy with this work-group size
     */
    public PlanOverride withWorkGroupSize(int wgs) {
        require(wgs >= 1, "work-group size", wgs);
        return new PlanOverride(wgs, tasksPerItem, tileRows, scratchRows, pinned);
    }

    /**
     * @param apt at most this many accumulator tasks (register tiles of the weighted sums) per work-item before the
     *     components are split into launches (GPU default 1, CPU devices 8)
     * @return a copy with this limit
     */
    public PlanOverride withTasksPerItem(int apt) {
        require(apt >= 1, "tasks per item", apt);
        return new PlanOverride(workGroupSize, apt, tileRows, scratchRows, pinned);
    }

    /**
     * @param rows rows per tile of both kernels (a multiple of 4; default: as many as local memory holds, at most
     *     the work-group size)
     * @return a copy with this tile
     */
    public PlanOverride withTileRows(int rows) {
        require(rows >= 4 && rows % 4 == 0, "tile rows (a multiple of 4)", rows);
        return new PlanOverride(workGroupSize, tasksPerItem, rows, scratchRows, pinned);
    }

    /**
     * @param rows rows of the responsibility scratch, i.e. the most rows one estep/accum launch covers
     * @return a copy with this scratch size
     */
    public PlanOverride withScratchRows(long rows) {
        require(rows >= 1, "scratch rows", rows);
        return new PlanOverride(workGroupSize, tasksPerItem, tileRows, rows, pinned);
    }

    /**
     * @param on whether streamed chunks are staged through pinned (CL_MEM_ALLOC_HOST_PTR) buffers (default) or
     *     plain direct memory
     * @return a copy with this choice
     */
    public PlanOverride withPinnedStaging(boolean on) {
        return new PlanOverride(workGroupSize, tasksPerItem, tileRows, scratchRows, on);
    }

    int workGroupSize() {
        return workGroupSize;
    }

    int tasksPerItem() {
        return tasksPerItem;
    }

    int tileRows() {
        return tileRows;
    }

    long scratchRows() {
        return scratchRows;
    }

    boolean pinned() {
        return pinned == null || pinned;
    }

    private static void require(boolean ok, String what, long v) {
        if (!ok) {
            throw new IllegalArgumentException("invalid " + what + ": " + v);
        }
    }

    @Override
    public String toString() {
        return "PlanOverride[wgs=" + workGroupSize + " apt=" + tasksPerItem + " tile=" + tileRows + " scratch="
                + scratchRows + " pinned=" + pinned() + "]";
    }
}
