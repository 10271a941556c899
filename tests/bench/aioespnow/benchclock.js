/*
 * The benchmark's clock (benchclock.c): CLOCK_MONOTONIC in microseconds, the
 * clock every process on the machine shares, and the hop a radio thread's
 * wake-up takes to the JS thread (modMessagePostToMachine to deliver).
 */

export function microseconds() @ "xs_benchclock_microseconds";
export function startPosts(count, intervalMs) @ "xs_benchclock_start_posts";
export function postsDelivered() @ "xs_benchclock_posts_delivered";
export function postLatencies() @ "xs_benchclock_post_latencies";
