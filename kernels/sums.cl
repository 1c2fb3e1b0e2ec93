/*
 * sums.cl - fragment (no kernel) that the host puts after common.cl and tile.cl in front of accum.cl and fused.cl:
 * the weighted sums of the M step (Bishop, PRML 9.2) in register tiles, for the components [j0, j0 + KT):
 *   S0_j = sum r_j,  S1_ja = sum r_j (x_a - c_ja),  S2_ja = sum r_j (x_a - c_ja)^2 (diag/spherical) or
 *   S2_jab = sum r_j (x_a - c_ja)(x_b - c_jb), a <= b (full/tied: the per-component weighted Gram),
 * about the shift c_j = ref + mu'_j (the current means as the device holds them; the host moves the sums to the
 * exact means), so that float keeps the digits of the variance however far the data sit from 0.
 *
 * Every work-item owns register tiles (sums_t) for a whole launch and adds each row tile into them:
 *   diag/spherical: a task is (2 components, 4 features): S1 and S2 of those 8 pairs (and S0 of the two components
 *     in the tasks of the first feature block), four rows at a time in the vector lanes: per row and pair one
 *     subtraction, one multiply, one add, one fma; the Rt [1, X, X o X] product with the per-component shift;
 *   full/tied: a task is (component, 4x4 block a <= b of the Gram): 16 fma per row, 8 loads per 4 rows; the
 *     diagonal blocks also sum S1, the first block S0.
 * NTASK tasks per launch; with NTASK >= WGS each item owns APT of them (task lid + m WGS); with NTASK < WGS the
 * rows are split into NPH phases (item lid: task lid % NTASK, phase lid / NTASK takes the 4-row groups g with
 * g % NPH == phase), so no item idles when WGS is a multiple of NTASK (the host chooses WGS for that). Runs of FLUSH
 * tiles are added into Kahan-compensated totals. An item writes partials[(group * NPH + phase) * ENTRIES + entry];
 * the reduce kernel sums those rows in a fixed order. No atomics: the same bits on every run.
 *   sums_init      the item's tasks, their shifts, zero totals
 *   sums_add_tile  one row tile: x' from tile.cl's xs, r_j from local memory at r[j * rsC + s * rsS] (accum.cl: its
 *                  transposed copy, rsC = TS, rsS = 1; fused.cl: the E step's ls, rsC = 1, rsS = LSTR)
 *   run_ends, sums_end_run   a run's end, and adding the run into the totals
 *   sums_write     the item's row of the partials
 *
 * Entries of component jj (PER = 1 + D + S2N): jj*PER S0, +1+a S1_a, +1+D+p S2 (diag: p = a; full/tied: the p-th
 * pair a <= b of the upper triangle, row-major).
 * Tuning parameters (-D, defaults here and in tile.cl): KT, NTASK, APT, NPH, FLUSH, OFF_MU, ROW_LOOP (0: four rows in
 * the vector lanes of every run sum, the CPU-shaped layout; 1: one row at a time in scalar run sums, a quarter of the
 * registers: measured on an H200 the lanes layout holds ~140 registers per item at diag and more at full, which caps
 * the groups per SM; bench/results/gpu-model.md). Both add the same terms, in another order.
 */
#if OUTER
#define S2N (NDIM * (NDIM + 1) / 2)
#define NB (DP / 4)
#define NBL (NB * (NB + 1) / 2)
#else
#define S2N NDIM
#endif
#define PER (1 + NDIM + S2N)
#ifndef KT
#define KT NCOMP
#endif
#ifndef FLUSH
#define FLUSH 4                  /* tiles per run before it is added into the compensated totals */
#endif
#define ENTRIES (KT * PER)
#if OUTER
#define NT_DEFAULT (KT * NBL)
#else
#define NT_DEFAULT ((KT + 1) / 2 * (DP / 4))
#endif
#ifndef NTASK
#define NTASK NT_DEFAULT
#endif
#ifndef APT
#define APT ((NTASK + WGS - 1) / WGS)
#endif
#ifndef NPH
#define NPH (NTASK >= WGS ? 1 : WGS / NTASK)
#endif
#define KTP (((KT) + 1) / 2 * 2)  /* KT rounded up to whole tasks of two components (diag/spherical) */
#ifndef ROW_LOOP
#define ROW_LOOP 0
#endif
#if ROW_LOOP
typedef real run_t;                  /* run sums of one row at a time */
typedef wide wrun_t;
#define RUN_ROWS 1
#define RUN_SUM(v) (v)
#define TO_WRUN(v) ((wide) (v))
#define LOAD_RUN(p) (*(p))
#else
typedef real4 run_t;                 /* run sums of four rows, one per lane */
typedef wide4 wrun_t;
#define RUN_ROWS 4
#define RUN_SUM(v) HSUM(v)
#define TO_WRUN(v) TO_WIDE4(v)
#define LOAD_RUN(p) vload4(0, (p))
#endif

/* One work-item's register tiles: its tasks m < APT, their shifts mu (c - ref), the current run's sums and the
   Kahan-compensated totals. */
typedef struct {
    int phase;                       /* the item's row phase (< NPH, or idle) */
    int jj[APT], ab[APT];            /* first component (of the launch) and first feature of task m */
    real mu[APT][8];
#if OUTER
    int bb[APT];                     /* first column of the Gram block */
    wrun_t g[APT][16], s1[APT][4], s0[APT];
    wide gS[APT][16], gC[APT][16], s1S[APT][4], s1C[APT][4], s0S[APT], s0C[APT];
#else
    run_t q1[APT][8], q2[APT][8], s0[APT][2];
    real q1S[APT][8], q1C[APT][8], q2S[APT][8], q2C[APT][8], s0S[APT][2], s0C[APT][2];
#endif
} sums_t;

/* @return the task of item lid's m-th register tile (>= NTASK: none) */
INLINE int task_of(const int lid, const int m)
{
    return NTASK >= WGS ? lid + m * WGS : lid % NTASK;
}

/* Zeroes the current run's sums. */
INLINE void sums_zero_run(sums_t* st)
{
    #pragma unroll
    for (int m = 0; m < APT; m++) {
#if OUTER
        #pragma unroll
        for (int i = 0; i < 16; i++) {
            st->g[m][i] = (wrun_t) 0;
        }
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            st->s1[m][i] = (wrun_t) 0;
        }
        st->s0[m] = (wrun_t) 0;
#else
        #pragma unroll
        for (int i = 0; i < 8; i++) {
            st->q1[m][i] = (run_t) 0;
            st->q2[m][i] = (run_t) 0;
        }
        st->s0[m][0] = (run_t) 0;
        st->s0[m][1] = (run_t) 0;
#endif
    }
}

/* Item lid's tasks of a launch of the components [j0, j0 + KT), their shifts read from params, all sums zero. */
INLINE void sums_init(sums_t* st, PARAM_SPACE real* params, const int j0, const int lid)
{
    st->phase = NTASK >= WGS ? 0 : lid / NTASK;
    #pragma unroll
    for (int m = 0; m < APT; m++) {
        int tk = task_of(lid, m);
        tk = tk < NTASK ? tk : 0;
#if OUTER
        st->jj[m] = tk / NBL;
        int blk = tk - st->jj[m] * NBL;
        int a = 0;
        while (blk >= NB - a) { blk -= NB - a; a++; }
        st->ab[m] = 4 * a;
        st->bb[m] = 4 * (a + blk);
        const int jm = min(j0 + st->jj[m], NCOMP - 1);     /* past the last component: never written out */
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            st->mu[m][i] = params[OFF_MU + jm * DP + st->ab[m] + i];
            st->mu[m][4 + i] = params[OFF_MU + jm * DP + st->bb[m] + i];
        }
        #pragma unroll
        for (int i = 0; i < 16; i++) {
            st->gS[m][i] = 0; st->gC[m][i] = 0;
        }
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            st->s1S[m][i] = 0; st->s1C[m][i] = 0;
        }
        st->s0S[m] = 0; st->s0C[m] = 0;
#else
        st->jj[m] = 2 * (tk / (DP / 4));
        st->ab[m] = 4 * (tk - (st->jj[m] / 2) * (DP / 4));
        #pragma unroll
        for (int c = 0; c < 2; c++) {
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                const int j = min(j0 + st->jj[m] + c, NCOMP - 1);
                st->mu[m][4 * c + i] = params[OFF_MU + j * DP + st->ab[m] + i];
            }
        }
        #pragma unroll
        for (int i = 0; i < 8; i++) {
            st->q1S[m][i] = 0; st->q1C[m][i] = 0; st->q2S[m][i] = 0; st->q2C[m][i] = 0;
        }
        st->s0S[m][0] = 0; st->s0C[m][0] = 0; st->s0S[m][1] = 0; st->s0C[m][1] = 0;
#endif
    }
    sums_zero_run(st);
}

/* The responsibilities of component j (of the launch) at row s, and the next three rows when the run holds four:
   r[j * rsC + s * rsS]. */
INLINE run_t load_resp(__local const real* r, const int rsC, const int rsS, const int j, const int s)
{
    __local const real* p = r + j * rsC + s * rsS;
#if ROW_LOOP
    return *p;
#else
    return rsS == 1 ? vload4(0, p) : (real4) (p[0], p[rsS], p[2 * rsS], p[3 * rsS]);
#endif
}

/* Adds the rows of one tile (x' in xs, tile.cl; TILE rows, those past the launch with r = 0) into the run. */
INLINE void sums_add_tile(sums_t* st, __local const real* xs, __local const real* r, const int rsC,
                          const int rsS)
{
    if (st->phase >= NPH) {
        return;                      /* an idle item (WGS not a multiple of NTASK) */
    }
    for (int s0r = RUN_ROWS * st->phase; s0r < TILE; s0r += RUN_ROWS * NPH) {   /* one row, or four in the lanes */
        #pragma unroll
        for (int m = 0; m < APT; m++) {
#if OUTER
            const wrun_t rv = TO_WRUN(load_resp(r, rsC, rsS, st->jj[m], s0r));
            wrun_t da[4], db[4];
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                da[i] = TO_WRUN(LOAD_RUN(xs + (st->ab[m] + i) * TS + s0r) - st->mu[m][i]);
                db[i] = TO_WRUN(LOAD_RUN(xs + (st->bb[m] + i) * TS + s0r) - st->mu[m][4 + i]);
            }
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                const wrun_t rd = rv * da[i];    /* exact in double from float factors */
                st->s1[m][i] += rd;
                #pragma unroll
                for (int c = 0; c < 4; c++) {
                    st->g[m][4 * i + c] = fma(rd, db[c], st->g[m][4 * i + c]);
                }
            }
            st->s0[m] += rv;
#else
            run_t xv[4];
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                xv[i] = LOAD_RUN(xs + (st->ab[m] + i) * TS + s0r);
            }
            #pragma unroll
            for (int c = 0; c < 2; c++) {
                const run_t rv = load_resp(r, rsC, rsS, st->jj[m] + c, s0r);
                #pragma unroll
                for (int i = 0; i < 4; i++) {
                    const run_t d = xv[i] - st->mu[m][4 * c + i];
                    const run_t rd = rv * d;
                    st->q1[m][4 * c + i] += rd;
                    st->q2[m][4 * c + i] = fma(rd, d, st->q2[m][4 * c + i]);
                }
                st->s0[m][c] += rv;
            }
#endif
        }
    }
}

/* Whether the run ends with tile t of the work-group's `tiles` (tile.cl's group_tiles): after every FLUSH tiles, and
   at the group's last tile; uniform over the work-group. */
INLINE bool run_ends(const int t, const int tiles)
{
    return (t + 1) % FLUSH == 0 || t + 1 == tiles;
}

/* Adds the run into the compensated totals and starts the next. */
INLINE void sums_end_run(sums_t* st)
{
    #pragma unroll
    for (int m = 0; m < APT; m++) {
#if OUTER
        #pragma unroll
        for (int i = 0; i < 16; i++) {
            KAHAN_ADD_T(wide, st->gS[m][i], st->gC[m][i], RUN_SUM(st->g[m][i]));
        }
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            KAHAN_ADD_T(wide, st->s1S[m][i], st->s1C[m][i], RUN_SUM(st->s1[m][i]));
        }
        KAHAN_ADD_T(wide, st->s0S[m], st->s0C[m], RUN_SUM(st->s0[m]));
#else
        #pragma unroll
        for (int i = 0; i < 8; i++) {
            KAHAN_ADD(st->q1S[m][i], st->q1C[m][i], RUN_SUM(st->q1[m][i]));
            KAHAN_ADD(st->q2S[m][i], st->q2C[m][i], RUN_SUM(st->q2[m][i]));
        }
        KAHAN_ADD(st->s0S[m][0], st->s0C[m][0], RUN_SUM(st->s0[m][0]));
        KAHAN_ADD(st->s0S[m][1], st->s0C[m][1], RUN_SUM(st->s0[m][1]));
#endif
    }
    sums_zero_run(st);
}

/* Writes item lid's totals: its entries of row (grp, phase) of the partials, for the launch of components j0.. */
INLINE void sums_write(const sums_t* st, __global acc_t* partials, const int j0, const int lid, const int grp)
{
    if (st->phase >= NPH) {
        return;
    }
    __global acc_t* restrict out = partials + (grp * NPH + st->phase) * ENTRIES;
    #pragma unroll
    for (int m = 0; m < APT; m++) {
        if (task_of(lid, m) >= NTASK) {
            break;
        }
#if OUTER
        if (j0 + st->jj[m] >= NCOMP) {
            continue;
        }
        __global acc_t* restrict o = out + st->jj[m] * PER;
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            const int a = st->ab[m] + i;
            #pragma unroll
            for (int c = 0; c < 4; c++) {
                const int b = st->bb[m] + c;
                if (a < NDIM && b < NDIM && a <= b) {
                    o[1 + NDIM + a * NDIM - a * (a - 1) / 2 + (b - a)] = st->gS[m][4 * i + c];
                }
            }
            if (st->ab[m] == st->bb[m] && a < NDIM) {
                o[1 + a] = st->s1S[m][i];
            }
        }
        if (st->ab[m] == 0 && st->bb[m] == 0) {
            o[0] = st->s0S[m];
        }
#else
        #pragma unroll
        for (int c = 0; c < 2; c++) {
            if (st->jj[m] + c >= KT || j0 + st->jj[m] + c >= NCOMP) {
                continue;
            }
            __global acc_t* restrict o = out + (st->jj[m] + c) * PER;
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                const int a = st->ab[m] + i;
                if (a < NDIM) {
                    o[1 + a] = st->q1S[m][4 * c + i];
                    o[1 + NDIM + a] = st->q2S[m][4 * c + i];
                }
            }
            if (st->ab[m] == 0) {
                o[0] = st->s0S[m][c];
            }
        }
#endif
    }
}
