/*
 * The simulator host's internals, shared by its C files that reach into the
 * engine (simHost.c, simLoop.c, simModules.c, simPreload.c, simInstrument.c,
 * main.c).
 */

#ifndef __SIM_PLATFORM__
#define __SIM_PLATFORM__

#include "xsAll.h"
#include "xsScript.h"
#include "simHost.h"

typedef struct simMessageRecord simMessageRecord, *simMessage;
typedef struct simWatchRecord simWatchRecord, *simWatch;
typedef struct simModuleMapRecord simModuleMapRecord, *simModuleMap;

/* The device the host reproduces (tools/sim/profile.ts chooses it; main.c
   reads it from the command line). */
typedef struct {
	char name[16];           /* esp32c3, esp32, esp8266 */
	int queueLength;         /* machine-message queue records; 0: unbounded */
	int queueDebug;          /* a full queue: 0 blocks the poster for ever, 1 waits 20 ticks then fails */
	txSize staticSize;       /* one block for chunks and slots (device bytes); 0: separate heaps */
	txSize chunkInitial, chunkIncremental;
	txSize heapInitial, heapIncremental;
	txSize stackCount;
	txSize keysInitial, keysIncremental;
	uint32_t seed;           /* Math.random's seed for this node */
	int verbose;             /* print the device figures (queue, memory) at exit */
} simProfileRecord, *simProfile;

typedef struct {
	simModuleMap modules;
	simProfileRecord profile;

	/* event loop: posted messages and the retain count (guarded by mutex),
	   timers and watched files (JavaScript thread only) */
	pthread_mutex_t mutex;
	simMessage firstMessage;
	simMessage lastMessage;
	int retained;

	/* the machine-message queue as the profile's device has it (simLoop.c);
	   under mutex, except delivering (JavaScript thread only) */
	pthread_cond_t queueRoom;      /* a record was taken, or the queue closed */
	uint8_t queueReady;            /* queueRoom is initialised */
	uint8_t queueClosed;           /* the machine is going: posts fail, blocked posters wake */
	uint8_t promiseRecord;         /* fxQueuePromiseJobs' record holds a place */
	int queued;                    /* records waiting, the promise record aside */
	int queuedPeak;
	int blockedPosters;            /* threads waiting for a place now */
	simMessage delivering;         /* the record whose callback runs */
	uint64_t posts, postsBlocked, postsFailed, delivered, deviceMallocs;
	double longestBlock;           /* milliseconds */
	int wakeFD;
	uint8_t sleeping;              /* the JS thread found the queue empty and waits, or is about to: a post or a release writes wakeFD */
	uint8_t woken;                 /* wakeFD was written since; the later posts need not */
	simTimer timers;     /* sorted by due time, FIFO among equals */
	simWatch watches;
	uint8_t promiseJobs;

	/* how the app ends */
	uint8_t exiting;
	int exitCode;
} simHostRecord, *simHostState;

#define simGetHost(the) ((simHostState)(((txMachine*)(the))->host))

/* simLoop.c */
extern void simLoopRun(txMachine* the);
extern void simLoopClear(txMachine* the);
extern void simRunPromiseJobs(txMachine* the);

/* simHost.c */
extern void simReportException(txMachine* the, txSlot* exception, const char* what);
extern void simExit(txMachine* the, int code);
extern void simInstallGlobals(txMachine* the);

/* simMemory.c */
extern void simMemoryStart(txMachine* the);
extern void simMemoryArchive(txMachine* the, txScript* script);
extern void simMemoryExplain(txMachine* the);
extern int simMemoryEnd(txMachine* the);

/* simModules.c */
extern int simModulesLoad(simHostState host, const char* path);
extern void simModulesFree(simHostState host);
extern const char* simModulesPath(simHostState host, const char* name);
extern int simModulesPreloadCount(simHostState host);
extern const char* simModulesPreloadName(simHostState host, int index);
extern const char* simModulesDefine(simHostState host, const char* name);
extern void simModulesLink(txMachine* the, int linking);

/* simPreload.c */
extern void simPreload(txMachine* the);
extern int simIsAsyncModuleError(txMachine* the, txSlot* exception);

#endif /* __SIM_PLATFORM__ */
