/*
 * ESPNOW_SIM_YIELD=1: the node gives way to the air. The air (tools/air)
 * stands for the radio medium: when it waits for a CPU, every frame it
 * carries is late for every node, which no device sees. With many nodes
 * on few cores, each broadcast wakes every receiver at once, and the
 * kernel's scheduler puts those woken threads ahead of the air, which then
 * stalls for hundreds of milliseconds (tests/bench/scale.bench.ts). So the
 * node lowers its own priority (nice 10) and, on Linux, asks not to
 * preempt others when it wakes (SCHED_BATCH): the nodes still share the
 * CPU fairly among themselves, and the air runs first. Done first thing in
 * main(), so that every thread the node starts inherits it. Anything else
 * in the variable, or none, changes nothing. A call that fails is ignored:
 * the node then keeps that part of its priority (and where there is no
 * SCHED_BATCH, it is only niced).
 */

#define _GNU_SOURCE /* SCHED_BATCH */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define SIM_YIELD_NICE (10)

void simYieldToAir(void);

void simYieldToAir(void)
{
	const char* text = getenv("ESPNOW_SIM_YIELD");
	if (!text || strcmp(text, "1"))
		return;
	(void)setpriority(PRIO_PROCESS, 0, SIM_YIELD_NICE);
#ifdef SCHED_BATCH
	{
		struct sched_param param = { 0 };
		(void)sched_setscheduler(0, SCHED_BATCH, &param);
	}
#endif
}
