/*
 * Platform header of the simulator host: the XS engine is compiled with
 * XSPLATFORM="sim_xs.h", as Moddable's lin platform is with lin_xs.h.
 *
 * It also declares the small part of the Moddable host API that native modules
 * use to reach the JavaScript thread from another thread, so that the same
 * module C compiles here and in a Moddable build.
 */

#ifndef __SIM_XS__
#define __SIM_XS__

#undef mxLinux
#define mxLinux 1

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

#define mxUseDefaultBuildKeys 1
/* chunks and slots: simMemory.c, which counts them as the device does */
#define mxUseDefaultChunkAllocation 0
#define mxUseDefaultSlotAllocation 0
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

/* host: the simulator's per-machine state (struct simHostRecord, simHost.h);
   memory: the device's memory count (simMemory.c). */
#define mxMachinePlatform \
	void* host; \
	void* memory; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

/* A module's bytecode stays where it was parsed, as in a device's flash:
   XS's frees skip it (simMemory.c). */
extern void simFree(void* pointer);
#define c_free simFree

/* Moddable's way for another thread to run a function on a machine's thread. */
typedef void (*modMessageDeliver)(void* the, void* refcon, uint8_t* message, uint16_t messageLength);
/* the: an xsMachine* (void* here, so engine and module code both use it). */
extern int modMessagePostToMachine(void* the, uint8_t* message, uint16_t messageLength, modMessageDeliver callback, void* refcon);
extern int modMessagePostToMachineFromISR(void* the, modMessageDeliver callback, void* refcon);

#endif /* __SIM_XS__ */
