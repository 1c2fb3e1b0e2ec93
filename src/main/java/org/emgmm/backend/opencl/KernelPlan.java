package org.emgmm.backend.opencl;

import java.util.Locale;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;

/**
 * The shapes one pass uses on one device: the defines of the three kernels (kernels/estep.cl, accum.cl, reduce.cl,
 * with the fragments {@link KernelSource} puts before them), the number of work-groups, the responsibility scratch
 * and the chunking of the data. Pure arithmetic on the device
 * limits and the {@link PlanOverride}, deterministic for a given device and problem, so a pass gives the same bits
 * on every run.
 *
 * <p>Per launch of at most {@link #scratchRows} rows: {@code estep} computes all K log-densities of every row once
 * and writes the responsibilities (K × scratchRows, the only per-row scratch); then {@code accum} runs once per
 * component tile of {@link #kt} components (tiled only when the register tiles of all K do not fit a work-group).
 * A {@link #fused} plan runs one kernel (kernels/fused.cl) per launch instead, at one work-group size and tile.
 */
final class KernelPlan {
    /** Reduce work-group size (power of two). */
    static final int RWG = 64;
    /** Largest chunk of a streamed dataset, in bytes of data (host staging buffers are this big, twice). */
    static final long MAX_CHUNK_BYTES = 1L << 28;
    /** Fraction of global memory usable for data and scratch when no cap is given. */
    static final double GLOBAL_FRACTION = 0.75;
    /** Responsibility scratch on a discrete GPU: at most this many bytes (fewer, larger launches). */
    static final long GPU_SCRATCH_BYTES = 1L << 30;
    /** Responsibility scratch on other devices. */
    static final long CPU_SCRATCH_BYTES = 1L << 26;
    /** Largest parameter block passed as __constant (also bounded by the device's constant buffer). */
    static final long MAX_CONSTANT_BYTES = 1L << 16;

    /** The device's class, whose defaults fill what neither the override nor the tuning cache sets. */
    final DeviceClass deviceClass;
    /** Where the tunables came from: "defaults (class)", "settings", or the tuning cache entry. */
    final String source;
    final Precision precision;
    final int realSize;
    final int accSize;
    final long n;
    final int d;
    final int k;
    final CovarianceType type;
    final boolean weighted;
    final boolean pinned;
    /** accum sums one row at a time in scalar registers (PlanOverride.withRowLoop) instead of four in the lanes. */
    final boolean rowLoop;
    /**
     * One fused kernel (kernels/fused.cl) instead of estep + accum: asked for by PlanOverride.withFused and applied
     * only to diag and spherical covariance when the tasks of all K components fit the E step's work-group at the
     * allowed tasks per item (one accumulation launch); the accumulation then uses the E step's work-group size and
     * tile. Otherwise the plan falls back to the two kernels (no error): this flag is false and toString lacks
     * " fused".
     */
    final boolean fused;
    /** d and k rounded up to multiples of 4 (the kernels' vector width). */
    final int dp;
    final int kp;
    /** Columns per register tile of the full product, and d rounded up to them. */
    final int cols;
    final int du;
    final int wgs;
    final int tile;
    final int accWgs;
    final int accTile;
    final int kt;
    final int compTiles;
    final int ntask;
    final int apt;
    final int nph;
    final int per;
    final int entries;
    final int maxGroups;
    final long scratchRows;
    final long chunkRows;
    final int chunks;
    final int launchesPerChunk;
    final boolean resident;
    final int paramLength;
    final boolean constantParams;
    final int offRef;
    final int offA;
    final int offB;
    final int offC;
    final int offU;
    final int offLc;
    final int offMu;

    private KernelPlan(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                       boolean weighted, long cap, long allocCap, PlanOverride o, String source) {
        DeviceClass cls = DeviceClass.of(dev);
        this.deviceClass = cls;
        this.source = source;
        this.precision = precision;
        this.realSize = precision == Precision.DOUBLE ? 8 : 4;
        this.accSize = dev.fp64() ? 8 : 4;
        this.n = n;
        this.d = d;
        this.k = k;
        this.type = type;
        this.weighted = weighted;
        this.pinned = o.pinned();
        this.rowLoop = o.rowLoop();
        this.dp = roundUp(d, 4);
        this.kp = roundUp(k, 4);
        this.cols = d <= 4 ? 4 : 8;
        this.du = roundUp(d, cols);
        boolean outer = type.needsOuterProducts();
        int devMax = (int) Math.min(1 << 16, Math.max(1, dev.maxWorkGroupSize()));
        // the device class's E-step group: NVIDIA 64 (measured), other GPUs 256, CPU devices (PoCL runs a group's items
        // as loops) 128
        this.wgs = o.workGroupSize() > 0 ? o.workGroupSize() : Math.min(cls.estepWgs, floorPow2(devMax));
        long local = (long) (dev.localMemory() * cls.localFraction);
        // estep: xs (dp rows) and ls (tile x (kp + 1): density.cl's LSTR, at least 2 wgs) in local memory
        int t = tileOf(o, fitTile(local, wgs, dp, kp + 1, true));
        if (t < 4) {
            throw new OpenClException(String.format(Locale.ROOT,
                    "D = %d, K = %d is too large for the local memory of %s (%d bytes)", d, k, dev.describe(),
                    dev.localMemory()), 0);
        }
        this.tile = t;
        this.per = 1 + d + (outer ? d * (d + 1) / 2 : d);
        // accum: the component tile and work-group size that leave the fewest work-items idle
        int maxApt = o.tasksPerItem() > 0 ? o.tasksPerItem() : cls.tasksPerItem;
        int[] candidates = o.workGroupSize() > 0 ? new int[] {o.workGroupSize()} : cls.accumCandidates(wgs);
        int bestW = 0;
        int bestKt = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        this.fused = o.fused() && !outer && tasks(k) <= (long) maxApt * wgs;
        if (fused) {
            candidates = new int[0];  // one launch of all K at the E step's work-group size
            bestW = wgs;
            bestKt = k;
        }
        // NVIDIA (measured): the smallest group that holds one component's tasks at one per item; the rest of the
        // candidates only when none does
        int smallest = 0;
        if (cls.smallAccumGroups && o.workGroupSize() == 0 && !fused) {
            for (int w : candidates) {
                if (w <= devMax && tasks(1) <= (long) maxApt * w && (smallest == 0 || w < smallest)) {
                    smallest = w;
                }
            }
            if (smallest > 0) {
                candidates = new int[] {smallest};
            }
        }
        for (int w : candidates) {
            if (w > devMax && o.workGroupSize() == 0 && w != candidates[candidates.length - 1]) {
                continue; // the smallest candidate is always scored, so there is a choice
            }
            int ktMax = 0;
            while (ktMax < k && tasks(ktMax + 1) <= (long) maxApt * w) {
                ktMax++;
            }
            ktMax = Math.max(1, ktMax);
            int tiles = (k + ktMax - 1) / ktMax;
            int ktb = (k + tiles - 1) / tiles;
            int nt = tasks(ktb);
            double used = nt >= w ? (double) nt / (roundUp(nt, w)) : (double) (w / nt * nt) / w;
            double score = used - tiles; // fewer launches first, then fewer idle items
            if (score > bestScore + 1e-9) {
                bestScore = score;
                bestW = w;
                bestKt = ktb;
            }
        }
        this.accWgs = bestW;
        this.kt = bestKt;
        this.compTiles = (k + kt - 1) / kt;
        this.ntask = tasks(kt);
        this.apt = ntask >= accWgs ? (ntask + accWgs - 1) / accWgs : 1;
        this.nph = ntask >= accWgs ? 1 : accWgs / ntask;
        this.entries = kt * per;
        int ktp = roundUp(kt, 2);
        // fused: the E step's tile (its local memory, xs and ls, holds the responsibilities of all K)
        int at = fused ? tile : tileOf(o, fitTile(local, accWgs, dp, ktp, false));
        if (at < 4) {
            throw new OpenClException(String.format(Locale.ROOT,
                    "D = %d is too large for the local memory of %s (%d bytes)", d, dev.describe(),
                    dev.localMemory()), 0);
        }
        this.accTile = at;
        this.maxGroups = Math.max(1, dev.computeUnits() * cls.groupsPerUnit);

        // parameters: ref | A, B, C (diag/spherical) or U, lconst (full/tied) | mu'
        offRef = 0;
        int p = dp;
        if (outer) {
            offA = offB = offC = 0;
            offU = p;
            p += (type == CovarianceType.FULL ? k : 1) * d * du;
            offLc = p;
            p += kp;
        } else {
            offU = offLc = 0;
            offA = p;
            p += d * kp;
            offB = p;
            p += d * kp;
            offC = p;
            p += kp;
        }
        offMu = p;
        p += kp * dp;
        this.paramLength = p;
        this.constantParams = (long) p * realSize <= Math.min(MAX_CONSTANT_BYTES, dev.maxConstant());

        long rowX = (long) d * realSize;
        long rowW = weighted ? realSize : 0;
        long scratchCap = Math.min(cls.scratchBytes, dev.maxAlloc());
        long sr = o.scratchRows() > 0 ? o.scratchRows() : Math.max(tile, scratchCap / ((long) k * realSize));
        sr = Math.min(sr, Math.max(1, n));
        sr = Math.min(sr, Integer.MAX_VALUE / Math.max(k, 1));
        long budget = (cap > 0 ? cap : (long) (dev.globalMemory() * GLOBAL_FRACTION));
        // data buffers: each within CL_DEVICE_MAX_MEM_ALLOC_SIZE (or the smaller allocCap); the data stays resident
        // in as many of them as it needs when all of it fits the budget, else two of them stream it
        long alloc = allocCap > 0 ? Math.min(allocCap, dev.maxAlloc()) : dev.maxAlloc();
        long perBuffer = Math.max(1, Math.min(alloc / rowX, rowW > 0 ? alloc / rowW : Long.MAX_VALUE));
        if (n * (rowX + rowW) <= budget) {
            resident = true;
            chunkRows = n <= perBuffer ? Math.max(1, n) : alignTo(perBuffer, sr);
        } else {
            long rows = Math.min(perBuffer, budget / (2 * (rowX + rowW)));
            rows = Math.min(rows, MAX_CHUNK_BYTES / (rowX + rowW));
            rows = Math.max(4, rows / 4 * 4);
            resident = false;
            chunkRows = Math.min(alignTo(rows, sr), n);
        }
        this.scratchRows = Math.min(sr, chunkRows);
        long c = (n + chunkRows - 1) / chunkRows;
        this.launchesPerChunk = (int) ((chunkRows + scratchRows - 1) / scratchRows);
        if (c * launchesPerChunk > Integer.MAX_VALUE / Math.max(1, slotsPerLaunch())) {
            throw new OpenClException("too many chunks (" + c + ") for a device-memory cap of " + cap + " bytes", 0);
        }
        this.chunks = (int) Math.max(1, c);
    }

    static KernelPlan of(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                         boolean weighted, long cap) {
        return of(dev, precision, n, d, k, type, weighted, cap, PlanOverride.none());
    }

    static KernelPlan of(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                         boolean weighted, long cap, PlanOverride o) {
        return of(dev, precision, n, d, k, type, weighted, cap, 0, o);
    }

    /**
     * @param cap device memory for data in bytes, 0 = a fraction of the device's global memory
     * @param allocCap largest data buffer in bytes, 0 = the device's CL_DEVICE_MAX_MEM_ALLOC_SIZE (a smaller value
     *     forces resident data into several buffers: tests)
     */
    static KernelPlan of(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                         boolean weighted, long cap, long allocCap, PlanOverride o) {
        return of(dev, precision, n, d, k, type, weighted, cap, allocCap, o,
                o.isNone() ? "defaults (" + DeviceClass.of(dev).name().toLowerCase(Locale.ROOT) + ")" : "override");
    }

    /**
     * @param source where the override's values came from, for {@link #toString()} and tests
     * @return the plan of this device and problem with these overrides
     */
    static KernelPlan of(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                         boolean weighted, long cap, PlanOverride o, String source) {
        return of(dev, precision, n, d, k, type, weighted, cap, 0, o, source);
    }

    /**
     * @param cap device memory for data in bytes, 0 = a fraction of the device's global memory
     * @param allocCap largest data buffer in bytes, 0 = the device's own limit
     * @param source where the override's values came from, for {@link #toString()} and tests
     * @return the plan of this device and problem with these overrides
     */
    static KernelPlan of(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                         boolean weighted, long cap, long allocCap, PlanOverride o, String source) {
        return new KernelPlan(dev, precision, n, d, k, type, weighted, cap, allocCap, o, source);
    }

    /**
     * Rows per data buffer rounded down to whole launches of {@code launchRows} when there is room for one, so the
     * launches over several buffers cover the same rows as over one, and the sums agree bit for bit.
     */
    private static long alignTo(long rows, long launchRows) {
        return rows >= launchRows ? rows / launchRows * launchRows : rows;
    }

    /**
     * @param fits the largest tile local memory holds for this kernel
     * @return an explicit tile as given; a tuned one no larger than what fits this shape; else what fits
     */
    private static int tileOf(PlanOverride o, int fits) {
        if (o.tileRows() <= 0) {
            return fits;
        }
        return o.tuned() ? Math.min(o.tileRows(), fits) : o.tileRows();
    }

    /** @return accumulator tasks (register tiles) for a launch of {@code comps} components */
    private int tasks(int comps) {
        if (type.needsOuterProducts()) {
            int nb = dp / 4;
            return comps * (nb * (nb + 1) / 2);
        }
        return (comps + 1) / 2 * (dp / 4);
    }

    /** Rows per tile: at most the work-group size (one row per item when normalising), as local memory allows. */
    private int fitTile(long local, int w, int rowsOfX, int cols2, boolean estep) {
        long best = 0;
        for (long t = 4; t <= Math.max(4, w); t += 4) {
            long bytes = estep ? ((long) rowsOfX * (t + 4) + Math.max(t * cols2, 2L * w)) * realSize
                    : (long) (rowsOfX + cols2) * (t + 4) * realSize;
            if (bytes <= local) {
                best = t;
            }
        }
        return (int) best;
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    private static int floorPow2(long v) {
        return (int) Long.highestOneBit(Math.max(1, v));
    }

    /** @return output slots of one launch: the log-likelihood and weight sums, then each component tile's entries */
    int slotsPerLaunch() {
        return 2 + compTiles * entries;
    }

    /** @return work-groups of estep (tiles of {@link #tile}) or accum ({@link #accTile}) for {@code rows} rows */
    int groups(long rows, int tileRows) {
        int tpg = tilesPerGroup(rows, tileRows);
        int tiles = (int) Math.max(1, (rows + tileRows - 1) / tileRows);
        return (tiles + tpg - 1) / tpg;
    }

    /** @return row tiles per work-group for {@code rows} rows */
    int tilesPerGroup(long rows, int tileRows) {
        int tiles = (int) Math.max(1, (rows + tileRows - 1) / tileRows);
        int g = Math.min(tiles, maxGroups);
        return (tiles + g - 1) / g;
    }

    /** @return the defines shared by every kernel */
    private String common(boolean fp64, int w, int t) {
        String cov = type == CovarianceType.SPHERICAL ? "COV_SPHERICAL" : type == CovarianceType.DIAG ? "COV_DIAG"
                : type == CovarianceType.FULL ? "COV_FULL" : "COV_TIED";
        return String.format(Locale.ROOT, "-D PRECISION=%d -D HAVE_FP64=%d -D NDIM=%d -D NCOMP=%d -D COV=%s"
                        + " -D WGS=%d -D TILE=%d -D HAS_WEIGHTS=%d -D PARAM_CONSTANT=%d",
                realSize * 8, fp64 ? 1 : 0, d, k, cov, w, t, weighted ? 1 : 0,
                constantParams ? 1 : 0);
    }

    /** @return build options of kernels/estep.cl */
    String estepOptions(boolean fp64) {
        return common(fp64, wgs, tile) + String.format(Locale.ROOT,
                " -D COLS=%d -D OFF_REF=%d -D OFF_A=%d -D OFF_B=%d -D OFF_C=%d -D OFF_U=%d -D OFF_LC=%d -D OFF_MU=%d",
                cols, offRef, offA, offB, offC, offU, offLc, offMu);
    }

    /** @return build options of kernels/accum.cl */
    String accumOptions(boolean fp64) {
        return common(fp64, accWgs, accTile) + String.format(Locale.ROOT,
                " -D KT=%d -D NTASK=%d -D APT=%d -D NPH=%d -D OFF_REF=%d -D OFF_MU=%d -D ROW_LOOP=%d", kt, ntask, apt,
                nph, offRef, offMu, rowLoop ? 1 : 0);
    }

    /** @return build options of kernels/fused.cl (the E step's defines and the accumulation's task mapping) */
    String fusedOptions(boolean fp64) {
        return common(fp64, wgs, tile) + String.format(Locale.ROOT,
                " -D NTASK=%d -D APT=%d -D NPH=%d -D OFF_REF=%d -D OFF_A=%d -D OFF_B=%d -D OFF_C=%d -D OFF_MU=%d"
                        + " -D ROW_LOOP=%d", ntask, apt, nph, offRef, offA, offB, offC, offMu, rowLoop ? 1 : 0);
    }

    /** @return build options of kernels/reduce.cl */
    String reduceOptions(boolean fp64) {
        return String.format(Locale.ROOT, "-D PRECISION=%d -D HAVE_FP64=%d -D RWG=%d", realSize * 8, fp64 ? 1 : 0,
                RWG);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "estep wgs=%d tile=%d | accum wgs=%d tile=%d kt=%d compTiles=%d tasks=%d"
                        + " apt=%d phases=%d entries=%d%s | scratch=%d rows maxGroups=%d params=%s %s | from %s",
                wgs, tile, accWgs, accTile, kt, compTiles, ntask, apt, nph, entries,
                (rowLoop ? " rowloop" : "") + (fused ? " fused" : ""), scratchRows, maxGroups,
                constantParams ? "constant" : "global",
                resident ? (chunks == 1 ? "resident" : "resident in " + chunks + " buffers of " + chunkRows + " rows")
                        : "chunks=" + chunks + "x" + chunkRows + " rows", source);
    }
}
