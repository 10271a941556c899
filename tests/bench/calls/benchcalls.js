/*
 * The receive benchmark's own host functions (benchcalls.c): the floor every
 * receive is compared with, and callgrind's instruction count of a call.
 */

/* Copy 250 bytes into buffer (preallocated, at least 250 bytes): the least a receive can do. */
export function floor(buffer) @ "xs_benchcalls_floor";
/* Call fn count times with callgrind counting, and dump the count under name (nothing outside valgrind). */
export function count(name, fn, times) @ "xs_benchcalls_count";
