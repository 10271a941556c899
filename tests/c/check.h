/*
 * A test harness small enough to read at a glance. A test is a function; it
 * passes if none of its CHECKs fails. The program ends with the line
 * "N passed, N failed" and exits non-zero if any test failed.
 *
 * A harness with a runner of its own (tests/glue/harness.h forks each test)
 * defines CHECK_OWN_RUNNER before including this file, and gets the checks
 * and counters alone.
 */

#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int gTestsPassed;
static int gTestsFailed;
static int gChecksFailed;

#define CHECK(condition) \
	do { \
		if (!(condition)) { \
			gChecksFailed++; \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #condition); \
		} \
	} while (0)

#define CHECK_EQ(actual, expected) \
	do { \
		long long actual_ = (long long)(actual); \
		long long expected_ = (long long)(expected); \
		if (actual_ != expected_) { \
			gChecksFailed++; \
			fprintf(stderr, "  %s:%d: %s is %lld (0x%llx), expected %lld (0x%llx)\n", __FILE__, __LINE__, #actual, actual_, actual_, expected_, expected_); \
		} \
	} while (0)

#define RUN(test) runTest(#test, test)

#ifndef CHECK_OWN_RUNNER

static void runTest(const char *name, void (*test)(void))
{
	gChecksFailed = 0;
	test();
	if (gChecksFailed) {
		gTestsFailed++;
		printf("not ok - %s\n", name);
	}
	else {
		gTestsPassed++;
		printf("ok - %s\n", name);
	}
	fflush(stdout);
}

static int finish(void)
{
	printf("%d passed, %d failed\n", gTestsPassed, gTestsFailed);
	return gTestsFailed ? 1 : 0;
}

#endif /* CHECK_OWN_RUNNER */

#endif
