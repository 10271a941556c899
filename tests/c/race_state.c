/*
 * Under ThreadSanitizer: the node's interface state in the air client
 * (modules/wlan/sim/sim_air.c) is shared by the JS thread, which changes
 * flags, channel and rate (STATE requests), and the receive thread, which
 * applies the air's NOTICE. Here a stand-in for the air and the receive thread
 * answers each request (through a socket pair) while another sends NOTICEs
 * without pause, and the main thread changes the state as fast as it can. Any
 * access to the state outside the client's mutex is a race TSan reports
 * (halt_on_error), as the rate read outside it once was.
 */

#include "../../modules/wlan/sim/sim_air.c"
#include "check.h"

#include <stdatomic.h>

#define CHANGES (20000)

static int gAirEnd;
static atomic_int gStop;

/* The air and the receive thread: ACK OK to every request. */
static void *answers(void *unused)
{
	uint8_t request[DATAGRAM];
	uint8_t ack[10] = { 'E', 'N', 'A', 'R', 1, ACK, 0, 0, ACK_OK, 0 };
	struct pollfd watch = { .fd = gAirEnd, .events = POLLIN };
	while (!atomic_load(&gStop)) {
		if (poll(&watch, 1, 100) <= 0)
			continue;
		ssize_t length = recv(gAirEnd, request, sizeof(request), 0);
		if (length < HEADER)
			continue;
		memcpy(ack + 6, request + 6, 2);
		dispatchDatagram(ack, sizeof(ack), false);
	}
	return unused;
}

/* The air's control interface re-channelling the node, at any moment: NOTICEs. */
static void *notices(void *unused)
{
	uint8_t notice[20] = { 'E', 'N', 'A', 'R', 1, NOTICE, 0, 0, SIM_AIR_STA_ON, 1, 2, 0 };
	for (int i = 0; !atomic_load(&gStop); i++) {
		notice[9] = (uint8_t)(1 + i % 13);
		notice[10] = (uint8_t)(2 + (i & 1) * 20);
		dispatchDatagram(notice, sizeof(notice), false);
	}
	return unused;
}

static void state_changes_and_notices_share_the_state_under_the_mutex(void)
{
	int ends[2];
	pthread_t answering, noticing;
	int failed = 0;
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, ends), 0);
	gAir.fd = ends[0];
	gAirEnd = ends[1];
	CHECK_EQ(pthread_create(&answering, NULL, answers, NULL), 0);
	CHECK_EQ(pthread_create(&noticing, NULL, notices, NULL), 0);
	for (int i = 0; i < CHANGES; i++) {
		failed += sim_air_set_flags((i & 1) ? SIM_AIR_AP_ON : 0, (i & 1) ? 0 : SIM_AIR_AP_ON) != 0;
		failed += sim_air_set_channel(1 + i % 13) != 0;
		failed += sim_air_set_rate((i & 1) ? 108 : 2) != 0;
		int channel = sim_air_channel();
		CHECK(channel >= 1 && channel <= 14);
	}
	atomic_store(&gStop, 1);
	pthread_join(answering, NULL);
	pthread_join(noticing, NULL);
	CHECK_EQ(failed, 0);
	close(ends[0]);
	close(ends[1]);
	printf("%d state changes among NOTICEs\n", 3 * CHANGES);
}

int main(void)
{
	RUN(state_changes_and_notices_share_the_state_under_the_mutex);
	return finish();
}
