/*
 * Modules: finding, loading, and binding their host functions.
 *
 * Module names are those of the manifests, as on a device: "timer",
 * "espnow", "main". The launcher (tools/sim) resolves the manifests and writes
 * a map file, one line each:
 *   NAME<TAB>PATH             a module and its compiled source
 *   *preload<TAB>NAME         a module the manifests preload, in their order
 *   *mod<TAB>NAME             a module of a mod, compiled as mcrun does
 *   *define<TAB>NAME<TAB>VALUE  a MODDEF_ define of the manifests
 * Relative specifiers are resolved against the importing module's name, as
 * Moddable does.
 *
 * Host functions: a module is parsed with the C flag, so that
 * `function f() @ "xs_f";` and `class C @ "xs_c_destructor" {…}` declare host
 * functions, exactly as xsc compiles a binding file for a device. Each name is
 * resolved to a C function of this program when the module loads (an unknown
 * name fails the import, naming it), and the script's callback builds the host
 * functions when the module runs, which is what the code xsl generates does.
 * A mod's modules are parsed without the C flag: mcrun runs xsc without -c,
 * and a mod cannot bring native code (tools/mcrun.js).
 *
 * While preloading (simPreload.c) the host functions a module builds are
 * stand-ins that throw, as xsl's are: the linker gives them fake addresses
 * and its engine throws "link: unavailable function" when one is called
 * (xs/tools/xslSlot.c fxLinkerScriptCallback, xs/sources/xsRun.c under
 * mxLink). When preloading ends they get their C function, as the firmware's
 * code does.
 */

#include "simPlatform.h"

#include <dlfcn.h>

typedef struct {
	char* name;
	char* path;
	int mod;
} simModuleEntry;

struct simModuleMapRecord {
	int count;
	simModuleEntry* entries;
	int preloadCount;
	char** preloads;
	int defineCount;
	char** defineNames;
	char** defineValues;
	char* text;
};

typedef struct simBindingRecord simBindingRecord, *simBinding;
struct simBindingRecord {
	simBinding next;
	txID moduleID;
	txInteger count;
	char** symbols;      /* the machine name of each function, or NULL */
	char** hosts;        /* the C name of each function */
	txHostFunctionBuilder builders[];
};

/* A host function built while preloading, and the C function it gets after. */
typedef struct simStandInRecord simStandInRecord, *simStandIn;
struct simStandInRecord {
	simStandIn next;
	txSlot* instance;
	txCallback callback;
	const char* host;
	txID moduleID;
};

static simBinding gBindings = NULL;
static simStandIn gStandIns = NULL;
static int gLinking = 0;

static int simCompareEntries(const void* a, const void* b)
{
	return strcmp(((const simModuleEntry*)a)->name, ((const simModuleEntry*)b)->name);
}

static simModuleEntry* simFindEntry(simModuleMap map, const char* name)
{
	simModuleEntry key;
	if (!map || !map->count)
		return NULL;
	key.name = (char*)name;
	return bsearch(&key, map->entries, map->count, sizeof(simModuleEntry), simCompareEntries);
}

/* Splits a line at its tabs, in place; returns the number of fields. */
static int simSplitFields(char* line, char** fields, int most)
{
	int count = 0;
	while (count < most) {
		char* tab = strchr(line, '\t');
		fields[count++] = line;
		if (!tab)
			break;
		*tab = 0;
		line = tab + 1;
	}
	return count;
}

static void simModulesDelete(simModuleMap map)
{
	free(map->entries);
	free(map->preloads);
	free(map->defineNames);
	free(map->defineValues);
	free(map->text);
	free(map);
}

int simModulesLoad(simHostState host, const char* path)
{
	FILE* file = fopen(path, "rb");
	long size;
	char* line;
	int count = 0, number = 0, modCount = 0, i;
	char** mods;
	simModuleMap map;
	if (!file)
		return -1;
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	map = calloc(1, sizeof(simModuleMapRecord));
	map->text = malloc(size + 1);
	if (fread(map->text, 1, size, file) != (size_t)size) {
		fclose(file);
		simModulesDelete(map);
		return -1;
	}
	fclose(file);
	map->text[size] = 0;
	for (i = 0; i < size; i++)
		if (map->text[i] == '\n')
			count++;
	count++;
	map->entries = calloc(count, sizeof(simModuleEntry));
	map->preloads = calloc(count, sizeof(char*));
	map->defineNames = calloc(count, sizeof(char*));
	map->defineValues = calloc(count, sizeof(char*));
	mods = calloc(count, sizeof(char*));
	line = map->text;
	while (*line) {
		char* end = strchr(line, '\n');
		char* fields[3];
		int fieldCount;
		number++;
		if (end)
			*end = 0;
		fieldCount = simSplitFields(line, fields, 3);
		if (!*line)
			;
		else if (!strcmp(fields[0], "*preload") && (fieldCount == 2))
			map->preloads[map->preloadCount++] = fields[1];
		else if (!strcmp(fields[0], "*define") && (fieldCount == 3)) {
			map->defineNames[map->defineCount] = fields[1];
			map->defineValues[map->defineCount++] = fields[2];
		}
		else if (!strcmp(fields[0], "*mod") && (fieldCount == 2))
			mods[modCount++] = fields[1];
		else if ((fields[0][0] != '*') && (fieldCount == 2)) {
			map->entries[map->count].name = fields[0];
			map->entries[map->count++].path = fields[1];
		}
		else {
			fprintf(stderr, "xsim: %s:%d: not a module map line (NAME<TAB>PATH, *preload<TAB>NAME, *mod<TAB>NAME or *define<TAB>NAME<TAB>VALUE)\n", path, number);
			free(mods);
			simModulesDelete(map);
			errno = EINVAL;
			return -1;
		}
		if (!end)
			break;
		line = end + 1;
	}
	qsort(map->entries, map->count, sizeof(simModuleEntry), simCompareEntries);
	/* what the directives name must be modules of the map */
	for (i = 0; i < map->preloadCount + modCount; i++) {
		const char* name = (i < map->preloadCount) ? map->preloads[i] : mods[i - map->preloadCount];
		simModuleEntry* entry = simFindEntry(map, name);
		if (!entry) {
			fprintf(stderr, "xsim: %s: %s \"%s\": no such module\n", path, (i < map->preloadCount) ? "preload" : "mod", name);
			free(mods);
			simModulesDelete(map);
			errno = EINVAL;
			return -1;
		}
		if (i >= map->preloadCount)
			entry->mod = 1;
	}
	free(mods);
	host->modules = map;
	return 0;
}

static void simForgetBinding(simBinding binding)
{
	txInteger i;
	for (i = 0; i < binding->count; i++) {
		free(binding->symbols[i]);
		free(binding->hosts[i]);
	}
	free(binding->symbols);
	free(binding->hosts);
	free(binding);
}

void simModulesFree(simHostState host)
{
	simModuleMap map = host->modules;
	while (gBindings) {
		simBinding next = gBindings->next;
		simForgetBinding(gBindings);
		gBindings = next;
	}
	while (gStandIns) {
		simStandIn next = gStandIns->next;
		free(gStandIns);
		gStandIns = next;
	}
	if (!map)
		return;
	simModulesDelete(map);
	host->modules = NULL;
}

const char* simModulesPath(simHostState host, const char* name)
{
	simModuleEntry* entry = simFindEntry(host->modules, name);
	return entry ? entry->path : NULL;
}

int simModulesPreloadCount(simHostState host)
{
	return host->modules ? host->modules->preloadCount : 0;
}

const char* simModulesPreloadName(simHostState host, int index)
{
	return host->modules->preloads[index];
}

const char* simModulesDefine(simHostState host, const char* name)
{
	simModuleMap map = host->modules;
	int i;
	for (i = 0; map && (i < map->defineCount); i++)
		if (!strcmp(map->defineNames[i], name))
			return map->defineValues[i];
	return NULL;
}

/* Joins a relative specifier to the folder of the importing module's name. */
static int simResolveRelative(const char* importer, const char* specifier, char* name, size_t size)
{
	size_t length;
	const char* slash = strrchr(importer, '/');
	length = slash ? (size_t)(slash - importer) : 0;
	if (length >= size)
		return 0;
	memcpy(name, importer, length);
	name[length] = 0;
	while (*specifier) {
		const char* end = strchr(specifier, '/');
		size_t segment = end ? (size_t)(end - specifier) : strlen(specifier);
		if ((segment == 1) && (specifier[0] == '.'))
			;
		else if ((segment == 2) && (specifier[0] == '.') && (specifier[1] == '.')) {
			char* up = strrchr(name, '/');
			if (up)
				*up = 0;
			else if (length == 0 && !name[0])
				return 0;
			else
				name[0] = 0;
			length = strlen(name);
		}
		else {
			if (length + segment + 2 > size)
				return 0;
			if (length)
				name[length++] = '/';
			memcpy(name + length, specifier, segment);
			length += segment;
			name[length] = 0;
		}
		specifier += segment;
		if (*specifier == '/')
			specifier++;
	}
	return length > 0;
}

txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	simHostState host = simGetHost(the);
	char specifier[C_PATH_MAX];
	char name[C_PATH_MAX];
	const char* importer = (moduleID != XS_NO_ID) ? fxGetKeyName(the, moduleID) : NULL;
	char* extension;
	fxToStringBuffer(the, slot, specifier, sizeof(specifier));
	if ((specifier[0] == '.') && ((specifier[1] == '/') || ((specifier[1] == '.') && (specifier[2] == '/')))) {
		if (!importer || !simResolveRelative(importer, specifier, name, sizeof(name)))
			mxReferenceError("module \"%s\": cannot resolve it from \"%s\"", specifier, importer ? importer : "(no module)");
	}
	else {
		c_strncpy(name, specifier, sizeof(name) - 1);
		name[sizeof(name) - 1] = 0;
	}
	extension = strrchr(name, '.');
	if (extension && (!strcmp(extension, ".js") || !strcmp(extension, ".ts") || !strcmp(extension, ".mjs")))
		*extension = 0;
	if (!simModulesPath(host, name))
		mxReferenceError("module \"%s\" not found (imported by \"%s\"): no manifest of this app lists it", name, importer ? importer : "the host");
	return fxNewNameC(the, name);
}

/* A path relative to the folder of another file. */
static void simCombinePath(const char* base, const char* relative, char* result, size_t size)
{
	const char* slash = strrchr(base, '/');
	if ((relative[0] == '/') || !slash)
		snprintf(result, size, "%s", relative);
	else
		snprintf(result, size, "%.*s/%s", (int)(slash - base), base, relative);
}

static void simReportParserError(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	fprintf(stderr, "%s:%d: error: ", path ? path : "?", (int)line);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
}

/* Parses a module's file; a source map beside it (as tsc writes) makes errors
   and stack traces name the original .ts file and line. */
static txScript* simParseModule(txMachine* the, const char* path, txUnsigned flags, int* errors)
{
	txParser parserRecord;
	txParser* parser = &parserRecord;
	txParserJump jump;
	txScript* volatile script = NULL;
	txString mapName = NULL;
	FILE* volatile file = NULL;
	char mapPath[C_PATH_MAX];
	char sourcePath[C_PATH_MAX];
	fxInitializeParser(parser, the, the->parserBufferSize, the->parserTableModulo);
	parser->firstJump = &jump;
	parser->reportError = simReportParserError;
	parser->reportWarning = simReportParserError;
	if (c_setjmp(jump.jmp_buf) == 0) {
		file = fopen(path, "r");
		mxParserThrowElse(file);
		parser->path = fxNewParserSymbol(parser, (txString)path);
		fxParserTree(parser, file, (txGetter)fgetc, flags | mxDebugFlag, &mapName);
		fclose(file);
		file = NULL;
		if (mapName) {
			simCombinePath(path, mapName, mapPath, sizeof(mapPath));
			file = fopen(mapPath, "r");
			if (file) {
				txString source = NULL;
				fxParserSourceMap(parser, file, (txGetter)fgetc, flags | mxDebugFlag, &source);
				fclose(file);
				file = NULL;
				if ((parser->errorCount == 0) && source) {
					char real[C_PATH_MAX];
					simCombinePath(mapPath, source, sourcePath, sizeof(sourcePath));
					parser->path = fxNewParserSymbol(parser, realpath(sourcePath, real) ? real : sourcePath);
				}
			}
		}
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
		*errors = parser->errorCount;
	}
	if (file)
		fclose(file);
	fxTerminateParser(parser);
	return script;
}

static simBinding simFindBinding(txID moduleID)
{
	simBinding binding = gBindings;
	while (binding && (binding->moduleID != moduleID))
		binding = binding->next;
	return binding;
}

/* What a host function built while preloading does when called: it throws,
   as the linker's do (its fake callbacks, xs/sources/xsRun.c). */
static void simUnavailable(txMachine* the)
{
	txSlot* instance = mxFunction->value.reference;
	simStandIn standIn = gStandIns;
	while (standIn && (standIn->instance != instance))
		standIn = standIn->next;
	if (standIn)
		mxTypeError("link: unavailable function %s (module \"%s\"): preloaded modules run at build time, where host functions cannot be called", standIn->host, fxGetKeyName(the, standIn->moduleID));
	mxTypeError("link: unavailable function");
}

/* The script callback: runs when the module's body starts, returns its host functions. */
static void simBuildHosts(txMachine* the)
{
	txSlot* home = mxFunctionInstanceHome(mxFunction->value.reference);
	txSlot* module = home->value.home.module;
	txID moduleID = mxModuleInstanceInternal(module)->value.module.id;
	simBinding binding = simFindBinding(moduleID);
	txInteger i;
	if (!binding)
		mxReferenceError("no host functions bound for module \"%s\"", fxGetKeyName(the, moduleID));
	for (i = 0; i < binding->count; i++)
		binding->builders[i].id = binding->symbols[i] ? fxNewNameC(the, binding->symbols[i]) : XS_NO_ID;
	if (!gLinking) {
		fxBuildHosts(the, binding->count, binding->builders);
		mxPullSlot(mxResult);
		return;
	}
	{
		/* host classes keep their destructor: building one calls nothing */
		txHostFunctionBuilder* builders = malloc((binding->count ? binding->count : 1) * sizeof(txHostFunctionBuilder));
		txSlot* items;
		memcpy(builders, binding->builders, binding->count * sizeof(txHostFunctionBuilder));
		for (i = 0; i < binding->count; i++)
			if (builders[i].length >= 0)
				builders[i].callback = simUnavailable;
		fxBuildHosts(the, binding->count, builders);
		free(builders);
		mxPullSlot(mxResult);
		items = mxResult->value.reference->next->value.array.address;
		for (i = 0; i < binding->count; i++) {
			simStandIn standIn;
			if (binding->builders[i].length < 0)
				continue;
			standIn = calloc(1, sizeof(simStandInRecord));
			standIn->instance = items[i].value.reference;
			standIn->callback = binding->builders[i].callback;
			standIn->host = binding->hosts[i];
			standIn->moduleID = moduleID;
			standIn->next = gStandIns;
			gStandIns = standIn;
		}
	}
}

void simModulesLink(txMachine* the, int linking)
{
	if (linking) {
		gLinking = 1;
		return;
	}
	gLinking = 0;
	/* newest first: a slot the collector freed and reused belongs to the newest stand-in */
	while (gStandIns) {
		simStandIn next = gStandIns->next;
		txSlot* instance = gStandIns->instance;
		txSlot* code = (instance->kind == XS_INSTANCE_KIND) ? instance->next : NULL;
		if (code && (code->kind == XS_CALLBACK_KIND) && (code->value.callback.address == simUnavailable))
			code->value.callback.address = gStandIns->callback;
		free(gStandIns);
		gStandIns = next;
	}
}

/* Resolves each `@ "name"` of the script to a C function of this program. */
static void simBindHosts(txMachine* the, txScript* script, txID moduleID, const char* name)
{
	txS1* p = script->hostsBuffer;
	txID count, i, symbolCount = 0;
	char** symbolNames = NULL;
	simBinding binding;
	mxDecodeID(p, count);
	if (script->symbolsBuffer) {
		txS1* q = script->symbolsBuffer;
		mxDecodeID(q, symbolCount);
		symbolNames = calloc(symbolCount + 1, sizeof(char*));
		for (i = 1; i < symbolCount; i++) {
			symbolNames[i] = (char*)q;
			q += strlen((char*)q) + 1;
		}
	}
	binding = calloc(1, sizeof(simBindingRecord) + count * sizeof(txHostFunctionBuilder));
	binding->symbols = calloc(count ? count : 1, sizeof(char*));
	binding->hosts = calloc(count ? count : 1, sizeof(char*));
	binding->moduleID = moduleID;
	binding->count = count;
	for (i = 0; i < count; i++) {
		txS1 length = *p++;
		txID symbol;
		void* function;
		mxDecodeID(p, symbol);
		function = dlsym(RTLD_DEFAULT, (char*)p);
		if (!function) {
			char host[256];
			snprintf(host, sizeof(host), "%s", (char*)p);
			free(symbolNames);
			simForgetBinding(binding);
			fxDeleteScript(script);
			mxReferenceError("module \"%s\": host function \"%s\" is not in this program (no native source of the app defines it)", name, host);
		}
		binding->builders[i].callback = (txCallback)function;
		binding->builders[i].length = length;
		binding->builders[i].id = XS_NO_ID;
		binding->hosts[i] = strdup((char*)p);
		if ((symbol > 0) && (symbol < symbolCount) && symbolNames)
			binding->symbols[i] = strdup(symbolNames[symbol]);
		p += strlen((char*)p) + 1;
	}
	free(symbolNames);
	binding->next = gBindings;
	gBindings = binding;
	script->callback = simBuildHosts;
}

void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
	simHostState host = simGetHost(the);
	const char* name = fxGetKeyName(the, moduleID);
	simModuleEntry* entry = simFindEntry(host->modules, name);
	txScript* script;
	int errors = 0;
	if (!entry)
		mxReferenceError("module \"%s\" not found", name);
	if (access(entry->path, R_OK) != 0)
		mxReferenceError("module \"%s\": cannot read %s", name, entry->path);
	script = simParseModule(the, entry->path, entry->mod ? 0 : mxCFlag, &errors);
	if (!script)
		mxSyntaxError("module \"%s\": cannot parse %s", name, entry->path);
	if (errors && entry->mod)
		fprintf(stderr, "module \"%s\" is a mod's: mcrun compiles it without host functions, so `@ \"name\"` is a syntax error there\n", name);
	if (script->hostsBuffer)
		simBindHosts(the, script, moduleID, name);
	simMemoryArchive(the, script);
	fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
}
