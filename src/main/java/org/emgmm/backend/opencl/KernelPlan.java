package org.emgmm.backend.opencl;

import java.util.Locale;
import org.emgmm.CovarianceType;
import org.emgmm.Precision;

/**
 * The shapes one pass uses on one device: the kernel defines (work-group size, rows per tile, components per tile,
 * accumulator entries per work-item), the number of work-groups and the chunking of the data. Pure arithmetic on
 * the device limits, deterministic for a given device and problem, so a pass gives the same bits on every run.
 */
final class KernelPlan {
    /** At most this many accumulator entries per work-item (on a GPU) before the components are tiled. */
    static final int MAX_APT = 8;
    /** Reduce work-group size (power of two). */
    static final int RWG = 64;
    /** Largest chunk of a streamed dataset, in bytes of data (host staging buffers are this big, twice). */
    static final long MAX_CHUNK_BYTES = 1L << 28;
    /** Fraction of global memory usable for data when no cap is given. */
    static final double GLOBAL_FRACTION = 0.75;

    final Precision precision;
    final int realSize;
    final int accSize;
    final long n;
    final int d;
    final int k;
    final CovarianceType type;
    final boolean weighted;
    final int wgs;
    final int tile;
    final int kt;
    final int compTiles;
    final int per;
    final int entries;
    final int slots;
    final int apt;
    final int maxGroups;
    final long chunkRows;
    final int chunks;
    final boolean resident;
    final int precLength;

    private KernelPlan(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                       boolean weighted, long cap) {
        this.precision = precision;
        this.realSize = precision == Precision.DOUBLE ? 8 : 4;
        this.accSize = dev.fp64() ? 8 : 4;
        this.n = n;
        this.d = d;
        this.k = k;
        this.type = type;
        this.weighted = weighted;
        // GPUs: 256 work-items (8 warps) per group; CPU devices (PoCL runs a group's items as loops): 128 measured best
        this.wgs = (int) Math.min(Integer.getInteger("emgmm.opencl.wgs", dev.isGpu() ? 256 : 128),
                Math.max(1, floorPow2(dev.maxWorkGroupSize())));
        int s2n = type.needsOuterProducts() ? d * (d + 1) / 2 : d;
        this.per = 1 + d + s2n;
        // components per tile: as many as keep the entries within MAX_APT per work-item, balanced over the tiles
        // GPUs keep the entries in registers (MAX_APT); CPU devices have no register file to spill from: 4x as many
        int maxApt = Integer.getInteger("emgmm.opencl.apt", dev.isGpu() ? MAX_APT : 4 * MAX_APT);
        // accumulator slots per component: full/tied one per entry; diag/spherical one per feature (S1 and S2 of
        // that feature together) plus one for S0
        int perSlot = type.needsOuterProducts() ? per : d + 1;
        int ktMax = Math.max(1, Math.min(k, (maxApt * wgs - 2) / perSlot));
        int tiles = (k + ktMax - 1) / ktMax;
        int ktTry = (k + tiles - 1) / tiles;
        // rows per tile: as many as local memory holds (xs: D rows, rs: KT + 2 rows, each TILE + 4 long)
        long local = (long) (dev.localMemory() * 0.75);
        int tl = 0;
        while (true) {
            tl = fitTile(local, d, ktTry, wgs);
            if (tl >= 4 || ktTry == 1) {
                break;
            }
            ktTry = Math.max(1, ktTry / 2);
        }
        if (tl < 4) {
            throw new OpenClException(String.format(Locale.ROOT,
                    "D = %d is too large for the local memory of %s (%d bytes)", d, dev.describe(),
                    dev.localMemory()), 0);
        }
        this.kt = ktTry;
        this.tile = tl;
        this.compTiles = (k + kt - 1) / kt;
        this.entries = kt * per + 2;
        this.slots = type.needsOuterProducts() ? entries : kt * (d + 1) + 2;
        this.apt = (slots + wgs - 1) / wgs;
        this.maxGroups = Math.max(1, dev.computeUnits() * (dev.isGpu() ? 16 : 4));
        this.precLength = precLength(type, k, d);

        long rowX = (long) d * realSize;
        long rowW = weighted ? realSize : 0;
        long budget = cap > 0 ? cap : (long) (dev.globalMemory() * GLOBAL_FRACTION);
        boolean fits = n * rowX <= dev.maxAlloc() && n * rowW <= dev.maxAlloc() && n * (rowX + rowW) <= budget;
        if (fits) {
            resident = true;
            chunkRows = n;
        } else {
            long rows = Math.min(dev.maxAlloc() / rowX, budget / (2 * (rowX + rowW)));
            rows = Math.min(rows, MAX_CHUNK_BYTES / (rowX + rowW));
            rows = Math.max(tile, rows / tile * tile);
            resident = false;
            chunkRows = Math.min(rows, n);
        }
        long c = (n + chunkRows - 1) / chunkRows;
        if (c > Integer.MAX_VALUE / Math.max(1, compTiles * entries)) {
            throw new OpenClException("too many chunks (" + c + ") for a device-memory cap of " + cap + " bytes", 0);
        }
        this.chunks = (int) c;
    }

    static KernelPlan of(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type,
                         boolean weighted, long cap) {
        return new KernelPlan(dev, precision, n, d, k, type, weighted, cap);
    }

    private int fitTile(long local, int dd, int ktt, int w) {
        long perRow = (long) (dd + ktt + 2) * realSize;
        long t = local / perRow - 4;
        t = Math.min(t, Math.max(w, 4));
        return (int) Math.max(0, t / 4 * 4);
    }

    private static long floorPow2(long v) {
        return Long.highestOneBit(Math.max(1, v));
    }

    static int precLength(CovarianceType type, int k, int d) {
        switch (type) {
            case SPHERICAL: return k;
            case DIAG: return k * d;
            case FULL: return k * d * d;
            default: return d * d;
        }
    }

    /** @return rows of the data tiles in a chunk of {@code rows} rows */
    int rowTiles(long rows) {
        return (int) ((rows + tile - 1) / tile);
    }

    /** @return work-groups for a chunk of {@code rows} rows */
    int groups(long rows) {
        int t = rowTiles(rows);
        int tpg = tilesPerGroup(rows);
        return (t + tpg - 1) / tpg;
    }

    /**
     * @return an upper bound of {@link #groups} over every chunk (a shorter last chunk can have more groups than a
     *     full one, with fewer tiles each)
     */
    int maxGroupsPerLaunch() {
        return Math.min(maxGroups, rowTiles(chunkRows));
    }

    /** @return row tiles per work-group for a chunk of {@code rows} rows */
    int tilesPerGroup(long rows) {
        int t = rowTiles(rows);
        int g = Math.min(t, maxGroups);
        return (t + g - 1) / g;
    }

    /** @return the OpenCL build options: every define the kernels read */
    String options(boolean fp64) {
        int cov;
        switch (type) {
            case SPHERICAL: cov = 0; break;
            case DIAG: cov = 1; break;
            case FULL: cov = 2; break;
            default: cov = 3;
        }
        return String.format(Locale.ROOT, "-D PRECISION=%d -D HAVE_FP64=%d -D NDIM=%d -D NCOMP=%d -D KT=%d -D COV=%d"
                        + " -D WGS=%d -D TILE=%d -D APT=%d -D HAS_WEIGHTS=%d -D RWG=%d -D PREC_OFF=%d"
                        + " -D LCONST_OFF=%d",
                realSize * 8, fp64 ? 1 : 0, d, k, kt, cov, wgs, tile, apt, weighted ? 1 : 0, RWG, k * d,
                k * d + precLength);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "wgs=%d tile=%d kt=%d compTiles=%d entries=%d apt=%d maxGroups=%d %s",
                wgs, tile, kt, compTiles, entries, apt, maxGroups,
                resident ? "resident" : "chunks=" + chunks + "x" + chunkRows + " rows");
    }
}
