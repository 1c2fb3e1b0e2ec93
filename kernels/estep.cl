/*
 * estep.cl - the fused E step of EM for a Gaussian mixture, and the reduction of its per-work-group partial sums.
 *
 * Kernel estep: each work-group takes a contiguous range of TILE-row tiles of the data. Per tile it
 *   1. loads the rows into local memory (coalesced, stored transposed: xs[feature][row]);
 *   2. per row (one work-item each): log phi_j N(x | mu_j, Sigma_j) = lconst_j - 1/2 |(x - mu_j)^T U_j|^2 for all K
 *      components, their log-sum-exp (online, one exp per component), the responsibilities of the components
 *      [j0, j0 + KT) times the sample weight, the weighted log-likelihood and the weight (local memory rs);
 *   3. per accumulator slot (each work-item owns APT slots, strided by WGS) sums the tile's contributions in a
 *      private bounded run of TILE rows, then adds that run into a Kahan-compensated private total. Full/tied: a
 *      slot is one entry, r * (x_a - mu_a) * (x_b - mu_b) (unused factors = 1). Diag/spherical: a slot is one
 *      (component, feature) pair and sums r dx and r dx^2 together (S1 and S2), or r alone (S0), so each local
 *      value is loaded once for two entries.
 *   At the end the work-group writes its ENTRIES totals to partials[group * ENTRIES + entry]. Nothing is shared
 *   across work-groups and nothing uses atomics, so the result is the same bit for bit on every run.
 * Kernel reduce: one work-group of RWG items per entry sums the partials of all groups in a fixed order (strided
 *   sequential runs, then a local tree) in acc_t and writes out[outOffset + entry].
 *
 * Accumulator entries of one component tile, for the local component jj (j = j0 + jj) with PER = 1 + D + S2N:
 *   jj*PER           S0_j = sum w r_j
 *   jj*PER + 1 + a   S1_ja = sum w r_j (x_a - mu_ja)
 *   jj*PER + 1+D + p S2 pair p: diag/spherical (a, a); full/tied the p-th pair a <= b of the upper triangle, row-major
 *   KT*PER, KT*PER+1 sum w log p(x) and sum w (the same in every component tile)
 * Statistics are about the shift mu (the current means, as the device holds them).
 *
 * Inputs: x (n rows of NDIM, row-major), w (n weights, read only when HAS_WEIGHTS), params = [mu (K*D) | prec |
 *   lconst (K)] with prec the precision Cholesky factors: spherical K, diag K*D, full K*D*D, tied D*D, upper
 *   triangular U with Sigma^-1 = U U^T; lconst_j = log phi_j + log det U_j - D/2 log 2 pi.
 * Tuning parameters and shape (all -D defines; the host computes them):
 *   NDIM (D), NCOMP (K), KT (components per tile: tile over components when the accumulators do not fit),
 *   COV (0 spherical, 1 diag, 2 full, 3 tied), WGS (work-group size), TILE (rows per tile, multiple of 4),
 *   APT (accumulator slots per work-item, ceil(SLOTS / WGS)), HAS_WEIGHTS (0/1), RWG (reduce work-group size,
 *   a power of two), PREC_OFF and LCONST_OFF (offsets of prec and lconst in params).
 */

#if COV >= 2
#define S2N (NDIM * (NDIM + 1) / 2)
#else
#define S2N NDIM
#endif
#define PER (1 + NDIM + S2N)
#define ENTRIES (KT * PER + 2)
#define TS (TILE + 4)            /* row stride of the local tiles: padded against bank conflicts */
#if COV >= 2
#define SLOTS ENTRIES            /* full/tied: one slot per entry */
#else
#define SLOTS (KT * (NDIM + 1) + 2) /* diag/spherical: a slot per (component, feature) sums S1 and S2 together */
#endif

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void estep(__global const real* restrict x,
           __global const real* restrict wts,
           const long n,
           const int tilesPerGroup,
           const int j0,
           __global const real* restrict params,
           __global real* restrict partials)
{
    __local real xs[NDIM * TS];
    __local real rs[(KT + 2) * TS];
    const int lid = get_local_id(0);
    const int grp = get_group_id(0);
    __global const real* restrict mu = params;
    __global const real* restrict prec = params + PREC_OFF;
    __global const real* restrict lconst = params + LCONST_OFF;

#if COV >= 2
    /* The entries this work-item owns: v = rs[jr] * (fa (x[ia] - ma) + ga) * (fb (x[ib] - mb) + gb). */
    int jr[APT], ia[APT], ib[APT];
    real fa[APT], ga[APT], fb[APT], gb[APT], ma[APT], mb[APT], acc[APT], cmp[APT];
    for (int m = 0; m < APT; m++) {
        const int e = lid + m * WGS;
        jr[m] = 0; ia[m] = 0; ib[m] = 0;
        fa[m] = 0; ga[m] = 0; fb[m] = 0; gb[m] = 0; ma[m] = 0; mb[m] = 0;
        acc[m] = 0; cmp[m] = 0;
        if (e < KT * PER) {
            const int jj = e / PER;
            const int rem = e - jj * PER;
            const int j = j0 + jj;
            jr[m] = jj;
            ga[m] = 1; gb[m] = 1;
            if (j < NCOMP && rem > 0) {
                int a, b;
                if (rem <= NDIM) {
                    a = rem - 1; b = -1;
                } else {
                    int p = rem - 1 - NDIM;
                    a = 0;
                    while (p >= NDIM - a) { p -= NDIM - a; a++; }
                    b = a + p;
                }
                ia[m] = a; fa[m] = 1; ga[m] = 0; ma[m] = mu[j * NDIM + a];
                if (b >= 0) {
                    ib[m] = b; fb[m] = 1; gb[m] = 0; mb[m] = mu[j * NDIM + b];
                }
            }
        } else if (e < ENTRIES) {
            jr[m] = KT + (e - KT * PER);
            ga[m] = 1; gb[m] = 1;
        }
    }
#else
    /* The slots this work-item owns: with dx = fa (x[ia] - ma) + ga, it sums rs[jr] dx (S1, or S0 / log-likelihood
       / weight when fa = 0, ga = 1) and rs[jr] dx dx (S2). */
    int jr[APT], ia[APT];
    real fa[APT], ga[APT], ma[APT], acc[APT], cmp[APT], acc2[APT], cmp2[APT];
    for (int m = 0; m < APT; m++) {
        const int e = lid + m * WGS;
        jr[m] = 0; ia[m] = 0; fa[m] = 0; ga[m] = 0; ma[m] = 0;
        acc[m] = 0; cmp[m] = 0; acc2[m] = 0; cmp2[m] = 0;
        if (e < KT * (NDIM + 1)) {
            const int jj = e / (NDIM + 1);
            const int rem = e - jj * (NDIM + 1);
            const int j = j0 + jj;
            jr[m] = jj;
            ga[m] = 1;
            if (j < NCOMP && rem > 0) {
                ia[m] = rem - 1; fa[m] = 1; ga[m] = 0; ma[m] = mu[j * NDIM + rem - 1];
            }
        } else if (e < SLOTS) {
            jr[m] = KT + (e - KT * (NDIM + 1));
            ga[m] = 1;
        }
    }
#endif

    const long rowBase = (long) grp * tilesPerGroup * TILE;
    for (int t = 0; t < tilesPerGroup; t++) {
        const long r0 = rowBase + (long) t * TILE;
        if (r0 >= n) {
            break;                      /* uniform over the work-group */
        }
        const int rows = (int) min((long) TILE, n - r0);
        __global const real* restrict xt = x + r0 * NDIM;

        barrier(CLK_LOCAL_MEM_FENCE);   /* the previous tile's accumulation is done with xs and rs */
        for (int q = lid; q < TILE * NDIM; q += WGS) {
            const int s = q / NDIM;
            const int a = q - s * NDIM;
            xs[a * TS + s] = q < rows * NDIM ? xt[q] : (real) 0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int s = lid; s < TILE; s += WGS) {
            if (s < rows) {
#if HAS_WEIGHTS
                const real w = wts[r0 + s];
#else
                const real w = 1;
#endif
                real xr[NDIM];
                for (int a = 0; a < NDIM; a++) {
                    xr[a] = xs[a * TS + s];
                }
                real mx = -INFINITY;
                real sum = 0;
                for (int j = 0; j < NCOMP; j++) {
                    __global const real* restrict mj = mu + j * NDIM;
                    real q = 0;
#if COV == 0
                    for (int a = 0; a < NDIM; a++) {
                        const real d = xr[a] - mj[a];
                        q += d * d;
                    }
                    q *= prec[j] * prec[j];
#elif COV == 1
                    __global const real* restrict pj = prec + j * NDIM;
                    for (int a = 0; a < NDIM; a++) {
                        const real d = (xr[a] - mj[a]) * pj[a];
                        q += d * d;
                    }
#else
#if COV == 2
                    __global const real* restrict u = prec + j * NDIM * NDIM;
#else
                    __global const real* restrict u = prec;
#endif
                    real dx[NDIM];
                    for (int a = 0; a < NDIM; a++) {
                        dx[a] = xr[a] - mj[a];
                    }
                    for (int c = 0; c < NDIM; c++) {
                        real y = 0;
                        for (int r = 0; r <= c; r++) {
                            y += dx[r] * u[r * NDIM + c];
                        }
                        q += y * y;
                    }
#endif
                    const real lp = lconst[j] - (real) 0.5 * q;
                    if (j >= j0 && j < j0 + KT) {
                        rs[(j - j0) * TS + s] = lp;
                    }
                    if (lp > mx) {
                        sum = sum * exp(mx - lp) + 1;
                        mx = lp;
                    } else {
                        sum += exp(lp - mx);
                    }
                }
                const real lse = mx + log(sum);
                for (int jj = 0; jj < KT; jj++) {
                    rs[jj * TS + s] = j0 + jj < NCOMP ? w * exp(rs[jj * TS + s] - lse) : (real) 0;
                }
                rs[KT * TS + s] = w * lse;
                rs[(KT + 1) * TS + s] = w;
            } else {
                for (int jj = 0; jj < KT + 2; jj++) {
                    rs[jj * TS + s] = 0;
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);

#if COV >= 2
        real4 run[APT];
        for (int m = 0; m < APT; m++) {
            run[m] = (real4) 0;
        }
        for (int s = 0; s < TILE; s += 4) {
            for (int m = 0; m < APT; m++) {
                const real4 r = vload4(0, rs + jr[m] * TS + s);
                const real4 va = fa[m] * (vload4(0, xs + ia[m] * TS + s) - ma[m]) + ga[m];
                const real4 vb = fb[m] * (vload4(0, xs + ib[m] * TS + s) - mb[m]) + gb[m];
                run[m] += r * va * vb;
            }
        }
        for (int m = 0; m < APT; m++) {
            const real y = ((run[m].x + run[m].y) + (run[m].z + run[m].w)) - cmp[m];
            const real z = acc[m] + y;
            cmp[m] = (z - acc[m]) - y;
            acc[m] = z;
        }
#else
        real4 run[APT], run2[APT];
        for (int m = 0; m < APT; m++) {
            run[m] = (real4) 0;
            run2[m] = (real4) 0;
        }
        for (int s = 0; s < TILE; s += 4) {
            for (int m = 0; m < APT; m++) {
                const real4 dx = fa[m] * (vload4(0, xs + ia[m] * TS + s) - ma[m]) + ga[m];
                const real4 rd = vload4(0, rs + jr[m] * TS + s) * dx;
                run[m] += rd;
                run2[m] += rd * dx;
            }
        }
        for (int m = 0; m < APT; m++) {
            real y = ((run[m].x + run[m].y) + (run[m].z + run[m].w)) - cmp[m];
            real z = acc[m] + y;
            cmp[m] = (z - acc[m]) - y;
            acc[m] = z;
            y = ((run2[m].x + run2[m].y) + (run2[m].z + run2[m].w)) - cmp2[m];
            z = acc2[m] + y;
            cmp2[m] = (z - acc2[m]) - y;
            acc2[m] = z;
        }
#endif
    }

    __global real* restrict out = partials + (long) grp * ENTRIES;
    for (int m = 0; m < APT; m++) {
        const int e = lid + m * WGS;
#if COV >= 2
        if (e < ENTRIES) {
            out[e] = acc[m];
        }
#else
        if (e < KT * (NDIM + 1)) {
            const int jj = e / (NDIM + 1);
            const int rem = e - jj * (NDIM + 1);
            if (rem == 0) {
                out[jj * PER] = acc[m];
            } else {
                out[jj * PER + rem] = acc[m];
                out[jj * PER + NDIM + rem] = acc2[m];
            }
        } else if (e < SLOTS) {
            out[KT * PER + (e - KT * (NDIM + 1))] = acc[m];
        }
#endif
    }
}

__kernel __attribute__((reqd_work_group_size(RWG, 1, 1)))
void reduce(__global const real* restrict partials,
            const int groups,
            __global acc_t* restrict out,
            const int outOffset)
{
    __local acc_t tmp[RWG];
    const int e = get_group_id(0);
    const int lid = get_local_id(0);
    acc_t s = 0;
    for (int g = lid; g < groups; g += RWG) {
        s += (acc_t) partials[(long) g * ENTRIES + e];
    }
    tmp[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = RWG / 2; h > 0; h >>= 1) {
        if (lid < h) {
            tmp[lid] += tmp[lid + h];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        out[outOffset + e] = tmp[0];
    }
}
