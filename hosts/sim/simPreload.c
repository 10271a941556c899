/*
 * Preloading, as Moddable's linker does it when a device's firmware is built.
 *
 * mcconfig gives xsl the modules of the manifests' "preload" (tools/mcconfig.js
 * filterPreload). xsl (xs/tools/xsl.c) imports each, in manifest order, in a
 * machine of its own at build time, runs the promise jobs they leave, and
 * writes that machine's heap into the firmware. A host function called then
 * throws "link: unavailable function" and the build fails, printing the
 * error. Then:
 *  - it freezes the primordials (fxFreezeBuiltIns): every built-in prototype,
 *    Error.prototype and its kin included, Math, JSON, Reflect, Atomics;
 *  - it prepares the heap for flash (fxPrepareHeap, xs/tools/xslSlot.c):
 *    every function is frozen (its static properties too), and so is the
 *    prototype of every constructor; so are the Maps, Sets, weak collections,
 *    ArrayBuffers, DataViews, typed arrays, Promises, Proxies and RegExps that
 *    exist then, which flash cannot hold as copy-on-write aliases; a module
 *    variable holding a function becomes const ("set f: const"); an object
 *    frozen through is petrified (fxPetrifyInstance): its Map or Set entries,
 *    its buffer's bytes, its private fields become read-only too.
 *    Other objects stay writable: the device copies one into RAM on its first
 *    write (the aliases of xs/sources/xsAPI.c fxCloneMachine).
 * xsl freezes whenever it strips or preloads, and a device build does both:
 * examples/manifest_base.json strips "*", build/devices/esp32/manifest.json
 * preloads time and timer. So the simulator freezes for every app.
 *
 * The simulator runs the preload in the app's own machine, before main, and
 * then does to every object alive at that moment what xsl does to the heap
 * it writes into flash. Mods (MODDEF_XS_MODS) run the same way on a device:
 * against the frozen heap of the firmware that hosts them.
 */

#include "simPlatform.h"

static void simFreeze(txMachine* the, txSlot* target)
{
	if (target->kind != XS_REFERENCE_KIND)
		return;
	mxPush(mxObjectConstructor);
	mxDub();
	mxGetID(mxID(_freeze));
	mxCall();
	mxPushSlot(target);
	mxRunCount(1);
	mxPop();
}

static void simFreezeBuiltIns(txMachine* the)
{
	txSlot* objects[] = {
		&mxAtomicsObject, &mxJSONObject, &mxMathObject, &mxReflectObject,
		&mxAggregateErrorPrototype, &mxArgumentsSloppyPrototype, &mxArgumentsStrictPrototype,
		&mxArrayBufferPrototype, &mxArrayIteratorPrototype, &mxArrayPrototype,
		&mxAsyncFromSyncIteratorPrototype, &mxAsyncFunctionPrototype,
		&mxAsyncGeneratorFunctionPrototype, &mxAsyncGeneratorPrototype, &mxAsyncIteratorPrototype,
		&mxBigIntPrototype, &mxBooleanPrototype, &mxCompartmentPrototype, &mxDataViewPrototype,
		&mxDatePrototype, &mxErrorPrototype, &mxEvalErrorPrototype, &mxFinalizationRegistryPrototype,
		&mxFunctionPrototype, &mxGeneratorFunctionPrototype, &mxGeneratorPrototype, &mxHostPrototype,
		&mxIteratorPrototype, &mxMapIteratorPrototype, &mxMapPrototype, &mxModulePrototype,
		&mxNumberPrototype, &mxObjectPrototype, &mxPromisePrototype, &mxProxyPrototype,
		&mxRangeErrorPrototype, &mxReferenceErrorPrototype, &mxRegExpPrototype,
		&mxRegExpStringIteratorPrototype, &mxSetIteratorPrototype, &mxSetPrototype,
		&mxSharedArrayBufferPrototype, &mxStringIteratorPrototype, &mxStringPrototype,
		&mxSymbolPrototype, &mxSyntaxErrorPrototype, &mxTransferPrototype, &mxTypedArrayPrototype,
		&mxTypeErrorPrototype, &mxURIErrorPrototype, &mxWeakMapPrototype, &mxWeakRefPrototype,
		&mxWeakSetPrototype,
	};
	size_t i;
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		simFreeze(the, objects[i]);
	/* the Math of the global object, the typed arrays' own prototypes, for-in's
	   enumerator, Array.prototype[Symbol.unscopables] */
	for (i = 0; i < mxTypeArrayCount; i++) {
		mxPush(the->stackPrototypes[-1 - (txInteger)gxTypeDispatches[i].constructorID]);
		mxGetID(mxID(_prototype));
		simFreeze(the, the->stack);
		mxPop();
	}
	mxPush(mxGlobal);
	mxGetID(mxID(_Math));
	simFreeze(the, the->stack);
	mxPop();
	mxPush(mxEnumeratorFunction);
	mxGetID(mxID(_prototype));
	simFreeze(the, the->stack);
	mxPop();
	mxPush(mxArrayPrototype);
	mxGetID(mxID(_Symbol_unscopables));
	simFreeze(the, the->stack);
	mxPop();
}

/* What flash makes of an object it cannot alias: nothing of it can change. */
static void simSeal(txSlot* instance)
{
	txSlot* property;
	for (property = instance->next; property; property = property->next) {
		if (property->kind != XS_ACCESSOR_KIND)
			property->flag |= XS_DONT_SET_FLAG;
		property->flag |= XS_DONT_DELETE_FLAG;
	}
	instance->flag |= XS_DONT_PATCH_FLAG;
}

static int simIsFunction(txSlot* internal)
{
	return (internal->kind == XS_CALLBACK_KIND) || (internal->kind == XS_CALLBACK_X_KIND)
		|| (internal->kind == XS_CODE_KIND) || (internal->kind == XS_CODE_X_KIND);
}

/* The kinds of objects xsl keeps in flash whole, since it has no alias for them. */
static int simCannotAlias(txSlot* internal)
{
	switch (internal->kind) {
	case XS_MAP_KIND:
	case XS_SET_KIND:
	case XS_WEAK_MAP_KIND:
	case XS_WEAK_SET_KIND:
	case XS_WEAK_REF_KIND:
	case XS_ARRAY_BUFFER_KIND:
	case XS_DATA_VIEW_KIND:
	case XS_TYPED_ARRAY_KIND:
	case XS_PROXY_KIND:
	case XS_REGEXP_KIND:
		return 1;
	case XS_CLOSURE_KIND:
		return internal->value.closure->kind == XS_FINALIZATION_REGISTRY_KIND;
	default:
		return 0;
	}
}

static void simPrepareInstance(txMachine* the, txSlot* instance)
{
	txSlot* internal = instance->next;
	if (!internal || !(internal->flag & XS_INTERNAL_FLAG))
		return;
	if (simIsFunction(internal)) {
		simSeal(instance);
		if (instance->flag & XS_CAN_CONSTRUCT_FLAG) {
			txSlot* property;
			for (property = internal->next; property; property = property->next) {
				if ((property->ID == mxID(_prototype)) && (property->kind == XS_REFERENCE_KIND)) {
					simSeal(property->value.reference);
					break;
				}
			}
		}
	}
	else if (internal->kind == XS_PROMISE_KIND) {
		simSeal(instance);
		if (internal->next && (internal->next->kind == XS_REFERENCE_KIND))
			simSeal(internal->next->value.reference);
	}
	else if (simCannotAlias(internal))
		simSeal(instance);
}

static int simIsFrozen(txMachine* the, txSlot* instance)
{
	txSlot* property;
	if (!(instance->flag & XS_DONT_PATCH_FLAG))
		return 0;
	for (property = instance->next; property; property = property->next) {
		if ((property->flag & XS_INTERNAL_FLAG) && (property->kind == XS_ARRAY_KIND)) {
			txSlot* item = property->value.array.address;
			txIndex length = item ? fxGetIndexSize(the, property) : 0, index;
			for (index = 0; index < length; index++, item++) {
				if ((item->kind != XS_ACCESSOR_KIND) && !(item->flag & XS_DONT_SET_FLAG))
					return 0;
				if (!(item->flag & XS_DONT_DELETE_FLAG))
					return 0;
			}
		}
		else if (!(property->flag & XS_INTERNAL_FLAG)) {
			if ((property->kind != XS_ACCESSOR_KIND) && !(property->flag & XS_DONT_SET_FLAG))
				return 0;
			if (!(property->flag & XS_DONT_DELETE_FLAG))
				return 0;
		}
	}
	return 1;
}

static void simPetrify(txSlot* instance)
{
	txSlot* property;
	for (property = instance->next; property && (property->flag & XS_INTERNAL_FLAG); property = property->next) {
		switch (property->kind) {
		case XS_ARRAY_BUFFER_KIND:
		case XS_DATE_KIND:
		case XS_MAP_KIND:
		case XS_REGEXP_KIND:
		case XS_SET_KIND:
		case XS_WEAK_MAP_KIND:
		case XS_WEAK_SET_KIND:
			property->flag |= XS_DONT_SET_FLAG;
			break;
		case XS_PRIVATE_KIND: {
			txSlot* field;
			for (field = property->value.private.first; field; field = field->next) {
				if (field->kind != XS_ACCESSOR_KIND)
					field->flag |= XS_DONT_SET_FLAG;
				field->flag |= XS_DONT_DELETE_FLAG;
			}
			break;
		}
		default:
			break;
		}
	}
}

static int simHoldsFunction(txSlot* variable)
{
	txSlot* internal;
	if (variable->kind != XS_REFERENCE_KIND)
		return 0;
	internal = variable->value.reference->next;
	return internal && (internal->flag & XS_INTERNAL_FLAG) && simIsFunction(internal);
}

/* Free slots have the undefined kind: only live instances and closures are
   looked at, and nothing here allocates, so no collection moves under it. */
static void simPrepareHeap(txMachine* the)
{
	txSlot *heap, *slot, *limit;
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1, limit = heap->value.reference; slot < limit; slot++)
			if (slot->kind == XS_INSTANCE_KIND)
				simPrepareInstance(the, slot);
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1, limit = heap->value.reference; slot < limit; slot++)
			if ((slot->kind == XS_INSTANCE_KIND) && simIsFrozen(the, slot))
				simPetrify(slot);
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1, limit = heap->value.reference; slot < limit; slot++)
			if ((slot->kind == XS_CLOSURE_KIND) && slot->value.closure && simHoldsFunction(slot->value.closure))
				slot->value.closure->flag |= XS_DONT_SET_FLAG;
}

/* "async module" is the TypeError XS throws when a module it must evaluate
   at once (xsImportNow, xsAwaitImport) awaits at its top level
   (xs/sources/xsModule.c fxRunImportNow). */
int simIsAsyncModuleError(txMachine* the, txSlot* exception)
{
	txSlot* property;
	if (exception->kind != XS_REFERENCE_KIND)
		return 0;
	size_t length;
	property = mxBehaviorGetProperty(the, exception->value.reference, mxID(_message), 0, XS_OWN);
	if (!property || ((property->kind != XS_STRING_KIND) && (property->kind != XS_STRING_X_KIND)))
		return 0;
	/* a debug build puts the place first: "(host): async module" */
	length = strlen(property->value.string);
	return (length >= 12) && !strcmp(property->value.string + length - 12, "async module");
}

void simPreload(txMachine* the)
{
	simHostState host = simGetHost(the);
	int count = simModulesPreloadCount(host);
	volatile int index = 0;
	simModulesLink(the, 1);
	xsBeginHost(the);
	xsTry {
		for (index = 0; index < count; index++)
			xsAwaitImport(simModulesPreloadName(host, index), XS_IMPORT_NAMESPACE);
		simRunPromiseJobs(the);
	}
	xsCatch {
		char what[256];
		snprintf(what, sizeof(what), "Preloading failed (module \"%s\", run at build time as xsl does; the device's build stops here)",
			(index < count) ? simModulesPreloadName(host, index) : "a promise job");
		simReportException(the, &mxException, what);
		if (simIsAsyncModuleError(the, &mxException))
			fprintf(stderr, "(a preloaded module cannot use top-level await: xsl imports it synchronously)\n");
		simExit(the, 1);
	}
	simModulesLink(the, 0);
	simFreezeBuiltIns(the);
	fxCollectGarbage(the);
	simPrepareHeap(the);
	xsEndHost(the);
}
