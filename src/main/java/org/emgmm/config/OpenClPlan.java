package org.emgmm.config;

import java.util.Locale;

/**
 * Explicit choices for the OpenCL launch plan, as a setting of a fit
 * ({@link org.emgmm.GmmSettings.Builder#openClPlan}): the work-group size of the kernels, accumulator tasks per
 * work-item, rows per tile, rows of the responsibility scratch, and whether streamed chunks are staged through pinned
 * buffers. Zero (null for the staging choice) means "not set": the value then comes from the per-device tuning cache
 * ({@code emgmm tune}) or from the defaults of the device's class. The CPU backend ignores it. Immutable; each {@code with} method returns a copy.
 *
 * <p>A plan changes the order in which the per-row terms are summed (work-groups, tiles, launches), so two plans give
 * results that agree to rounding, not bit for bit; one plan gives the same bits on every run.
 */
public final class OpenClPlan {
    private static final OpenClPlan AUTO = new OpenClPlan(0, 0, 0, 0, null);

    private final int workGroupSize;
    private final int tasksPerItem;
    private final int tileRows;
    private final long scratchRows;
    private final Boolean pinnedStaging;

    private OpenClPlan(int workGroupSize, int tasksPerItem, int tileRows, long scratchRows, Boolean pinnedStaging) {
        this.workGroupSize = workGroupSize;
        this.tasksPerItem = tasksPerItem;
        this.tileRows = tileRows;
        this.scratchRows = scratchRows;
        this.pinnedStaging = pinnedStaging;
    }

    /** @return nothing set: tuned values or the device class's defaults */
    public static OpenClPlan auto() {
        return AUTO;
    }

    /**
     * @param wgs work-items per group of the E-step and accumulation kernels, at least 1 (an impossible value
     *     makes the pass fail at preparation)
     * @return a copy with this work-group size
     * @throws IllegalArgumentException when below 1
     */
    public OpenClPlan withWorkGroupSize(int wgs) {
        require(wgs >= 1, "work-group size", wgs);
        return new OpenClPlan(wgs, tasksPerItem, tileRows, scratchRows, pinnedStaging);
    }

    /**
     * @param apt at most this many accumulator tasks (register tiles of the weighted sums) per work-item before the
     *     components are split into launches, at least 1
     * @return a copy with this limit
     * @throws IllegalArgumentException when below 1
     */
    public OpenClPlan withTasksPerItem(int apt) {
        require(apt >= 1, "tasks per item", apt);
        return new OpenClPlan(workGroupSize, apt, tileRows, scratchRows, pinnedStaging);
    }

    /**
     * @param rows rows per tile of both kernels, a positive multiple of 4
     * @return a copy with this tile
     * @throws IllegalArgumentException when not a positive multiple of 4
     */
    public OpenClPlan withTileRows(int rows) {
        require(rows >= 4 && rows % 4 == 0, "tile rows (a multiple of 4)", rows);
        return new OpenClPlan(workGroupSize, tasksPerItem, rows, scratchRows, pinnedStaging);
    }

    /**
     * @param rows rows of the responsibility scratch (the most rows one launch covers), at least 1
     * @return a copy with this scratch size
     * @throws IllegalArgumentException when below 1
     */
    public OpenClPlan withScratchRows(long rows) {
        require(rows >= 1, "scratch rows", rows);
        return new OpenClPlan(workGroupSize, tasksPerItem, tileRows, rows, pinnedStaging);
    }

    /**
     * @param on whether streamed chunks are staged through pinned (CL_MEM_ALLOC_HOST_PTR) buffers (the default) or
     *     plain direct memory
     * @return a copy with this choice
     */
    public OpenClPlan withPinnedStaging(boolean on) {
        return new OpenClPlan(workGroupSize, tasksPerItem, tileRows, scratchRows, on);
    }

    /** @return the work-group size, 0 when not set */
    public int workGroupSize() {
        return workGroupSize;
    }

    /** @return the accumulator tasks per work-item, 0 when not set */
    public int tasksPerItem() {
        return tasksPerItem;
    }

    /** @return rows per tile, 0 when not set */
    public int tileRows() {
        return tileRows;
    }

    /** @return rows of the responsibility scratch, 0 when not set */
    public long scratchRows() {
        return scratchRows;
    }

    /** @return the staging choice, null when not set (pinned) */
    public Boolean pinnedStaging() {
        return pinnedStaging;
    }

    /** @return whether nothing is set */
    public boolean isAuto() {
        return workGroupSize == 0 && tasksPerItem == 0 && tileRows == 0 && scratchRows == 0 && pinnedStaging == null;
    }

    private static void require(boolean ok, String what, long v) {
        if (!ok) {
            throw new IllegalArgumentException("invalid OpenCL plan " + what + ": " + v);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OpenClPlan)) {
            return false;
        }
        OpenClPlan p = (OpenClPlan) o;
        return workGroupSize == p.workGroupSize && tasksPerItem == p.tasksPerItem && tileRows == p.tileRows
                && scratchRows == p.scratchRows && java.util.Objects.equals(pinnedStaging, p.pinnedStaging);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(workGroupSize, tasksPerItem, tileRows, scratchRows, pinnedStaging);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "OpenClPlan[wgs=%d apt=%d tile=%d scratch=%d pinned=%s]", workGroupSize,
                tasksPerItem, tileRows, scratchRows, pinnedStaging == null ? "auto" : pinnedStaging.toString());
    }
}
