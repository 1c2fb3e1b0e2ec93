/*
 * reduce.cl - sums the per-work-group partial rows of estep or accum: entry e of the output is the sum over
 * r = 0 .. rows-1 of partials[r * width + e], in a fixed order (strided sequential runs of RWG items, then a local
 * tree), in acc_t (double whenever the device has it). One work-group of RWG items per entry; writes
 * out[outOffset + e]. Tuning parameter: RWG (a power of two, default 64).
 */
#ifndef RWG
#define RWG 64
#endif

__kernel __attribute__((reqd_work_group_size(RWG, 1, 1)))
void reduce(__global const acc_t* restrict partials,
            const int rows,
            const int width,
            __global acc_t* restrict out,
            const int outOffset)
{
    __local acc_t tmp[RWG];
    const int e = get_group_id(0);
    const int lid = get_local_id(0);
    acc_t s = 0;
    for (int r = lid; r < rows; r += RWG) {
        s += partials[(long) r * width + e];
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
