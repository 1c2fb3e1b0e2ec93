/*
 * density.cl - fragment (no kernel) that the host puts after common.cl and tile.cl in front of estep.cl and fused.cl:
 * the E step of one row tile (Bishop, PRML 9.2; scikit-learn's parameterisation), in three pieces.
 *   log_densities: L[s][j] = log phi_j N(x_s | mu_j, Sigma_j) of all K components for the tile's rows, into
 *     ls[s * LSTR + j], as register-tiled products (4 rows x 4 components, or 4 rows x COLS columns), parameters
 *     read from PARAM_SPACE (tile.cl's layout):
 *       diag/spherical: L = C_j + sum_a A_ja (x'_a - B_ja)^2 with A = -p/2 (p the precision), B = mu' = mu - ref,
 *         C = lconst (the form about each component's own mean: the expanded sum p x^2 - 2 p mu x + c would cost
 *         one operation less per pair but loses every digit in float when a component sits far from ref);
 *       full/tied: y = (x' - mu'_j)^T U_j, L = lconst_j - 1/2 |y|^2, U_j upper triangular (Sigma_j^-1 = U_j U_j^T),
 *         each COLS-column block of y over the rows a <= its last column only;
 *   normalise_row: one row's max, e_j = exp(L_j - max) in place, sum; w log p(x) and w added into the item's totals;
 *     returns w / sum, the factor that turns e_j into the weighted responsibility r_j;
 *   write_totals: each work-group's sums of w log p(x) and of w (items in order) to ll[2 * group + 0/1].
 * The log-likelihood total is kept in acc_t (double where the device has fp64) from the row up: each row's max and
 * log(sum) are widened and added there. When the items' and the work-group's totals were floats (the Kahan
 * compensation dropped as the total was written), a group's total of 178 rows of log p ~ -16 was rounded to
 * ulp(2900) = 2.4e-4, the mean lower bound moved in steps of about 1.4e-6, two iterations of a slowly converging fit
 * gave exactly the same value and |change| < tol stopped it early (issue 14, wine / full: iteration 83 of the double
 * fit's 99). The log-densities stay float; their rounding is noise of about 1e-7 in the lower bound, not a grid.
 *
 * Tuning parameters: those of common.cl and tile.cl.
 */

/* Row stride of the log-densities in local memory: KP + 1, odd, so that the normalising phase (one row per
   work-item, reading its row's K values in turn) hits 32 different banks; with the stride KP (a multiple of 4, 16 at
   K = 16) a warp's 32 rows fell into 2 banks: a 16-way conflict on each of the 64 accesses per row, about 12 ms of
   an iteration at N = 1e8 on an H200 by the model in bench/results/gpu-model.md. */
#define LSTR (KP + 1)
#define LS_SIZE (TILE * LSTR > 2 * WGS ? TILE * LSTR : 2 * WGS)   /* ls holds L, then the items' totals */

#if OUTER
/* Log-densities of rows s0..s0+3 for component j: lconst_j - 1/2 |(x' - mu'_j)^T U_j|^2, four rows in the lanes. */
INLINE real4 logdens_full(__local const real* xs, const int s0, const int j, PARAM_SPACE real* params)
{
#if COV == COV_FULL
    PARAM_SPACE real* u = params + OFF_U + j * NDIM * DU;
#else
    PARAM_SPACE real* u = params + OFF_U;
#endif
    PARAM_SPACE real* mu = params + OFF_MU + j * DP;
    real4 q = (real4) 0;
#if NDIM <= 64
#pragma unroll
#endif
    for (int c0 = 0; c0 < DU; c0 += COLS) {
        real4 y0[COLS / 4], y1[COLS / 4], y2[COLS / 4], y3[COLS / 4];   /* row r, columns c0 + 4v .. +3 */
#pragma unroll
        for (int v = 0; v < COLS / 4; v++) {
            y0[v] = (real4) 0; y1[v] = (real4) 0; y2[v] = (real4) 0; y3[v] = (real4) 0;
        }
        const int aEnd = min(c0 + COLS, NDIM);         /* U is upper triangular: rows a <= last column */
#if NDIM <= 64
#pragma unroll
#endif
        for (int a = 0; a < aEnd; a++) {
            const real4 xv = vload4(0, xs + a * TS + s0) - mu[a];   /* x - mu_j of four rows */
#pragma unroll
            for (int v = 0; v < COLS / 4; v++) {
                const real4 uv = vload4(0, u + a * DU + c0 + 4 * v);
                y0[v] = fma((real4) xv.x, uv, y0[v]);
                y1[v] = fma((real4) xv.y, uv, y1[v]);
                y2[v] = fma((real4) xv.z, uv, y2[v]);
                y3[v] = fma((real4) xv.w, uv, y3[v]);
            }
        }
#pragma unroll
        for (int v = 0; v < COLS / 4; v++) {
            q += (real4) (dot(y0[v], y0[v]), dot(y1[v], y1[v]), dot(y2[v], y2[v]), dot(y3[v], y3[v]));
        }
    }
    return params[OFF_LC + j] - (real) 0.5 * q;
}
#endif

/* The log-densities of the tile in xs (tile.cl) into ls[s * LSTR + j], j < NCOMP (diag/spherical: also the columns
   up to KP - 1, from the zero-padded parameters). */
INLINE void log_densities(__local const real* xs, __local real* ls, PARAM_SPACE real* params,
                          const int lid)
{
#if OUTER
    /* tasks (4-row group, component); rows vary fastest, so neighbouring items read the same parameters */
    for (int task = lid; task < TILE / 4 * NCOMP; task += WGS) {
        const int g = task % (TILE / 4);
        const int j = task / (TILE / 4);
        const int s0 = 4 * g;
        const real4 lp = logdens_full(xs, s0, j, params);
        ls[(s0 + 0) * LSTR + j] = lp.x;
        ls[(s0 + 1) * LSTR + j] = lp.y;
        ls[(s0 + 2) * LSTR + j] = lp.z;
        ls[(s0 + 3) * LSTR + j] = lp.w;
    }
#else
    /* tasks (4-row group, 4-component block): 16 log-densities in four vectors; per feature and pair a
       subtraction, a multiply and an fma (about each component's own mean: no cancellation in float) */
    for (int task = lid; task < TILE / 4 * (KP / 4); task += WGS) {
        const int g = task % (TILE / 4);
        const int j0 = 4 * (task / (TILE / 4));
        const int s0 = 4 * g;
        const real4 c = vload4(0, params + OFF_C + j0);
        real4 l0 = c, l1 = c, l2 = c, l3 = c;
#pragma unroll 16
        for (int a = 0; a < NDIM; a++) {
            const real4 av = vload4(0, params + OFF_A + a * KP + j0);
            const real4 bv = vload4(0, params + OFF_B + a * KP + j0);
            const real4 xv = vload4(0, xs + a * TS + s0);
            const real4 d0 = (real4) xv.x - bv, d1 = (real4) xv.y - bv;
            const real4 d2 = (real4) xv.z - bv, d3 = (real4) xv.w - bv;
            l0 = fma(d0 * av, d0, l0);
            l1 = fma(d1 * av, d1, l1);
            l2 = fma(d2 * av, d2, l2);
            l3 = fma(d3 * av, d3, l3);
        }
        vstore4(l0, 0, ls + (s0 + 0) * LSTR + j0);   /* vstore4 needs only float alignment */
        vstore4(l1, 0, ls + (s0 + 1) * LSTR + j0);
        vstore4(l2, 0, ls + (s0 + 2) * LSTR + j0);
        vstore4(l3, 0, ls + (s0 + 3) * LSTR + j0);
    }
#endif
}

/* Loads the next tile (rows of x from xt on, `rows` of them) into xs and its log-densities into ls; barriers before
   (the previous tile is done with xs and ls) and after. */
INLINE void tile_log_densities(__local real* xs, __local real* ls, __global const real* xt, const int rows,
                               PARAM_SPACE real* params, const int lid)
{
    barrier(CLK_LOCAL_MEM_FENCE);
    load_tile(xs, xt, rows, params + OFF_REF, lid);
    barrier(CLK_LOCAL_MEM_FENCE);
    log_densities(xs, ls, params, lid);
    barrier(CLK_LOCAL_MEM_FENCE);
}

/* One work-item's running totals over its rows: sum of w log p(x) (acc_t; Kahan-compensated when that is float)
   and of w (Kahan). */
typedef struct {
    acc_t llS;
    real llC;
    real wS, wC;
} ll_totals;

INLINE ll_totals ll_zero(void)
{
    ll_totals t = {0, 0, 0, 0};
    return t;
}

/* Row `row` (of x, for its weight) with log-densities l[0..NCOMP): l[j] becomes e_j = exp(L_j - max); adds w log p(x)
   and w into tot; returns w / sum_j e_j. */
INLINE real normalise_row(__local real* l, __global const real* wts, const long row, ll_totals* tot)
{
    real mx = l[0];
#pragma unroll 16
    for (int j = 1; j < NCOMP; j++) {
        mx = fmax(mx, l[j]);
    }
    real sum = 0;
#pragma unroll 16
    for (int j = 0; j < NCOMP; j++) {
        const real e = exp(l[j] - mx);
        l[j] = e;
        sum += e;
    }
#if HAS_WEIGHTS
    const real w = wts[row];
#else
    const real w = 1;
    (void) wts;
    (void) row;
#endif
#if HAVE_FP64
    tot->llS += (acc_t) w * ((acc_t) mx + (acc_t) log(sum));   /* a few hundred rows per item: plain double */
#else
    KAHAN_ADD(tot->llS, tot->llC, w * (mx + log(sum)));
#endif
    KAHAN_ADD(tot->wS, tot->wC, w);
    return w / sum;
}

/* The items' totals in item order into ll[2 * grp + 0/1]; ls (LS_SIZE, at least 2 WGS reals) is free to use: llS
   goes through it as two reals (hi, lo: acc_t to 2^-48 when real is float and acc_t double), then wS. */
INLINE void write_totals(__local real* ls, const ll_totals* tot, __global acc_t* ll, const int lid, const int grp)
{
    barrier(CLK_LOCAL_MEM_FENCE);
    const real hi = (real) tot->llS;
    ls[2 * lid] = hi;
    ls[2 * lid + 1] = (real) (tot->llS - (acc_t) hi);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) {
        acc_t s = 0, c = 0;
        for (int i = 0; i < WGS; i++) {
            KAHAN_ADD_T(acc_t, s, c, (acc_t) ls[2 * i] + (acc_t) ls[2 * i + 1]);
        }
        ll[2 * grp] = s;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    ls[lid] = tot->wS;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) {
        real s = 0, c = 0;
        for (int i = 0; i < WGS; i++) {
            KAHAN_ADD(s, c, ls[i]);
        }
        ll[2 * grp + 1] = s;
    }
}
