/*
 * fused.cl - the E step and the weighted sums of the M step in one kernel, for diag and spherical covariance, when
 * every component fits one accumulation launch (KernelPlan: PlanOverride.withFused, compTiles == 1, one WGS and
 * TILE for both halves). The two-kernel path (estep.cl then accum.cl) writes each row's K responsibilities to a
 * global scratch and reads them and x again; here they stay in local memory. The host puts common.cl, tile.cl,
 * density.cl and sums.cl in front of it (ClContext: KernelSource.FUSED): the same functions as estep.cl and accum.cl.
 *
 * Each work-group takes tilesPerGroup consecutive tiles of TILE rows of a launch. Per tile:
 *   1. the rows are loaded into local memory once (tile.cl's load_tile);
 *   2. the log-densities of all K components into ls[s * LSTR + j] (density.cl's log_densities);
 *   3. one work-item per row: density.cl's normalise_row, r_j = w e_j / sum left in ls (not written to global
 *      memory); the rows past n, and component columns NCOMP..KTP-1, are set to 0 so that the sums below add
 *      nothing for them;
 *   4. sums.cl's register tiles add the same tile, reading x from xs and r from ls (rsC = 1, rsS = LSTR).
 * At the end each work-group writes estep.cl's log-likelihood partials ll[2 group + 0/1] and accum.cl's partials
 * rows (group, phase) x ENTRIES (KT = NCOMP, j0 = 0), in the same layouts, so the host reduces them as before. With the
 * same WGS, TILE, NTASK, APT, NPH the sums are the same bits as the two-kernel path's (the same terms in the same
 * order; the responsibilities are the same reals, only not stored). No atomics; a fixed order.
 *
 * Tuning parameters (-D, defaults in common.cl, tile.cl and sums.cl): WGS, TILE, NTASK, APT, NPH, FLUSH, ROW_LOOP,
 * OFF_REF, OFF_A, OFF_B, OFF_C, OFF_MU. Full and tied covariance are not fused (COV must be COV_DIAG or
 * COV_SPHERICAL); KT is NCOMP (the host passes no KT).
 */
#if OUTER
#error "fused.cl: diag and spherical covariance only"
#endif
#if KT != NCOMP
#error "fused.cl: every component in one launch (KT == NCOMP)"
#endif
/* KTP <= KP + 1 = LSTR, so the padding column a task of two components reads lies inside its row of ls */

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void fused(__global const real* restrict x,
           const long xOff,
           __global const real* restrict wts,
           const int n,
           const int tilesPerGroup,
           PARAM_SPACE real* params,
           __global acc_t* restrict ll,
           __global acc_t* restrict partials)
{
    __local real xs[DP * TS];
    __local real ls[LS_SIZE];            /* L[s][j], then r_j; at the end the items' totals */
    const int lid = get_local_id(0);
    const int grp = get_group_id(0);

    zero_padding(xs, lid);
    ll_totals tot = ll_zero();
    sums_t st;
    sums_init(&st, params, 0, lid);
    const int tiles = group_tiles(grp, tilesPerGroup, n);
    for (int t = 0; t < tiles; t++) {
        const int r0 = (grp * tilesPerGroup + t) * TILE;
        const int rows = min(TILE, n - r0);
        tile_log_densities(xs, ls, x + (xOff + r0) * NDIM, rows, params, lid);
        /* responsibilities, in place: one row per item (estep.cl writes them to resp instead) */
        for (int s = lid; s < TILE; s += WGS) {
            __local real* l = ls + s * LSTR;
            if (s >= rows) {
                for (int j = 0; j < KTP; j++) {
                    l[j] = 0;           /* past the launch's rows: adds nothing */
                }
                continue;
            }
            const real f = normalise_row(l, wts, xOff + r0 + s, &tot);
#pragma unroll 16
            for (int j = 0; j < NCOMP; j++) {
                l[j] = l[j] * f;
            }
            for (int j = NCOMP; j < KTP; j++) {
                l[j] = 0;               /* the second component of the last task when K is odd */
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        sums_add_tile(&st, xs, ls, 1, LSTR);
        if (run_ends(t, tiles)) {
            sums_end_run(&st);
        }
    }
    write_totals(ls, &tot, ll, lid, grp);
    sums_write(&st, partials, 0, lid, grp);
}
