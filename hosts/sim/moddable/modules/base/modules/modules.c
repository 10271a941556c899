/*
 * has() and importNow() of the "modules" module (modules.js) for a firmware
 * host in the simulator. has() asks the module map, which holds the host's
 * modules and the mod's (the SDK's asks XS's module finder, which on a
 * device looks in the firmware and the mod's archive). importNow() is XS's
 * synchronous import, as in the SDK's modules/base/modules/modules.c: the
 * module and what it imports run before it returns, so a module that awaits
 * at its top level is refused with XS's "async module" TypeError.
 */

#include "simPlatform.h"

/* a module name longer than this is not one the module map holds */
#define simModulesNameSize 1024

static void simModulesName(txMachine* the, char* name)
{
	if (xsToInteger(xsArgc) < 1)
		xsTypeError("Modules: a module name is expected");
	if (c_strlen(xsToString(xsArg(0))) >= simModulesNameSize)
		xsRangeError("Modules: module name longer than %d bytes", simModulesNameSize - 1);
	xsToStringBuffer(xsArg(0), name, simModulesNameSize);
}

void xs_modules_has(xsMachine* the)
{
	char name[simModulesNameSize];
	simModulesName(the, name);
	xsResult = xsBoolean(simModulesPath(simGetHost(the), name) != NULL);
}

void xs_modules_importNow(xsMachine* the)
{
	char name[simModulesNameSize];
	int namespace = (xsToInteger(xsArgc) > 1) && xsTest(xsArg(1));
	simModulesName(the, name);
	xsResult = xsAwaitImport(name, namespace ? XS_IMPORT_NAMESPACE : XS_IMPORT_DEFAULT);
}
