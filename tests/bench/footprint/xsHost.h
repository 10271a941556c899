/*
 * For the footprint figures of tests/bench/footprint.bench.ts only: what
 * modESPNow.c takes from Moddable's xsHost.h on an ESP32, declared as the
 * ESP32 platform declares it, so that the binding compiles for RISC-V with
 * XS's own headers and no SDK. Nothing is linked.
 */

#ifndef BENCH_XSHOST_H
#define BENCH_XSHOST_H

#include <stdint.h>
#include <string.h>
#include "xs.h"

typedef void (*modMessageDeliver)(void *the, void *refcon, uint8_t *message, uint16_t messageLength);
int modMessagePostToMachine(xsMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon);

#define c_memcpy memcpy

#endif
