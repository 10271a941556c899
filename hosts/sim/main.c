/*
 * xsim: runs an app under XS on Linux.
 *
 *   xsim [--stack SLOTS] MODULES MAIN
 *
 * MODULES is the module map the launcher (tools/sim) writes from the app's
 * manifests; MAIN the name of the module to run, usually "main". The exit
 * status is 0 when the app ran out of work, 1 when it failed (an uncaught
 * exception, an unhandled rejection, a stack overflow), 2 for a usage error.
 */

#include "simPlatform.h"

static void simImportRejected(txMachine* the)
{
	simReportException(the, mxArgv(0), "Uncaught exception");
	simExit(the, 1);
}

static void simImportMain(txMachine* the, const char* name)
{
	txSlot* realm = mxModuleInstanceInternal(mxProgram.value.reference)->value.module.realm;
	xsBeginHost(the);
	xsVars(2);
	mxPushStringC((txString)name);
	fxRunImport(the, realm, XS_NO_ID);
	xsVar(0) = *(xsSlot*)the->stack;
	mxPop();
	xsVar(1) = xsNewHostFunction(simImportRejected, 1);
	xsCall2(xsVar(0), xsID("then"), xsUndefined, xsVar(1));
	xsEndHost(the);
}

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
	int i, code;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stack") && (i + 1 < argc)) {
			long count = strtol(argv[++i], NULL, 10);
			if ((count < 256) || (count > 1024 * 1024)) {
				fprintf(stderr, "xsim: --stack takes 256 to 1048576 slots, got %s\n", argv[i]);
				return 2;
			}
			creation.stackCount = (txSize)count;
		}
		else if (!modules)
			modules = argv[i];
		else if (!name)
			name = argv[i];
		else {
			fprintf(stderr, "xsim: unexpected argument %s\n", argv[i]);
			return 2;
		}
	}
	if (!modules || !name) {
		fprintf(stderr, "usage: xsim [--stack SLOTS] MODULES MAIN\n");
		return 2;
	}
	the = (txMachine*)xsCreateMachine(&creation, "xsim", NULL);
	if (!the) {
		fprintf(stderr, "xsim: cannot create the machine\n");
		return 2;
	}
	host = simGetHost(the);
	if (simModulesLoad(host, modules) != 0) {
		fprintf(stderr, "xsim: cannot read the module map %s: %s\n", modules, strerror(errno));
		xsDeleteMachine((xsMachine*)the);
		return 2;
	}
	mxTry(the) {
		simInstallGlobals(the);
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
	xsDeleteMachine((xsMachine*)the);
	return code;
}
