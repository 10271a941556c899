/*
 * xsim: runs an app under XS on Linux.
 *
 *   xsim [PROFILE OPTIONS] MODULES MAIN
 *
 * MODULES is the module map the launcher (tools/sim) writes from the app's
 * manifests; MAIN the name of the module to run, usually "main". The profile
 * options describe the device to reproduce (tools/sim/profile.ts writes them):
 *   --profile NAME  --queue RECORDS  --queue-wait block|debug  --static BYTES
 *   --chunk INITIAL:INCREMENTAL  --heap INITIAL:INCREMENTAL  --stack SLOTS
 *   --keys INITIAL:INCREMENTAL  --seed N
 * and --verbose prints the device figures (queue, memory) at exit.
 * The exit
 * status is 0 when the app ran out of work, 1 when it failed (an uncaught
 * exception, an unhandled rejection, a stack overflow), 2 for a usage error.
 */

#include "simPlatform.h"

static void simImportRejected(txMachine* the)
{
	simReportException(the, mxArgv(0), "Uncaught exception");
	simExit(the, 1);
}

/* main's default export, if a function, is called once main has run, as
   modRunMachineSetup's setStepDone does (xs/platforms/mc/xsHosts.c). */
static void simCallDefault(txMachine* the, xsSlot* exports, xsSlot* scratch)
{
	*scratch = xsGet(*exports, xsID("default"));
	if (xsTest(*scratch) && xsIsInstanceOf(*scratch, xsFunctionPrototype))
		xsCallFunction0(*scratch, xsGlobal);
}

static void simImportFulfilled(txMachine* the)
{
	simCallDefault(the, &xsArg(0), &xsResult);
}

/* With MODDEF_MAIN_ASYNC (the manifest's "defines": {"main": {"async": 1}})
   the device imports main with xsImport, so main may await at its top level;
   otherwise with xsImportNow, which throws TypeError "async module" for a
   module that does. The host frame and its variables are setStepDone's
   (xs/platforms/mc/xsHosts.c), so that main's body starts as deep in the
   stack as on the device. */
static void simImportMain(txMachine* the, const char* name)
{
	const char* async = simModulesDefine(simGetHost(the), "MODDEF_MAIN_ASYNC");
	xsBeginHost(the);
	if (async && (strtol(async, NULL, 0) != 0)) {
		xsVars(2);
		xsResult = xsAwaitImport(name, XS_IMPORT_ASYNC);
		xsVar(0) = xsNewHostFunction(simImportFulfilled, 1);
		xsVar(1) = xsNewHostFunction(simImportRejected, 1);
		xsCall2(xsResult, xsID("then"), xsVar(0), xsVar(1));
	}
	else {
		xsVars(1);
		xsTry {
			xsVar(0) = xsAwaitImport(name, XS_IMPORT_NAMESPACE);
			simCallDefault(the, &xsVar(0), &xsVar(0));
		}
		xsCatch {
			simReportException(the, &mxException, "Uncaught exception");
			if (simIsAsyncModuleError(the, &mxException))
				fprintf(stderr, "(a module of the app awaits at its top level: on a device main is imported with xsImportNow unless the manifest has \"defines\": {\"main\": {\"async\": 1}}, MODDEF_MAIN_ASYNC)\n");
			simExit(the, 1);
		}
	}
	xsEndHost(the);
}

/* A device's machine is cloned from the preparation in flash (modCloneMachine
   in xs/platforms/mc/xsHosts.c, fxPrepareMachine and fxCloneMachine in
   xs/sources/xsAPI.c): its own stack holds only the machine's 13 intrinsics
   (global, exception, program, hosts, job queues...), while the prototypes
   and constant strings stay in the preparation's stack. xsCreateMachine keeps
   them all on the machine's stack, mxStackIndexCount slots: the stack is made
   larger by the difference, so that a program has the profile's room. */
#define simPreparationStackCount (mxStackIndexCount - (mxInstanceInspectorsStackIndex + 1))

/* "N" or "N:M", each 0..limit; returns 0 if malformed. */
static int simReadSizes(const char* text, long limit, txSize* first, txSize* second)
{
	char* end;
	long a = strtol(text, &end, 10), b = 0;
	if ((end == text) || (a < 0) || (a > limit))
		return 0;
	if (second) {
		if (*end != ':')
			return 0;
		text = end + 1;
		b = strtol(text, &end, 10);
		if ((end == text) || (b < 0) || (b > limit))
			return 0;
	}
	if (*end)
		return 0;
	*first = (txSize)a;
	if (second)
		*second = (txSize)b;
	return 1;
}

extern void simParentWatch(void); /* simParent.c */
extern void simYieldToAir(void); /* simYield.c */
extern void simWatchdogStart(txMachine* the); /* simWatchdog.c */

int main(int argc, char* argv[])
{
	xsCreation creation = {
		1024 * 1024,	/* initialChunkSize */
		256 * 1024,		/* incrementalChunkSize */
		64 * 1024,		/* initialHeapCount */
		16 * 1024,		/* incrementalHeapCount */
		4096,			/* stackCount */
		4096,			/* initialKeyCount */
		1024,			/* incrementalKeyCount */
		1993,			/* nameModulo */
		127,			/* symbolModulo */
		256 * 1024,		/* parserBufferSize */
		1993,			/* parserTableModulo */
	};
	const char* modules = NULL;
	const char* volatile name = NULL;
	txMachine* the;
	simHostState host;
	simProfileRecord profile = { "desktop", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	int i, code;
	simYieldToAir();
	simParentWatch();
	for (i = 1; i < argc; i++) {
		const char* option = argv[i];
		const char* value = (i + 1 < argc) ? argv[i + 1] : NULL;
		int ok = 1;
		if (!strcmp(option, "--verbose")) {
			profile.verbose = 1;
			continue;
		}
		if (!strncmp(option, "--", 2) && !value) {
			fprintf(stderr, "xsim: %s needs a value\n", option);
			return 2;
		}
		if (!strcmp(option, "--stack")) {
			ok = simReadSizes(value, 1024 * 1024, &profile.stackCount, NULL) && (profile.stackCount >= 128);
			if (ok)
				creation.stackCount = profile.stackCount + simPreparationStackCount;
		}
		else if (!strcmp(option, "--profile"))
			snprintf(profile.name, sizeof(profile.name), "%s", value);
		else if (!strcmp(option, "--queue")) {
			txSize length = 0;
			ok = simReadSizes(value, 1024, &length, NULL);
			profile.queueLength = (int)length;
		}
		else if (!strcmp(option, "--queue-wait")) {
			ok = !strcmp(value, "block") || !strcmp(value, "debug");
			profile.queueDebug = !strcmp(value, "debug");
		}
		else if (!strcmp(option, "--static"))
			ok = simReadSizes(value, 64 * 1024 * 1024, &profile.staticSize, NULL);
		else if (!strcmp(option, "--chunk"))
			ok = simReadSizes(value, 64 * 1024 * 1024, &profile.chunkInitial, &profile.chunkIncremental);
		else if (!strcmp(option, "--heap"))
			ok = simReadSizes(value, 4 * 1024 * 1024, &profile.heapInitial, &profile.heapIncremental);
		else if (!strcmp(option, "--seed")) {
			char* end;
			unsigned long seed = strtoul(value, &end, 10);
			ok = (end != value) && !*end && (seed <= 0xFFFFFFFFUL);
			profile.seed = (uint32_t)seed;
		}
		else if (!strcmp(option, "--keys"))
			ok = simReadSizes(value, 32767, &profile.keysInitial, &profile.keysIncremental);
		else if (!strncmp(option, "--", 2)) {
			fprintf(stderr, "xsim: unknown option %s\n", option);
			return 2;
		}
		else if (!modules) {
			modules = argv[i];
			continue;
		}
		else if (!name) {
			name = argv[i];
			continue;
		}
		else {
			fprintf(stderr, "xsim: unexpected argument %s\n", argv[i]);
			return 2;
		}
		if (!ok) {
			fprintf(stderr, "xsim: %s: bad value %s\n", option, value);
			return 2;
		}
		i++;
	}
	if (!modules || !name) {
		fprintf(stderr, "usage: xsim [PROFILE OPTIONS] MODULES MAIN\n");
		return 2;
	}
	/* XS's Math.random is c_rand(): rand() here, the hardware generator on a
	   device (esp_random, or the ESP8266's RNG register: Moddable's
	   xs/platforms/esp/xsHost.h), so it differs on every node. The launcher
	   gives each node its own seed, so that nodes differ and a run repeats. */
	srand(profile.seed);
	/* On a device the creation's work (built-ins, host globals) is the
	   preparation, in flash: the machine is made small and growing, then
	   simMemoryStart gives the program the profile's memory. */
	if (strcmp(profile.name, "desktop")) {
		creation.initialChunkSize = 16 * 1024;
		creation.incrementalChunkSize = 512;
		creation.initialHeapCount = 2048;
		creation.incrementalHeapCount = 64;
	}
	the = (txMachine*)xsCreateMachine(&creation, "xsim", NULL);
	if (!the) {
		fprintf(stderr, "xsim: cannot create the machine\n");
		return 2;
	}
	host = simGetHost(the);
	host->profile = profile;
	if (simModulesLoad(host, modules) != 0) {
		fprintf(stderr, "xsim: cannot read the module map %s: %s\n", modules, strerror(errno));
		xsDeleteMachine((xsMachine*)the);
		return 2;
	}
	mxTry(the) {
		simInstallGlobals(the);
		simPreload(the);
		simMemoryStart(the);
		simWatchdogStart(the);
		simImportMain(the, name);
		simLoopRun(the);
	}
	mxCatch(the) {
		/* reached by fxExitToHost once a failure was reported */
		if (!host->exiting)
			simExit(the, 1);
	}
	code = host->exitCode;
	fflush(stdout);
	simLoopClear(the);
	if (simMemoryEnd(the) && !code)
		code = 1;
	xsDeleteMachine((xsMachine*)the);
	return code;
}
