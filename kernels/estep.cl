/*
 * estep.cl - the E step of EM for a Gaussian mixture: every row's K log-densities, computed once per iteration, its
 * log-sum-exp and its weighted responsibilities (Bishop, PRML 9.2; scikit-learn's parameterisation).
 * The host puts common.cl, tile.cl and density.cl in front of it (ClContext: KernelSource.ESTEP).
 *
 * Kernel estep: each work-group takes tilesPerGroup consecutive tiles of TILE rows of a launch (rows [0, n) of
 * x + xOff * NDIM). Per tile:
 *   1. the rows are loaded into local memory, coalesced, transposed and shifted by the reference point ref
 *      (tile.cl's load_tile);
 *   2. the log-densities L[s][j] of all K components (density.cl's log_densities);
 *   3. one work-item per row: density.cl's normalise_row, then r_j = w e_j / sum written to resp[j * ldr + row]
 *      (a bounded per-launch scratch).
 *   At the end each work-group writes its sums of w log p(x) and of w (items in order) to ll[2 * group + 0/1]
 *   (density.cl's write_totals).
 * Nothing is shared across work-groups and nothing uses atomics: the same bits on every run.
 *
 * Tuning parameters (-D, defaults in common.cl and tile.cl): WGS, TILE, COLS, OFF_REF, OFF_A, OFF_B, OFF_C
 * (diag/spherical), OFF_U, OFF_LC, OFF_MU (full/tied).
 */

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void estep(__global const real* restrict x,
           const long xOff,
           __global const real* restrict wts,
           const int n,
           const int tilesPerGroup,
           PARAM_SPACE real* params,
           __global real* restrict resp,
           const int ldr,
           __global acc_t* restrict ll)
{
    __local real xs[DP * TS];
    __local real ls[LS_SIZE];            /* L[s][j], then e_j; at the end the items' totals */
    const int lid = get_local_id(0);
    const int grp = get_group_id(0);

    zero_padding(xs, lid);
    ll_totals tot = ll_zero();
    const int tiles = group_tiles(grp, tilesPerGroup, n);
    for (int t = 0; t < tiles; t++) {
        const int r0 = (grp * tilesPerGroup + t) * TILE;
        const int rows = min(TILE, n - r0);
        tile_log_densities(xs, ls, x + (xOff + r0) * NDIM, rows, params, lid);
        for (int s = lid; s < rows; s += WGS) {
            __local real* l = ls + s * LSTR;
            const real f = normalise_row(l, wts, xOff + r0 + s, &tot);
            __global real* restrict rr = resp + r0 + s;
#pragma unroll 16
            for (int j = 0; j < NCOMP; j++) {
                rr[j * ldr] = l[j] * f;
            }
        }
    }
    write_totals(ls, &tot, ll, lid, grp);
}
