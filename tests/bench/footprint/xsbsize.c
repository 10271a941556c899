/*
 * xsbsize: the size of the .xsb that Moddable's `xsc -c -e` (a release
 * build's bytecode) writes for each JavaScript module given, computed with
 * XS's own compiler: the parser, scoper and coder of the XS sources that
 * @agoric/xsnap ships (xsScript.c and its companions), which the simulator
 * runs too. Those sources have no xsc (it lives in Moddable's xs/tools), so
 * footprint.bench.ts builds this instead; it writes no file.
 *
 * An .xsb is one atom, XS_B, holding three: VERS (the XS version and a
 * byte that says whether there are host functions), SYMB (the symbols the
 * code names) and CODE (the bytecode), then HOST when the module declares
 * host functions (`function f() @ "xs_f"`). Each atom is a 4-byte big-endian
 * size and a 4-byte name, then its content. So the file is
 *   8 (XS_B) + 8 + 4 (VERS) + 8 + symbols + 8 + code [+ 8 + hosts]
 * bytes, and this prints, per file: symbols, code, hosts and that total.
 *
 *   xsbsize espnow.js aioespnow.js native.js
 *
 * Exit status 1 if a file cannot be read or does not compile (the parser's
 * errors go to stderr, as xsc's do).
 */

#include "xsScript.h"

#include <stdio.h>

/* What the parser asks of the tool that hosts it. */

/* the profiler's IDs: a release build has none */
txID fxGenerateProfileID(void *console)
{
	(void)console;
	return XS_NO_ID;
}

/* the key of a tagged template's cache: unique in the program, as xsc's */
void fxGenerateTag(void *console, txString buffer, txInteger bufferSize, txString path)
{
	static txInteger count = 0;
	(void)console;
	snprintf(buffer, bufferSize, "#%d@%s", (int)count++, path ? path : "");
}

static void report(const char *kind, txString path, txInteger line, txString format, c_va_list arguments)
{
	if (path)
		fprintf(stderr, "%s:%d: %s: ", path, (int)line, kind);
	else
		fprintf(stderr, "# %s: ", kind);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
}

void fxVReportError(void *console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	report("error", path, line, format, arguments);
}

void fxVReportWarning(void *console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	report("warning", path, line, format, arguments);
}

/* One module, compiled as `xsc -c` compiles it; 0 when it compiled. */
static int measure(const char *input)
{
	txParser record, *parser = &record;
	txParserJump jump;
	/* volatile: set between setjmp and a longjmp that returns to it */
	txScript *volatile script = NULL;
	txString mapName = NULL;
	FILE *volatile file = NULL;
	volatile int status = 1;

	fxInitializeParser(parser, NULL, 1024 * 1024, 1993);
	parser->firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser->origin = parser->path = fxNewParserSymbol(parser, (txString)input);
		file = fopen(input, "r");
		if (!file) {
			fprintf(stderr, "# error: cannot read %s\n", input);
			c_longjmp(parser->firstJump->jmp_buf, 1);
		}
		/* mxCFlag: the module's host functions become HOST, as with -c; a
		   source map named in the file only gives lines, which -c omits */
		fxParserTree(parser, file, (txGetter)fgetc, mxCFlag, &mapName);
		fclose(file);
		file = NULL;
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
		if (parser->errorCount > 0) {
			fprintf(stderr, "# %d error(s) in %s\n", (int)parser->errorCount, input);
			c_longjmp(parser->firstJump->jmp_buf, 1);
		}
		long hosts = script->hostsBuffer ? script->hostsSize : 0;
		long total = 8 + 8 + 4 + 8 + (long)script->symbolsSize + 8 + (long)script->codeSize + (script->hostsBuffer ? 8 + hosts : 0);
		printf("%s %ld %ld %ld %ld\n", input, (long)script->symbolsSize, (long)script->codeSize, hosts, total);
		status = 0;
	}
	if (file)
		fclose(file);
	fxDeleteScript(script);
	fxTerminateParser(parser);
	return status;
}

int main(int argc, char *argv[])
{
	int status = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: xsbsize file.js...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		status |= measure(argv[i]);
	return status;
}
