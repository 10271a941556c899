/*
 * A libFuzzer-style driver in plain C, for gcc with -fsanitize=address,undefined
 * (clang's libFuzzer is not needed). A target defines
 *
 *     int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
 *
 * as for libFuzzer (built with clang -fsanitize=fuzzer it needs no change;
 * define FUZZ_NO_MAIN then). This driver runs each corpus file given on the
 * command line, then ITERATIONS inputs made by mutating them with a seeded
 * generator (xorshift32): flipped bits, random bytes, inserted, deleted and
 * duplicated runs, interesting values, splices of two inputs. The same seed
 * gives the same inputs, so a failure repeats. Any sanitizer report ends the
 * run (halt_on_error); at the end it prints one line:
 *
 *     fuzz NAME: N corpus inputs, M iterations, seed S, 0 crashes
 *
 *   fuzz-NAME ITERATIONS SEED corpus-file...
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FUZZ_NO_MAIN

#define FUZZ_MAX_INPUT (4096)
#define FUZZ_MAX_CORPUS (64)

static uint32_t gFuzzState;

static uint32_t fuzzNext(void)
{
	uint32_t x = gFuzzState;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	gFuzzState = x;
	return x;
}

static uint32_t fuzzBelow(uint32_t bound)
{
	return bound ? (fuzzNext() % bound) : 0;
}

typedef struct {
	uint8_t *data;
	size_t size;
} fuzzInput;

static size_t fuzzMutate(uint8_t *data, size_t size, const fuzzInput *corpus, int count)
{
	static const uint8_t interesting[] = { 0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x10, 0x20, 0x40 };
	int rounds = 1 + (int)fuzzBelow(8);
	for (int r = 0; r < rounds; r++) {
		uint32_t at = fuzzBelow((uint32_t)size + 1);
		switch (fuzzBelow(8)) {
		case 0:	/* flip a bit */
			if (size)
				data[fuzzBelow((uint32_t)size)] ^= (uint8_t)(1u << fuzzBelow(8));
			break;
		case 1:	/* a random byte */
			if (size)
				data[fuzzBelow((uint32_t)size)] = (uint8_t)fuzzNext();
			break;
		case 2:	/* an interesting byte */
			if (size)
				data[fuzzBelow((uint32_t)size)] = interesting[fuzzBelow(sizeof(interesting))];
			break;
		case 3: {	/* insert random bytes */
			uint32_t n = 1 + fuzzBelow(16);
			if (size + n > FUZZ_MAX_INPUT)
				break;
			memmove(data + at + n, data + at, size - at);
			for (uint32_t i = 0; i < n; i++)
				data[at + i] = (uint8_t)fuzzNext();
			size += n;
			break;
		}
		case 4: {	/* delete a run */
			uint32_t n = 1 + fuzzBelow(16);
			if (at >= size)
				break;
			if (n > size - at)
				n = (uint32_t)(size - at);
			memmove(data + at, data + at + n, size - at - n);
			size -= n;
			break;
		}
		case 5: {	/* duplicate a run */
			uint32_t n = 1 + fuzzBelow(32);
			if (at >= size || size + n > FUZZ_MAX_INPUT)
				break;
			if (n > size - at)
				n = (uint32_t)(size - at);
			memmove(data + at + n, data + at, size - at);
			size += n;
			break;
		}
		case 6: {	/* a little-endian 16-bit value: lengths live there */
			static const uint16_t values[] = { 0, 1, 15, 16, 17, 249, 250, 251, 1470, 1490, 1491, 0x7FFF, 0x8000, 0xFFFF };
			if (size >= 2) {
				uint32_t p = fuzzBelow((uint32_t)size - 1);
				uint16_t v = values[fuzzBelow(sizeof(values) / sizeof(values[0]))];
				data[p] = (uint8_t)v;
				data[p + 1] = (uint8_t)(v >> 8);
			}
			break;
		}
		default: {	/* splice: the tail of another input */
			const fuzzInput *other = &corpus[fuzzBelow((uint32_t)count)];
			uint32_t from = fuzzBelow((uint32_t)other->size + 1);
			size_t n = other->size - from;
			if (at + n > FUZZ_MAX_INPUT)
				n = FUZZ_MAX_INPUT - at;
			memcpy(data + at, other->data + from, n);
			size = at + n;
			break;
		}
		}
	}
	return size;
}

static int fuzzMain(const char *name, int argc, char **argv)
{
	static uint8_t buffer[FUZZ_MAX_INPUT];
	static fuzzInput corpus[FUZZ_MAX_CORPUS];
	int count = 0;
	if (argc < 4) {
		fprintf(stderr, "usage: %s ITERATIONS SEED corpus-file...\n", argv[0]);
		return 2;
	}
	long iterations = strtol(argv[1], NULL, 10);
	gFuzzState = (uint32_t)strtoul(argv[2], NULL, 10);
	if (!gFuzzState)
		gFuzzState = 1;
	uint32_t seed = gFuzzState;
	for (int i = 3; i < argc && count < FUZZ_MAX_CORPUS; i++) {
		FILE *file = fopen(argv[i], "rb");
		if (!file) {
			fprintf(stderr, "%s: cannot open %s\n", name, argv[i]);
			return 2;
		}
		size_t size = fread(buffer, 1, sizeof(buffer), file);
		fclose(file);
		corpus[count].data = malloc(size ? size : 1);
		memcpy(corpus[count].data, buffer, size);
		corpus[count].size = size;
		count++;
		/* each corpus input runs as it is, from a heap block of its exact size */
		uint8_t *exact = malloc(size ? size : 1);
		memcpy(exact, buffer, size);
		LLVMFuzzerTestOneInput(exact, size);
		free(exact);
	}
	for (long i = 0; i < iterations; i++) {
		const fuzzInput *base = &corpus[fuzzBelow((uint32_t)count)];
		memcpy(buffer, base->data, base->size);
		size_t size = fuzzMutate(buffer, base->size, corpus, count);
		uint8_t *exact = malloc(size ? size : 1);
		memcpy(exact, buffer, size);
		LLVMFuzzerTestOneInput(exact, size);
		free(exact);
	}
	for (int i = 0; i < count; i++)
		free(corpus[i].data);
	printf("fuzz %s: %d corpus inputs, %ld iterations, seed %u, 0 crashes\n", name, count, iterations, seed);
	return 0;
}

#define FUZZ_MAIN(name) int main(int argc, char **argv) { return fuzzMain(name, argc, argv); }
#else
#define FUZZ_MAIN(name)
#endif

#endif
