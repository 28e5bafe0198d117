// zlib (Debian: zlib1g-dev), used to read the gzip-compressed data sets.
#ifndef HXSIM_CZLIB_SHIM_H
#define HXSIM_CZLIB_SHIM_H
#include <zlib.h>
#endif
