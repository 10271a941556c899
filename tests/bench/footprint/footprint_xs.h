/*
 * For the footprint figures of tests/bench/footprint.bench.ts only: the
 * platform header (XSPLATFORM) that modESPNowBytes.c, which includes XS's
 * internal xsAll.h, is compiled with for RISC-V: the C library's headers and
 * XS's default allocators, as an ESP32's 32-bit build has them. It decides
 * the size of nothing but the engine's own machine record, which the file
 * does not read. Nothing is linked.
 */

#ifndef BENCH_FOOTPRINT_XS_H
#define BENCH_FOOTPRINT_XS_H

#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define mxExport extern
#define mxImport
#define XS_FUNCTION_NORETURN __attribute__((noreturn))
/* RISC-V: no misaligned access (as Moddable's ESP32-C3 build says) */
#define mxUnalignedAccess 0
#define mxMisalignedSettersCrash 1

#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1
#define mxMachinePlatform void *host;

typedef void *txSocket;
#define mxNoSocket NULL

#endif
