/*
 * accum.cl - the weighted sums of the M step (Bishop, PRML 9.2) for the components [j0, j0 + KT) of one launch,
 * from the responsibilities estep wrote (resp[j * ldr + row], sample weight included):
 *   S0_j = sum r_j,  S1_ja = sum r_j (x_a - c_ja),  S2_ja = sum r_j (x_a - c_ja)^2 (diag/spherical) or
 *   S2_jab = sum r_j (x_a - c_ja)(x_b - c_jb), a <= b (full/tied: the per-component weighted Gram),
 * about the shift c_j = ref + mu'_j (the current means as the device holds them; the host moves the sums to the
 * exact means), so that float keeps the digits of the variance however far the data sit from 0.
 *
 * Each work-group takes tilesPerGroup tiles of TILE rows, loads x - ref (transposed) and the tile's responsibilities
 * into local memory, and every work-item adds them into the register tiles it owns for the whole launch:
 *   diag/spherical: a task is (2 components, 4 features): S1 and S2 of those 8 pairs (and S0 of the two components
 *     in the tasks of the first feature block), four rows at a time in the vector lanes: per row and pair one
 *     subtraction, one multiply, one add, one fma; the Rt [1, X, X o X] product with the per-component shift;
 *   full/tied: a task is (component, 4x4 block a <= b of the Gram): 16 fma per row, 8 loads per 4 rows; the
 *     diagonal blocks also sum S1, the first block S0.
 * NTASK tasks per launch; with NTASK >= WGS each item owns APT of them (task lid + m WGS); with NTASK < WGS the
 * rows are split into NPH phases (item lid: task lid % NTASK, phase lid / NTASK takes the 4-row groups g with
 * g % NPH == phase), so no item idles when WGS is a multiple of NTASK (the host chooses WGS for that). Runs of FLUSH
 * tiles are added into Kahan-compensated totals. Item writes partials[(group * NPH + phase) * ENTRIES + entry]; the
 * reduce kernel sums those rows in a fixed order. No atomics: the same bits on every run.
 *
 * Entries of component jj (PER = 1 + D + S2N): jj*PER S0, +1+a S1_a, +1+D+p S2 (diag: p = a; full/tied: the p-th
 * pair a <= b of the upper triangle, row-major).
 * Tuning parameters (-D, defaults here): KT, NTASK, APT, NPH, FLUSH, OFF_REF, OFF_MU (mu' = c - ref, KP x DP, zero-padded),
 * ROW_LOOP (0: four rows in the vector lanes of every run sum, the CPU-shaped layout; 1: one row at a time in scalar
 * run sums, a quarter of the registers: measured on an H200 the lanes layout holds ~140 registers per item at diag
 * and more at full, which caps the groups per SM; bench/results/gpu-model.md). Both add the same terms, in another
 * order.
 */
#if OUTER
#define S2N (NDIM * (NDIM + 1) / 2)
#define NB (DP / 4)
#define NBL (NB * (NB + 1) / 2)
#define TASKS_PER_COMP NBL
#else
#define S2N NDIM
#define TASKS_PER_COMP (DP / 4)
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
#define KTP (((KT) + 1) / 2 * 2)
#ifndef OFF_REF
#define OFF_REF 0
#endif
#ifndef OFF_MU
#define OFF_MU (OFF_REF + DP)
#endif
#ifndef ROW_LOOP
#define ROW_LOOP 0
#endif
#if ROW_LOOP
typedef real run_t;                  /* run sums of one row at a time */
typedef wide wrun_t;
#define RUN_SUM(v) (v)
#define TO_WRUN(v) ((wide) (v))
#else
typedef real4 run_t;                 /* run sums of four rows, one per lane */
typedef wide4 wrun_t;
#define RUN_SUM(v) HSUM(v)
#define TO_WRUN(v) TO_WIDE4(v)
#endif

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
    PARAM_SPACE real* ref = params + OFF_REF;
    const int phase = NTASK >= WGS ? 0 : lid / NTASK;
    const bool active = phase < NPH;

    for (int q = lid; q < (DP - NDIM) * TS; q += WGS) {
        xs[NDIM * TS + q] = 0;
    }
    for (int q = lid; q < (KTP - KT) * TS; q += WGS) {
        rl[KT * TS + q] = 0;
    }

#if OUTER
    int jj[APT], ab[APT], bb[APT];
    real mu[APT][8];
    wrun_t g[APT][16], s1[APT][4], s0[APT];
    wide gS[APT][16], gC[APT][16], s1S[APT][4], s1C[APT][4], s0S[APT], s0C[APT];
    #pragma unroll
    for (int m = 0; m < APT; m++) {
        int tk = NTASK >= WGS ? lid + m * WGS : lid % NTASK;
        tk = tk < NTASK ? tk : 0;
        jj[m] = tk / NBL;
        int blk = tk - jj[m] * NBL;
        int a = 0;
        while (blk >= NB - a) { blk -= NB - a; a++; }
        ab[m] = 4 * a;
        bb[m] = 4 * (a + blk);
        const int jm = min(j0 + jj[m], NCOMP - 1);     /* past the last component: never written out */
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            mu[m][i] = params[OFF_MU + jm * DP + ab[m] + i];
            mu[m][4 + i] = params[OFF_MU + jm * DP + bb[m] + i];
        }
        #pragma unroll
        for (int i = 0; i < 16; i++) {
            gS[m][i] = 0; gC[m][i] = 0;
        }
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            s1S[m][i] = 0; s1C[m][i] = 0;
        }
        s0S[m] = 0; s0C[m] = 0;
    }
#else
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
                const int j = min(j0 + jj[m] + c, NCOMP - 1);
                mu[m][4 * c + i] = params[OFF_MU + j * DP + ab[m] + i];
            }
        }
        #pragma unroll
        for (int i = 0; i < 8; i++) {
            q1S[m][i] = 0; q1C[m][i] = 0; q2S[m][i] = 0; q2C[m][i] = 0;
        }
        s0S[m][0] = 0; s0C[m][0] = 0; s0S[m][1] = 0; s0C[m][1] = 0;
    }
#endif

    /* the runs: sums of at most FLUSH tiles, four rows in the lanes, added into the Kahan totals after each run */
#define ZERO_RUNS() \
    _Pragma("unroll") for (int m = 0; m < APT; m++) { \
        ZERO_RUN(m); \
    }
#if OUTER
#define ZERO_RUN(m) do { \
        _Pragma("unroll") for (int i = 0; i < 16; i++) { g[m][i] = (wrun_t) 0; } \
        _Pragma("unroll") for (int i = 0; i < 4; i++) { s1[m][i] = (wrun_t) 0; } \
        s0[m] = (wrun_t) 0; } while (0)
#else
#define ZERO_RUN(m) do { \
        _Pragma("unroll") for (int i = 0; i < 8; i++) { q1[m][i] = (run_t) 0; q2[m][i] = (run_t) 0; } \
        s0[m][0] = (run_t) 0; s0[m][1] = (run_t) 0; } while (0)
#endif
    ZERO_RUNS();
    const int rowBase = grp * tilesPerGroup * TILE;
    for (int t = 0; t < tilesPerGroup; t++) {
        const int r0 = rowBase + t * TILE;
        if (r0 >= n) {
            break;                      /* uniform over the work-group */
        }
        const int rows = min(TILE, n - r0);
        barrier(CLK_LOCAL_MEM_FENCE);
        __global const real* restrict xt = x + (xOff + r0) * NDIM;
        for (int q = lid; q < TILE * NDIM; q += WGS) {
            const int s = q / NDIM;
            const int a = q - s * NDIM;
            xs[a * TS + s] = s < rows ? xt[q] - ref[a] : (real) 0;
        }
        for (int q = lid; q < KT * TILE; q += WGS) {
            const int c = q / TILE;
            const int s = q - c * TILE;
            rl[c * TS + s] = s < rows && j0 + c < NCOMP ? resp[(j0 + c) * ldr + r0 + s] : (real) 0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (!active) {
            continue;
        }
#if ROW_LOOP
        for (int s0r = phase; s0r < TILE; s0r += NPH) {           /* one row */
#define LOAD_RUN(p) (*(p))
#else
        for (int s0r = 4 * phase; s0r < TILE; s0r += 4 * NPH) {   /* four rows, one per lane */
#define LOAD_RUN(p) vload4(0, (p))
#endif
            #pragma unroll
            for (int m = 0; m < APT; m++) {
#if OUTER
                const wrun_t r = TO_WRUN(LOAD_RUN(rl + jj[m] * TS + s0r));
                wrun_t da[4], db[4];
                #pragma unroll
                for (int i = 0; i < 4; i++) {
                    da[i] = TO_WRUN(LOAD_RUN(xs + (ab[m] + i) * TS + s0r) - mu[m][i]);
                    db[i] = TO_WRUN(LOAD_RUN(xs + (bb[m] + i) * TS + s0r) - mu[m][4 + i]);
                }
                #pragma unroll
                for (int i = 0; i < 4; i++) {
                    const wrun_t rd = r * da[i];    /* exact in double from float factors */
                    s1[m][i] += rd;
                    #pragma unroll
                    for (int c = 0; c < 4; c++) {
                        g[m][4 * i + c] = fma(rd, db[c], g[m][4 * i + c]);
                    }
                }
                s0[m] += r;
#else
                run_t xv[4];
                #pragma unroll
                for (int i = 0; i < 4; i++) {
                    xv[i] = LOAD_RUN(xs + (ab[m] + i) * TS + s0r);
                }
                #pragma unroll
                for (int c = 0; c < 2; c++) {
                    const run_t r = LOAD_RUN(rl + (jj[m] + c) * TS + s0r);
                    #pragma unroll
                    for (int i = 0; i < 4; i++) {
                        const run_t d = xv[i] - mu[m][4 * c + i];
                        const run_t rd = r * d;
                        q1[m][4 * c + i] += rd;
                        q2[m][4 * c + i] = fma(rd, d, q2[m][4 * c + i]);
                    }
                    s0[m][c] += r;
                }
#endif
            }
        }
        if ((t + 1) % FLUSH != 0 && t + 1 < tilesPerGroup && r0 + TILE < n) {
            continue;                   /* uniform: the run goes on into the next tile */
        }
        #pragma unroll
        for (int m = 0; m < APT; m++) {
#if OUTER
            #pragma unroll
            for (int i = 0; i < 16; i++) {
                KAHAN_ADD_T(wide, gS[m][i], gC[m][i], RUN_SUM(g[m][i]));
            }
            #pragma unroll
            for (int i = 0; i < 4; i++) {
                KAHAN_ADD_T(wide, s1S[m][i], s1C[m][i], RUN_SUM(s1[m][i]));
            }
            KAHAN_ADD_T(wide, s0S[m], s0C[m], RUN_SUM(s0[m]));
#else
            #pragma unroll
            for (int i = 0; i < 8; i++) {
                KAHAN_ADD(q1S[m][i], q1C[m][i], RUN_SUM(q1[m][i]));
                KAHAN_ADD(q2S[m][i], q2C[m][i], RUN_SUM(q2[m][i]));
            }
            KAHAN_ADD(s0S[m][0], s0C[m][0], RUN_SUM(s0[m][0]));
            KAHAN_ADD(s0S[m][1], s0C[m][1], RUN_SUM(s0[m][1]));
#endif
        }
        ZERO_RUNS();
    }

    /* write this item's totals: row (group, phase) of the partials */
    if (!active) {
        return;
    }
    __global acc_t* restrict out = partials + (grp * NPH + phase) * ENTRIES;
    #pragma unroll
    for (int m = 0; m < APT; m++) {
        if ((NTASK >= WGS ? lid + m * WGS : lid % NTASK) >= NTASK) {
            break;
        }
#if OUTER
        if (j0 + jj[m] >= NCOMP) {
            continue;
        }
        __global acc_t* restrict o = out + jj[m] * PER;
        #pragma unroll
        for (int i = 0; i < 4; i++) {
            const int a = ab[m] + i;
            #pragma unroll
            for (int c = 0; c < 4; c++) {
                const int b = bb[m] + c;
                if (a < NDIM && b < NDIM && a <= b) {
                    o[1 + NDIM + a * NDIM - a * (a - 1) / 2 + (b - a)] = gS[m][4 * i + c];
                }
            }
            if (ab[m] == bb[m] && a < NDIM) {
                o[1 + a] = s1S[m][i];
            }
        }
        if (ab[m] == 0 && bb[m] == 0) {
            o[0] = s0S[m];
        }
#else
        #pragma unroll
        for (int c = 0; c < 2; c++) {
            if (jj[m] + c >= KT || j0 + jj[m] + c >= NCOMP) {
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
#endif
    }
}
