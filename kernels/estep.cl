/*
 * estep.cl - the E step of EM for a Gaussian mixture: every row's K log-densities, computed once per iteration, its
 * log-sum-exp and its weighted responsibilities (Bishop, PRML 9.2; scikit-learn's parameterisation).
 *
 * Kernel estep: each work-group takes tilesPerGroup consecutive tiles of TILE rows of a launch (rows [0, n) of
 * x + xOff * NDIM). Per tile:
 *   1. the rows are loaded into local memory, coalesced, transposed and shifted by the reference point ref
 *      (xs[a][s] = x[s][a] - ref[a]; rows past n and features past NDIM are 0);
 *   2. the log-densities L[s][j] = log phi_j N(x_s | mu_j, Sigma_j) of all K components, as register-tiled
 *      products (4 rows x 4 components, or 4 rows x COLS columns), parameters read from PARAM_SPACE:
 *        diag/spherical: L = C_j + sum_a A_ja (x'_a - B_ja)^2 with A = -p/2 (p the precision), B = mu' = mu - ref,
 *          C = lconst (the form about each component's own mean: the expanded sum p x^2 - 2 p mu x + c would cost
 *          one operation less per pair but loses every digit in float when a component sits far from ref);
 *        full/tied: y = (x' - mu'_j)^T U_j, L = lconst_j - 1/2 |y|^2, U_j upper triangular (Sigma_j^-1 = U_j U_j^T),
 *          each COLS-column block of y over the rows a <= its last column only;
 *   3. one work-item per row: max, e_j = exp(L_j - max), sum, r_j = w e_j / sum written to resp[j * ldr + row]
 *      (a bounded per-launch scratch), and w log p(x) and w summed into the item's totals.
 *   At the end each work-group writes its sums of w log p(x) and of w (items in order) to ll[2 * group + 0/1].
 * The log-likelihood total is kept in acc_t (double where the device has fp64) from the row up: each row's max and
 * log(sum) are widened and added there. When the items' and the work-group's totals were floats (the Kahan
 * compensation dropped as the total was written), a group's total of 178 rows of log p ~ -16 was rounded to
 * ulp(2900) = 2.4e-4, the mean lower bound moved in steps of about 1.4e-6, two iterations of a slowly converging fit
 * gave exactly the same value and |change| < tol stopped it early (issue 14, wine / full: iteration 83 of the double
 * fit's 99). The log-densities stay float; their rounding is noise of about 1e-7 in the lower bound, not a grid.
 * Nothing is shared across work-groups and nothing uses atomics: the same bits on every run.
 *
 * Tuning parameters (-D, defaults in common.cl and here): WGS, TILE, COLS (columns per register tile of the full
 * product, a multiple of 4, default 8), offsets into params: OFF_REF, OFF_A, OFF_B, OFF_C (diag/spherical),
 * OFF_U, OFF_LC, OFF_MU (full/tied).
 */
#ifndef COLS
#define COLS 8
#endif
#define DU (((NDIM) + COLS - 1) / COLS * COLS)   /* columns of U and m, padded with zeros to whole blocks */
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
#define OFF_LC (OFF_U + NCOMP * NDIM * DU)
#endif
#ifndef OFF_MU
#define OFF_MU (OFF_LC + KP)
#endif

/* Row stride of the log-densities in local memory: KP + 1, odd, so that the normalising phase (one row per
   work-item, reading its row's K values in turn) hits 32 different banks; with the stride KP (a multiple of 4, 16 at
   K = 16) a warp's 32 rows fell into 2 banks: a 16-way conflict on each of the 64 accesses per row, about 12 ms of
   an iteration at N = 1e8 on an H200 by the model in bench/results/gpu-model.md. */
#define LSTR (KP + 1)
#define LS_SIZE (TILE * LSTR > 2 * WGS ? TILE * LSTR : 2 * WGS)

/* Loads a tile of rows, shifted by ref, transposed into xs[a * TS + s]; features NDIM..DP-1 stay 0. */
inline void load_tile(__local real* xs, __global const real* restrict xt, const int rows,
                      PARAM_SPACE real* ref, const int lid)
{
    for (int q = lid; q < TILE * NDIM; q += WGS) {
        const int s = q / NDIM;
        const int a = q - s * NDIM;
        xs[a * TS + s] = s < rows ? xt[q] - ref[a] : (real) 0;
    }
}

#if OUTER
/* Log-densities of rows s0..s0+3 for component j: lconst_j - 1/2 |(x' - mu'_j)^T U_j|^2, four rows in the lanes. */
inline real4 logdens_full(__local const real* xs, const int s0, const int j, PARAM_SPACE real* params)
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
    PARAM_SPACE real* ref = params + OFF_REF;

    for (int q = lid; q < (DP - NDIM) * TS; q += WGS) {
        xs[NDIM * TS + q] = 0;
    }
    acc_t llS = 0;
#if !HAVE_FP64
    real llC = 0;
#endif
    real wS = 0, wC = 0;
    const int rowBase = grp * tilesPerGroup * TILE;
    for (int t = 0; t < tilesPerGroup; t++) {
        const int r0 = rowBase + t * TILE;
        if (r0 >= n) {
            break;                      /* uniform over the work-group */
        }
        const int rows = min(TILE, n - r0);
        barrier(CLK_LOCAL_MEM_FENCE);   /* the previous tile is done with xs and ls */
        load_tile(xs, x + (xOff + r0) * NDIM, rows, ref, lid);
        barrier(CLK_LOCAL_MEM_FENCE);

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
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int s = lid; s < rows; s += WGS) {
            __local real* l = ls + s * LSTR;
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
            const real w = wts[xOff + r0 + s];
#else
            const real w = 1;
            (void) wts;
#endif
            const real f = w / sum;
            __global real* restrict rr = resp + r0 + s;
#pragma unroll 16
            for (int j = 0; j < NCOMP; j++) {
                rr[j * ldr] = l[j] * f;
            }
#if HAVE_FP64
            llS += (acc_t) w * ((acc_t) mx + (acc_t) log(sum));   /* a few hundred rows per item: plain double */
#else
            KAHAN_ADD(llS, llC, w * (mx + log(sum)));
#endif
            KAHAN_ADD(wS, wC, w);
        }
    }

    /* the items' totals in item order; ls holds 2 WGS reals: llS as two reals (hi, lo: acc_t to 2^-48 when real is
       float and acc_t double), then wS */
    barrier(CLK_LOCAL_MEM_FENCE);
    const real hi = (real) llS;
    ls[2 * lid] = hi;
    ls[2 * lid + 1] = (real) (llS - (acc_t) hi);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) {
        acc_t s = 0, c = 0;
        for (int i = 0; i < WGS; i++) {
            KAHAN_ADD_T(acc_t, s, c, (acc_t) ls[2 * i] + (acc_t) ls[2 * i + 1]);
        }
        ll[2 * grp] = s;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    ls[lid] = wS;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) {
        real s = 0, c = 0;
        for (int i = 0; i < WGS; i++) {
            KAHAN_ADD(s, c, ls[i]);
        }
        ll[2 * grp + 1] = s;
    }
}
