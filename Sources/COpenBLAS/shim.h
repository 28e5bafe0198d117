// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). Debian installs it as <cblas.h> through
// the alternatives system; the openblas-pthread variant is the one libopenblas-dev selects.
#ifndef HXSIM_COPENBLAS_SHIM_H
#define HXSIM_COPENBLAS_SHIM_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <cblas.h>

// The path of the shared object that the dynamic linker bound cblas_sgemm to, or NULL. Used to
// check that BLAS calls reach OpenBLAS and not GSL's reference CBLAS (libgslcblas), which libgsl
// pulls in as a dependency of its own.
static inline const char *hx_cblas_sgemm_library(void) {
    Dl_info info;
    if (dladdr((void *)&cblas_sgemm, &info) && info.dli_fname) return info.dli_fname;
    return 0;
}
#endif
