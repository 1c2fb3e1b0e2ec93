package org.emgmm.backend.opencl;

import org.emgmm.config.BackendSettings;
import org.emgmm.config.Precision;

/**
 * Overrides of the launch plan the OpenCL backend derives from the device: explicit ones (tests that run GPU-shaped
 * plans on a CPU OpenCL device, benchmarks, {@link BackendSettings#openClPlan()}) and tuned ones (read from the
 * {@link TuningCache}). Immutable; each {@code with} method returns a copy. Zero (or null for the staging choice)
 * means "the device's default". Passed in code
 * ({@link OpenClBackend#create(DeviceInfo, Precision, long, PlanOverride)}) or as a setting; nothing is
 * read from system properties.
 */
public final class PlanOverride {
    private static final PlanOverride NONE = new PlanOverride(0, 0, 0, 0, null);

    private final int workGroupSize;
    private final int tasksPerItem;
    private final int tileRows;
    private final long scratchRows;
    private final Boolean pinned;
    /**
     * The accumulation's layout: null or false, four rows in the vector lanes of each register tile (the default);
     * true, one row at a time in scalar sums (a quarter of the accumulator registers: the GPU layout to measure).
     */
    private final Boolean rowLoop;
    /**
     * The fused E step and accumulation (kernels/fused.cl): null or false, two kernels (the default); true, one
     * kernel that keeps the responsibilities in local memory, where the plan allows it (KernelPlan#fused).
     */
    private final Boolean fused;

    /** Tuned values: the tile is an upper bound, lowered to what local memory holds for the shape at hand. */
    private final boolean tuned;

    private PlanOverride(int workGroupSize, int tasksPerItem, int tileRows, long scratchRows, Boolean pinned) {
        this(workGroupSize, tasksPerItem, tileRows, scratchRows, pinned, null, null, false);
    }

    private PlanOverride(int workGroupSize, int tasksPerItem, int tileRows, long scratchRows, Boolean pinned,
                         Boolean rowLoop, Boolean fused, boolean tuned) {
        this.workGroupSize = workGroupSize;
        this.tasksPerItem = tasksPerItem;
        this.tileRows = tileRows;
        this.scratchRows = scratchRows;
        this.pinned = pinned;
        this.rowLoop = rowLoop;
        this.fused = fused;
        this.tuned = tuned;
    }

    /**
     * @param p the launch-plan setting of a fit
     * @return the same choices as an override
     */
    public static PlanOverride of(org.emgmm.config.OpenClPlan p) {
        return new PlanOverride(p.workGroupSize(), p.tasksPerItem(), p.tileRows(), p.scratchRows(),
                p.pinnedStaging());
    }

    /** @return this override marked as tuned: its tile is lowered to what local memory holds for each shape */
    PlanOverride asTuned() {
        return new PlanOverride(workGroupSize, tasksPerItem, tileRows, scratchRows, pinned, rowLoop, fused, true);
    }

    /**
     * @param fallback values for what this override leaves unset
     * @return this override, with each unset value taken from {@code fallback}
     */
    PlanOverride orElse(PlanOverride fallback) {
        boolean fromFallback = tileRows == 0 && fallback.tileRows > 0;
        return new PlanOverride(workGroupSize > 0 ? workGroupSize : fallback.workGroupSize,
                tasksPerItem > 0 ? tasksPerItem : fallback.tasksPerItem,
                tileRows > 0 ? tileRows : fallback.tileRows,
                scratchRows > 0 ? scratchRows : fallback.scratchRows,
                pinned != null ? pinned : fallback.pinned, rowLoop != null ? rowLoop : fallback.rowLoop,
                fused != null ? fused : fallback.fused,
                fromFallback ? fallback.tuned : tuned);
    }

    /** @return whether nothing is overridden */
    public boolean isNone() {
        return workGroupSize == 0 && tasksPerItem == 0 && tileRows == 0 && scratchRows == 0 && pinned == null
                && rowLoop == null && fused == null;
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
        return new PlanOverride(wgs, tasksPerItem, tileRows, scratchRows, pinned, rowLoop, fused, false);
    }

    /**
     * @param apt at most this many accumulator tasks (register tiles of the weighted sums) per work-item before the
     *     components are split into launches (GPU default 1, CPU devices 8)
     * @return a copy with this limit
     */
    public PlanOverride withTasksPerItem(int apt) {
        require(apt >= 1, "tasks per item", apt);
        return new PlanOverride(workGroupSize, apt, tileRows, scratchRows, pinned, rowLoop, fused, false);
    }

    /**
     * @param rows rows per tile of both kernels (a multiple of 4; default: as many as local memory holds, at most
     *     the work-group size)
     * @return a copy with this tile
     */
    public PlanOverride withTileRows(int rows) {
        require(rows >= 4 && rows % 4 == 0, "tile rows (a multiple of 4)", rows);
        return new PlanOverride(workGroupSize, tasksPerItem, rows, scratchRows, pinned, rowLoop, fused, false);
    }

    /**
     * @param rows rows of the responsibility scratch, i.e. the most rows one estep/accum launch covers
     * @return a copy with this scratch size
     */
    public PlanOverride withScratchRows(long rows) {
        require(rows >= 1, "scratch rows", rows);
        return new PlanOverride(workGroupSize, tasksPerItem, tileRows, rows, pinned, rowLoop, fused, false);
    }

    /**
     * @param on whether streamed chunks are staged through pinned (CL_MEM_ALLOC_HOST_PTR) buffers (default) or
     *     plain direct memory
     * @return a copy with this choice
     */
    public PlanOverride withPinnedStaging(boolean on) {
        return new PlanOverride(workGroupSize, tasksPerItem, tileRows, scratchRows, on, rowLoop, fused, false);
    }

    /**
     * @param on the accumulation's layout: one row at a time in scalar sums (true) or four rows in the vector lanes
     *     (false, the default); the same sums in another order
     * @return a copy with this layout
     */
    public PlanOverride withRowLoop(boolean on) {
        return new PlanOverride(workGroupSize, tasksPerItem, tileRows, scratchRows, pinned, on, fused, tuned);
    }

    /**
     * @param on one fused kernel for the E step and the weighted sums (true; diag and spherical covariance when all
     *     components fit one accumulation launch at the E step's work-group size, else the plan keeps two kernels:
     *     {@link KernelPlan} falls back, and its description then lacks " fused") or two kernels (false, the default);
     *     with the same work-group size and tile both give the same bits
     * @return a copy with this choice
     */
    public PlanOverride withFused(boolean on) {
        return new PlanOverride(workGroupSize, tasksPerItem, tileRows, scratchRows, pinned, rowLoop, on, tuned);
    }

    /** @return whether the fused kernel is asked for */
    boolean fused() {
        return fused != null && fused;
    }

    /** @return whether the accumulation sums one row at a time */
    boolean rowLoop() {
        return rowLoop != null && rowLoop;
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

    /** @return whether the tile is a tuned upper bound rather than an explicit choice */
    boolean tuned() {
        return tuned;
    }

    private static void require(boolean ok, String what, long v) {
        if (!ok) {
            throw new IllegalArgumentException("invalid " + what + ": " + v);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PlanOverride)) {
            return false;
        }
        PlanOverride p = (PlanOverride) o;
        return workGroupSize == p.workGroupSize && tasksPerItem == p.tasksPerItem && tileRows == p.tileRows
                && scratchRows == p.scratchRows && java.util.Objects.equals(pinned, p.pinned)
                && java.util.Objects.equals(rowLoop, p.rowLoop) && java.util.Objects.equals(fused, p.fused)
                && tuned == p.tuned;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(workGroupSize, tasksPerItem, tileRows, scratchRows, pinned, rowLoop, fused,
                tuned);
    }

    @Override
    public String toString() {
        return "PlanOverride[wgs=" + workGroupSize + " apt=" + tasksPerItem + " tile=" + tileRows + " scratch="
                + scratchRows + " pinned=" + pinned() + (rowLoop() ? " rowloop" : "") + (fused() ? " fused" : "")
                + (tuned ? " tuned" : "") + "]";
    }
}
