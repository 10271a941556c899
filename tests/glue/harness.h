/*
 * The glue tests' harness. A test is a function; each runs in a child process
 * of its own, because the fake SDKs crash where a device would (abort() or a
 * fault), and a crash is that test's failure, not the end of the run. The
 * program ends with "N passed, N failed" and exits non-zero if any failed.
 */

#ifndef GLUE_HARNESS_H
#define GLUE_HARNESS_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* CHECK, CHECK_EQ, RUN and the counters: tests/c/check.h, with this runner */
#define CHECK_OWN_RUNNER
#include "../c/check.h"

static void runTest(const char *name, void (*test)(void))
{
	int status = 0;
	fflush(stdout);
	fflush(stderr);
	pid_t child = fork();
	if (child < 0) {
		perror("fork");
		exit(2);
	}
	if (0 == child) {
		gChecksFailed = 0;
		test();
		fflush(stderr);
		_exit(gChecksFailed ? 1 : 0);
	}
	waitpid(child, &status, 0);
	if (WIFEXITED(status) && (0 == WEXITSTATUS(status))) {
		gTestsPassed++;
		printf("ok - %s\n", name);
	}
	else {
		gTestsFailed++;
		if (WIFSIGNALED(status))
			printf("not ok - %s (crashed: %s)\n", name, strsignal(WTERMSIG(status)));
		else
			printf("not ok - %s\n", name);
	}
	fflush(stdout);
}

static int finish(const char *build)
{
	printf("%s: %d passed, %d failed\n", build, gTestsPassed, gTestsFailed);
	return gTestsFailed ? 1 : 0;
}

#endif
