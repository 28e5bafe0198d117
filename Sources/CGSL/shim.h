// GSL headers for HXSim.
//
// Two traps, both found on Debian 12:
// 1. GSL's <gsl/gsl_cblas.h> declares the same cblas_* functions as OpenBLAS's <cblas.h> with
//    different enum types, so a translation unit that sees both does not compile. OpenBLAS's
//    header comes first, and GSL's is blocked by defining its include guard.
// 2. libgsl.so itself depends on libgslcblas (GSL's reference BLAS), which serves GSL's own
//    small products (least squares in calibration). HXSim's matrix products do not go through
//    GSL: HXNumerics loads OpenBLAS itself (BLASLibrary.swift) and calls it through function
//    pointers, so no cblas_* symbol is bound at link time. A test checks that the products
//    run in libopenblas.
#ifndef HXSIM_CGSL_SHIM_H
#define HXSIM_CGSL_SHIM_H
#include <cblas.h>
#define __GSL_CBLAS_H__
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_blas.h>

// GSL publishes its generator and stepper types as mutable global pointers, which Swift 6 refuses
// to read from concurrent code. These accessors return them by value instead.
static inline const gsl_rng_type *hx_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *hx_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *hx_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_odeiv2_step_type *hx_odeiv2_rk2(void) { return gsl_odeiv2_step_rk2; }
static inline const gsl_odeiv2_step_type *hx_odeiv2_rk4(void) { return gsl_odeiv2_step_rk4; }
static inline const gsl_odeiv2_step_type *hx_odeiv2_rkf45(void) { return gsl_odeiv2_step_rkf45; }
static inline const gsl_odeiv2_step_type *hx_odeiv2_rkck(void) { return gsl_odeiv2_step_rkck; }
static inline const gsl_odeiv2_step_type *hx_odeiv2_rk8pd(void) { return gsl_odeiv2_step_rk8pd; }
static inline const gsl_odeiv2_step_type *hx_odeiv2_msadams(void) { return gsl_odeiv2_step_msadams; }
#endif
