// OpenBLAS's CBLAS declarations (Debian: libopenblas-dev) and the CPU identification HXSim
// needs to choose an OpenBLAS kernel. Nothing here links against OpenBLAS: HXNumerics loads
// libopenblas with dlopen and calls it through the function pointer types below.
#ifndef HXSIM_COPENBLAS_SHIM_H
#define HXSIM_COPENBLAS_SHIM_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdint.h>
#include <cblas.h>

// The entry points HXSim takes from OpenBLAS, as pointer types for dlsym's results.
typedef void (*hx_sgemm_function)(
    enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint, blasint, blasint,
    float, const float *, blasint, const float *, blasint, float, float *, blasint);
typedef char *(*hx_string_function)(void);
typedef void (*hx_set_threads_function)(int);
typedef int (*hx_get_threads_function)(void);

// CPUID leaf `leaf`, sub-leaf `subleaf` into regs[0...3] (eax, ebx, ecx, edx); returns 0 (and
// zeros) on a CPU without the instruction.
static inline int hx_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *regs) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(subleaf));
    regs[0] = a;
    regs[1] = b;
    regs[2] = c;
    regs[3] = d;
    return 1;
#else
    regs[0] = regs[1] = regs[2] = regs[3] = 0;
    return 0;
#endif
}

// XCR0, the register state the operating system saves (AVX needs bits 1-2, AVX-512 also 5-7).
// Call only when CPUID.1:ECX.OSXSAVE (bit 27) is set.
static inline uint64_t hx_xgetbv0(void) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t a, d;
    __asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
    return ((uint64_t)d << 32) | a;
#else
    return 0;
#endif
}
#endif
