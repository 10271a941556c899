/*
 * Modules: finding, loading, and binding their host functions.
 *
 * Module names are those of the manifests, as on a device: "timer",
 * "espnow", "main". The launcher (tools/sim) resolves the manifests and writes
 * a map file, one "name<TAB>path" a line; relative specifiers are resolved
 * against the importing module's name, as Moddable does.
 *
 * Host functions: a module is parsed with the C flag, so that
 * `function f() @ "xs_f";` and `class C @ "xs_c_destructor" {…}` declare host
 * functions, exactly as xsc compiles a binding file for a device. Each name is
 * resolved to a C function of this program when the module loads (an unknown
 * name fails the import, naming it), and the script's callback builds the host
 * functions when the module runs, which is what the code xsl generates does.
 */

#include "simPlatform.h"

#include <dlfcn.h>

struct simModuleMapRecord {
	int count;
	char** names;
	char** paths;
	char* text;
};

typedef struct simBindingRecord simBindingRecord, *simBinding;
struct simBindingRecord {
	simBinding next;
	txID moduleID;
	txInteger count;
	char** symbols;      /* the machine name of each function, or NULL */
	txHostFunctionBuilder builders[];
};

static simBinding gBindings = NULL;

static int simCompareNames(const void* a, const void* b)
{
	return strcmp(*(char* const*)a, *(char* const*)b);
}

int simModulesLoad(simHostState host, const char* path)
{
	FILE* file = fopen(path, "rb");
	long size;
	char* line;
	int count = 0, i;
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
		return -1;
	}
	fclose(file);
	map->text[size] = 0;
	for (i = 0; i < size; i++)
		if (map->text[i] == '\n')
			count++;
	map->names = calloc(count + 1, sizeof(char*));
	map->paths = calloc(count + 1, sizeof(char*));
	line = map->text;
	while (*line) {
		char* end = strchr(line, '\n');
		char* tab = strchr(line, '\t');
		if (!end)
			end = line + strlen(line);
		if (tab && (tab < end)) {
			*tab = 0;
			map->names[map->count] = line;
			map->paths[map->count] = tab + 1;
			map->count++;
		}
		if (!*end)
			break;
		*end = 0;
		line = end + 1;
	}
	/* sort names and paths together: sort indices of pairs */
	{
		char** pairs = malloc(map->count * 2 * sizeof(char*));
		for (i = 0; i < map->count; i++) {
			pairs[2 * i] = map->names[i];
			pairs[2 * i + 1] = map->paths[i];
		}
		qsort(pairs, map->count, 2 * sizeof(char*), simCompareNames);
		for (i = 0; i < map->count; i++) {
			map->names[i] = pairs[2 * i];
			map->paths[i] = pairs[2 * i + 1];
		}
		free(pairs);
	}
	host->modules = map;
	return 0;
}

void simModulesFree(simHostState host)
{
	simModuleMap map = host->modules;
	while (gBindings) {
		simBinding next = gBindings->next;
		txInteger i;
		for (i = 0; i < gBindings->count; i++)
			free(gBindings->symbols[i]);
		free(gBindings->symbols);
		free(gBindings);
		gBindings = next;
	}
	if (!map)
		return;
	free(map->names);
	free(map->paths);
	free(map->text);
	free(map);
	host->modules = NULL;
}

const char* simModulesPath(simHostState host, const char* name)
{
	simModuleMap map = host->modules;
	int low = 0, high;
	if (!map)
		return NULL;
	high = map->count - 1;
	while (low <= high) {
		int middle = (low + high) / 2;
		int order = strcmp(name, map->names[middle]);
		if (order == 0)
			return map->paths[middle];
		if (order < 0)
			high = middle - 1;
		else
			low = middle + 1;
	}
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
static txScript* simParseModule(txMachine* the, const char* path)
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
		fxParserTree(parser, file, (txGetter)fgetc, mxCFlag | mxDebugFlag, &mapName);
		fclose(file);
		file = NULL;
		if (mapName) {
			simCombinePath(path, mapName, mapPath, sizeof(mapPath));
			file = fopen(mapPath, "r");
			if (file) {
				txString source = NULL;
				fxParserSourceMap(parser, file, (txGetter)fgetc, mxCFlag | mxDebugFlag, &source);
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
	fxBuildHosts(the, binding->count, binding->builders);
	mxPullSlot(mxResult);
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
			free(binding->symbols);
			free(binding);
			fxDeleteScript(script);
			mxReferenceError("module \"%s\": host function \"%s\" is not in this program (no native source of the app defines it)", name, host);
		}
		binding->builders[i].callback = (txCallback)function;
		binding->builders[i].length = length;
		binding->builders[i].id = XS_NO_ID;
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
	const char* path = simModulesPath(host, name);
	txScript* script;
	if (!path)
		mxReferenceError("module \"%s\" not found", name);
	if (access(path, R_OK) != 0)
		mxReferenceError("module \"%s\": cannot read %s", name, path);
	script = simParseModule(the, path);
	if (!script)
		mxSyntaxError("module \"%s\": cannot parse %s", name, path);
	if (script->hostsBuffer)
		simBindHosts(the, script, moduleID, name);
	fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
}
