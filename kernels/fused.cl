/*
 * fused.cl - the E step and the weighted sums of the M step in one kernel, for diag and spherical covariance, when
 * every component fits one accumulation launch (KernelPlan: PlanOverride.withFused, compTiles == 1, one WGS and
 * TILE for both halves). The two-kernel path (estep.cl then accum.cl) writes each row's K responsibilities to a
 * global scratch and reads them and x again; here they stay in local memory.
 *
 * Each work-group takes tilesPerGroup consecutive tiles of TILE rows of a launch. Per tile:
 *   1. the rows are loaded into local memory once, transposed and shifted by ref (as estep.cl's load_tile);
 *   2. the log-densities L[s][j] = C_j + sum_a A_ja (x'_a - B_ja)^2 of all K components into ls[s * LSTR + j]
 *      (estep.cl's register tiles: 4 rows x 4 components per task);
 *   3. one work-item per row: max, e_j = exp(L_j - max), sum, r_j = w e_j / sum left in ls (not written to global
 *      memory), w log p(x) and w into the item's totals exactly as estep.cl; the rows past n, and component columns
 *      NCOMP..KTP-1, are set to 0 so that the sums below add nothing for them;
 *   4. accum.cl's register-tile loop over the same tile, reading x from xs and r from ls: a task is (2 components,
 *      4 features), NTASK tasks, APT per item or NPH row phases, runs of FLUSH tiles added into Kahan totals,
 *      ROW_LOOP 0 (four rows in the lanes) or 1 (one row at a time).
 * At the end each work-group writes estep.cl's log-likelihood partials ll[2 group + 0/1] and accum.cl's partials
 * rows (group, phase) x ENTRIES (KT = NCOMP, j0 = 0), in the same layouts, so the host reduces them as before. With the
 * same WGS, TILE, NTASK, APT, NPH the sums are the same bits as the two-kernel path's (the same terms in the same
 * order; the responsibilities are the same reals, only not stored). No atomics; a fixed order.
 *
 * Tuning parameters (-D, defaults in common.cl and here): WGS, TILE, NTASK, APT, NPH, FLUSH, ROW_LOOP, OFF_REF,
 * OFF_A, OFF_B, OFF_C, OFF_MU. Full and tied covariance are not fused (COV must be COV_DIAG or COV_SPHERICAL).
 */
#if OUTER
#error "fused.cl: diag and spherical covariance only"
#endif
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
#ifndef OFF_MU
#define OFF_MU (OFF_C + KP)
#endif
#define KT NCOMP                 /* every component in this launch */
#define PER (1 + NDIM + NDIM)
#define ENTRIES (KT * PER)
#define KTP (((KT) + 1) / 2 * 2)
#ifndef FLUSH
#define FLUSH 4                  /* tiles per run before it is added into the compensated totals */
#endif
#ifndef NTASK
#define NTASK ((KT + 1) / 2 * (DP / 4))
#endif
#ifndef APT
#define APT ((NTASK + WGS - 1) / WGS)
#endif
#ifndef NPH
#define NPH (NTASK >= WGS ? 1 : WGS / NTASK)
#endif
#ifndef ROW_LOOP
#define ROW_LOOP 0
#endif
/* estep.cl's row stride of the log-densities (odd: no bank conflict in the normalising phase); KTP <= KP + 1 <= LSTR,
   so the padding column a task of two components may read lies inside the row */
#define LSTR (KP + 1)
#define LS_SIZE (TILE * LSTR > 2 * WGS ? TILE * LSTR : 2 * WGS)
#if ROW_LOOP
typedef real run_t;
#define RUN_SUM(v) (v)
#define LOAD_X(p) (*(p))
#define LOAD_R(j, s) (ls[(s) * LSTR + (j)])
#else
typedef real4 run_t;
#define RUN_SUM(v) HSUM(v)
#define LOAD_X(p) vload4(0, (p))
#define LOAD_R(j, s) ((real4) (ls[(s) * LSTR + (j)], ls[((s) + 1) * LSTR + (j)], ls[((s) + 2) * LSTR + (j)], \
                                ls[((s) + 3) * LSTR + (j)]))
#endif

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
    PARAM_SPACE real* ref = params + OFF_REF;
    const int phase = NTASK >= WGS ? 0 : lid / NTASK;
    const bool active = phase < NPH;

    for (int q = lid; q < (DP - NDIM) * TS; q += WGS) {
        xs[NDIM * TS + q] = 0;
    }
    acc_t llS = 0;
#if !HAVE_FP64
    real llC = 0;
#endif
    real wS = 0, wC = 0;

    /* accum.cl's register tiles of this item */
    int jj[APT], ab[APT];
    real mu[APT][8];
    run_t q1[APT][8], q2[APT][8], s0[APT][2];
    real q1S[APT][8], q1C[APT][8], q2S[APT][8], q2C[APT][8], s0S[APT][2], s0C[APT][2];
    #pragma unroll
    for (int m = 0; m < APT; m++) {
        int tk = NTASK >= WGS ? lid + m * WGS : lid % NTASK;
        tk = tk < NTASK ? tk : 0;
        jj[m] = 2 * (tk / (DP / 4));
        ab[m] = 4 * (tk - (jj[m] / 2) * (DP / 4));
        #pragma unroll
        for (int c = 0; c < 2; c++) {
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                const int j = min(jj[m] + c, NCOMP - 1);
                mu[m][4 * c + i] = params[OFF_MU + j * DP + ab[m] + i];
            }
        }
        #pragma unroll
        for (int i = 0; i < 8; i++) {
            q1S[m][i] = 0; q1C[m][i] = 0; q2S[m][i] = 0; q2C[m][i] = 0;
        }
        s0S[m][0] = 0; s0C[m][0] = 0; s0S[m][1] = 0; s0C[m][1] = 0;
    }
#define ZERO_RUNS() \
    _Pragma("unroll") for (int m = 0; m < APT; m++) { \
        _Pragma("unroll") for (int i = 0; i < 8; i++) { q1[m][i] = (run_t) 0; q2[m][i] = (run_t) 0; } \
        s0[m][0] = (run_t) 0; s0[m][1] = (run_t) 0; \
    }
    ZERO_RUNS();

    const int rowBase = grp * tilesPerGroup * TILE;
    for (int t = 0; t < tilesPerGroup; t++) {
        const int r0 = rowBase + t * TILE;
        if (r0 >= n) {
            break;                      /* uniform over the work-group */
        }
        const int rows = min(TILE, n - r0);
        barrier(CLK_LOCAL_MEM_FENCE);   /* the previous tile is done with xs and ls */
        __global const real* restrict xt = x + (xOff + r0) * NDIM;
        for (int q = lid; q < TILE * NDIM; q += WGS) {
            const int s = q / NDIM;
            const int a = q - s * NDIM;
            xs[a * TS + s] = s < rows ? xt[q] - ref[a] : (real) 0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        /* log-densities: tasks (4-row group, 4-component block), as estep.cl */
        for (int task = lid; task < TILE / 4 * (KP / 4); task += WGS) {
            const int g = task % (TILE / 4);
            const int j0 = 4 * (task / (TILE / 4));
            const int s0r = 4 * g;
            const real4 c = vload4(0, params + OFF_C + j0);
            real4 l0 = c, l1 = c, l2 = c, l3 = c;
#pragma unroll 16
            for (int a = 0; a < NDIM; a++) {
                const real4 av = vload4(0, params + OFF_A + a * KP + j0);
                const real4 bv = vload4(0, params + OFF_B + a * KP + j0);
                const real4 xv = vload4(0, xs + a * TS + s0r);
                const real4 d0 = (real4) xv.x - bv, d1 = (real4) xv.y - bv;
                const real4 d2 = (real4) xv.z - bv, d3 = (real4) xv.w - bv;
                l0 = fma(d0 * av, d0, l0);
                l1 = fma(d1 * av, d1, l1);
                l2 = fma(d2 * av, d2, l2);
                l3 = fma(d3 * av, d3, l3);
            }
            vstore4(l0, 0, ls + (s0r + 0) * LSTR + j0);
            vstore4(l1, 0, ls + (s0r + 1) * LSTR + j0);
            vstore4(l2, 0, ls + (s0r + 2) * LSTR + j0);
            vstore4(l3, 0, ls + (s0r + 3) * LSTR + j0);
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        /* responsibilities, in place: one row per item, as estep.cl (which writes them to resp instead) */
        for (int s = lid; s < TILE; s += WGS) {
            __local real* l = ls + s * LSTR;
            if (s >= rows) {
                for (int j = 0; j < KTP; j++) {
                    l[j] = 0;           /* past the launch's rows: adds nothing */
                }
                continue;
            }
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
#pragma unroll 16
            for (int j = 0; j < NCOMP; j++) {
                l[j] = l[j] * f;
            }
            for (int j = NCOMP; j < KTP; j++) {
                l[j] = 0;               /* the second component of the last task when K is odd */
            }
#if HAVE_FP64
            llS += (acc_t) w * ((acc_t) mx + (acc_t) log(sum));
#else
            KAHAN_ADD(llS, llC, w * (mx + log(sum)));
#endif
            KAHAN_ADD(wS, wC, w);
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        /* the weighted sums of this tile: accum.cl's loop with rl[c * TS + s] read as ls[s * LSTR + c] */
        if (active) {
#if ROW_LOOP
            for (int s0r = phase; s0r < TILE; s0r += NPH) {
#else
            for (int s0r = 4 * phase; s0r < TILE; s0r += 4 * NPH) {
#endif
                #pragma unroll
                for (int m = 0; m < APT; m++) {
                    run_t xv[4];
                    #pragma unroll
                    for (int i = 0; i < 4; i++) {
                        xv[i] = LOAD_X(xs + (ab[m] + i) * TS + s0r);
                    }
                    #pragma unroll
                    for (int c = 0; c < 2; c++) {
                        const run_t r = LOAD_R(jj[m] + c, s0r);
                        #pragma unroll
                        for (int i = 0; i < 4; i++) {
                            const run_t d = xv[i] - mu[m][4 * c + i];
                            const run_t rd = r * d;
                            q1[m][4 * c + i] += rd;
                            q2[m][4 * c + i] = fma(rd, d, q2[m][4 * c + i]);
                        }
                        s0[m][c] += r;
                    }
                }
            }
        }
        if ((t + 1) % FLUSH != 0 && t + 1 < tilesPerGroup && r0 + TILE < n) {
            continue;                   /* uniform: the run goes on into the next tile */
        }
        #pragma unroll
        for (int m = 0; m < APT; m++) {
            #pragma unroll
            for (int i = 0; i < 8; i++) {
                KAHAN_ADD(q1S[m][i], q1C[m][i], RUN_SUM(q1[m][i]));
                KAHAN_ADD(q2S[m][i], q2C[m][i], RUN_SUM(q2[m][i]));
            }
            KAHAN_ADD(s0S[m][0], s0C[m][0], RUN_SUM(s0[m][0]));
            KAHAN_ADD(s0S[m][1], s0C[m][1], RUN_SUM(s0[m][1]));
        }
        ZERO_RUNS();
    }

    /* estep.cl's totals: the items' sums in item order (llS as two reals, then wS) */
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

    /* accum.cl's partials: row (group, phase) */
    if (!active) {
        return;
    }
    __global acc_t* restrict out = partials + (grp * NPH + phase) * ENTRIES;
    #pragma unroll
    for (int m = 0; m < APT; m++) {
        if ((NTASK >= WGS ? lid + m * WGS : lid % NTASK) >= NTASK) {
            break;
        }
        #pragma unroll
        for (int c = 0; c < 2; c++) {
            if (jj[m] + c >= KT) {
                continue;
            }
            __global acc_t* restrict o = out + (jj[m] + c) * PER;
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                const int a = ab[m] + i;
                if (a < NDIM) {
                    o[1 + a] = q1S[m][4 * c + i];
                    o[1 + NDIM + a] = q2S[m][4 * c + i];
                }
            }
            if (ab[m] == 0) {
                o[0] = s0S[m][c];
            }
        }
    }
}
