/*
 * accum.cl - the weighted sums of the M step for the components [j0, j0 + KT) of one launch, from the
 * responsibilities estep wrote (resp[j * ldr + row], sample weight included). The host puts common.cl, tile.cl and
 * sums.cl in front of it (ClContext: KernelSource.ACCUM); sums.cl says what is summed, in which register tiles and
 * order, and where the partials go.
 *
 * Each work-group takes tilesPerGroup tiles of TILE rows, loads x - ref (tile.cl's load_tile) and the tile's
 * responsibilities (transposed: rl[c * TS + s], components past the launch's KT zero) into local memory, and every
 * work-item adds them into the register tiles it owns for the whole launch (sums.cl), then writes its row of the
 * partials.
 *
 * Tuning parameters (-D, defaults in common.cl, tile.cl and sums.cl): WGS, TILE, KT, NTASK, APT, NPH, FLUSH,
 * OFF_REF, OFF_MU, ROW_LOOP.
 */

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void accum(__global const real* restrict x,
           const long xOff,
           const int n,
           const int tilesPerGroup,
           PARAM_SPACE real* params,
           __global const real* restrict resp,
           const int ldr,
           const int j0,
           __global acc_t* restrict partials)
{
    __local real xs[DP * TS];
    __local real rl[KTP * TS];
    const int lid = get_local_id(0);
    const int grp = get_group_id(0);

    zero_padding(xs, lid);
    for (int q = lid; q < (KTP - KT) * TS; q += WGS) {
        rl[KT * TS + q] = 0;
    }
    sums_t st;
    sums_init(&st, params, j0, lid);
    const int tiles = group_tiles(grp, tilesPerGroup, n);
    for (int t = 0; t < tiles; t++) {
        const int r0 = (grp * tilesPerGroup + t) * TILE;
        const int rows = min(TILE, n - r0);
        barrier(CLK_LOCAL_MEM_FENCE);   /* the previous tile is done with xs and rl */
        load_tile(xs, x + (xOff + r0) * NDIM, rows, params + OFF_REF, lid);
        for (int q = lid; q < KT * TILE; q += WGS) {
            const int c = q / TILE;
            const int s = q - c * TILE;
            rl[c * TS + s] = s < rows && j0 + c < NCOMP ? resp[(j0 + c) * ldr + r0 + s] : (real) 0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        sums_add_tile(&st, xs, rl, TS, 1);
        if (run_ends(t, tiles)) {
            sums_end_run(&st);
        }
    }
    sums_write(&st, partials, j0, lid, grp);
}
