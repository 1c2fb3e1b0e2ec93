/*
 * common.cl - prepended by the host to every emgmm kernel source.
 *
 * Computes nothing; chooses the arithmetic types so that one source serves float and double:
 *   real   the per-sample arithmetic and storage type: float when PRECISION == 32, double when PRECISION == 64
 *          (double needs the cl_khr_fp64 extension; the host never asks for it on a device without it)
 *   acc_t  the type of the final cross-group reduction: double whenever the device has cl_khr_fp64, else float
 *   real4  four-wide vectors of real, for loads from local memory
 * Defines read (passed by the host as -D options): PRECISION (32 or 64, default 32), HAVE_FP64 (0 or 1, default 0).
 */
#ifndef PRECISION
#define PRECISION 32
#endif
#ifndef HAVE_FP64
#define HAVE_FP64 0
#endif

#if PRECISION == 64 || HAVE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#if PRECISION == 64
typedef double real;
typedef double4 real4;
#else
typedef float real;
typedef float4 real4;
#endif

#if HAVE_FP64
typedef double acc_t;
#else
typedef float acc_t;
#endif
