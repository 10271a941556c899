/*
 * The native half of the multitest module (binding: modules/multitest.js):
 * what a test instance needs from the process that JavaScript cannot do on
 * its own, namely read the runner's lines from standard input and end the
 * program early (multitest.skip()).
 *
 * Reading blocks the JavaScript thread, as MicroPython's multitest.wait()
 * blocks its interpreter: other threads' posts queue up meanwhile and are
 * delivered once the instance returns to the event loop.
 */

#include "simPlatform.h"

/* the runner's lines are short; a longer one is a broken runner */
#define simMultitestMaxLine (1024 * 1024)

/* readLine(): the next line of standard input without its "\n", or undefined
   at the end of the input. Bytes are read one at a time so that nothing past
   the line is consumed. */
void xs_multitest_read_line(xsMachine* the)
{
	size_t length = 0, size = 256;
	char* line = malloc(size);
	int ended = 0;
	if (!line)
		xsUnknownError("not enough memory");
	for (;;) {
		char c;
		ssize_t got = read(STDIN_FILENO, &c, 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			free(line);
			xsUnknownError("cannot read standard input: %s", strerror(errno));
		}
		if (got == 0) {
			ended = 1;
			break;
		}
		if (c == '\n')
			break;
		if (length + 1 >= size) {
			char* larger;
			if (size >= simMultitestMaxLine) {
				free(line);
				xsRangeError("a line of standard input is longer than %d bytes", simMultitestMaxLine);
			}
			larger = realloc(line, size * 2);
			if (!larger) {
				free(line);
				xsUnknownError("not enough memory");
			}
			line = larger;
			size *= 2;
		}
		line[length++] = c;
	}
	if (!(ended && (length == 0)))
		xsResult = xsStringBuffer(line, (xsIntegerValue)length);
	free(line);
}

/* exit(status): ends the program now with that status, as the host ends it
   when it runs out of work (the machine is deleted, stdout flushed). */
void xs_multitest_exit(xsMachine* the)
{
	int status = (xsToInteger(xsArgc) > 0) ? xsToInteger(xsArg(0)) : 0;
	fflush(stdout);
	simExit((txMachine*)the, status);
}
