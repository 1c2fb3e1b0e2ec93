/*
 * tile.cl - fragment (no kernel) that the host puts after common.cl in front of estep.cl, accum.cl and fused.cl: the
 * layout of the per-iteration parameter block, and a tile of TILE rows of x loaded into local memory.
 *
 * Parameters (one block, PARAM_SPACE; the host writes it, KernelPlan's offsets): ref (DP) | diag/spherical: A (NDIM x
 * KP, -p/2 with p the precision), B (NDIM x KP, mu - ref), C (KP, lconst) | full/tied: U (NCOMP or 1 upper-triangular
 * NDIM x DU factors, Sigma^-1 = U U^T), lconst (KP) | mu' (KP x DP, mu - ref, zero-padded).
 * The row tile: xs[a * TS + s] = x[s][a] - ref[a], transposed (one feature's TILE rows contiguous), rows past the
 * launch and features NDIM..DP-1 zero, so that every register tile reads whole vectors of four rows. Each
 * work-group takes group_tiles consecutive tiles of a launch.
 *
 * Tuning parameters (-D, defaults here and in common.cl): COLS (columns per register tile of the full product, a
 * multiple of 4, default 8; it pads U), OFF_REF, OFF_A, OFF_B, OFF_C, OFF_U, OFF_LC, OFF_MU.
 */
#ifndef COLS
#define COLS 8
#endif
#define DU (((NDIM) + COLS - 1) / COLS * COLS)   /* columns of U, padded with zeros to whole blocks */
#ifndef OFF_REF
#define OFF_REF 0
#endif
#ifndef OFF_A
#define OFF_A (OFF_REF + DP)
#endif
#ifndef OFF_B
#define OFF_B (OFF_A + NDIM * KP)
#endif
#ifndef OFF_C
#define OFF_C (OFF_B + NDIM * KP)
#endif
#ifndef OFF_U
#define OFF_U (OFF_REF + DP)
#endif
#ifndef OFF_LC
#define OFF_LC (OFF_U + (COV == COV_FULL ? NCOMP : 1) * NDIM * DU)
#endif
#ifndef OFF_MU
#if OUTER
#define OFF_MU (OFF_LC + KP)
#else
#define OFF_MU (OFF_C + KP)
#endif
#endif

/* The number of row tiles work-group grp takes: tilesPerGroup consecutive tiles of TILE rows (tile t starts at row
   (grp * tilesPerGroup + t) * TILE), those that start before row n; uniform over the work-group. */
INLINE int group_tiles(const int grp, const int tilesPerGroup, const int n)
{
    const int rest = n - grp * tilesPerGroup * TILE;
    return rest <= 0 ? 0 : min((rest - 1) / TILE + 1, tilesPerGroup);
}

/* Zeroes the padding features NDIM..DP-1 of a row tile (once per kernel: load_tile never writes them). */
INLINE void zero_padding(__local real* xs, const int lid)
{
    for (int q = lid; q < (DP - NDIM) * TS; q += WGS) {
        xs[NDIM * TS + q] = 0;
    }
}

/* Loads a tile of rows, shifted by ref, transposed into xs[a * TS + s]; rows past `rows` are 0. */
INLINE void load_tile(__local real* xs, __global const real* xt, const int rows, PARAM_SPACE real* ref, const int lid)
{
    for (int q = lid; q < TILE * NDIM; q += WGS) {
        const int s = q / NDIM;
        const int a = q - s * NDIM;
        xs[a * TS + s] = s < rows ? xt[q] - ref[a] : (real) 0;
    }
}

