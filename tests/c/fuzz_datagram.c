/*
 * Fuzz target: the node's decoder of datagrams from the air
 * (modules/wlan/sim/sim_air.c, dispatchDatagram and dispatch), which trusts
 * nothing the air sends: every length is checked against the datagram and
 * the layouts of tools/air/PROTOCOL.md. The first two input bytes choose the
 * request id the node is waiting for (so replies match, or not); the rest is
 * one datagram, at most the 2048 bytes the receive thread reads. The listener
 * reads every byte it is given, so AddressSanitizer sees any length that runs
 * past the datagram (an exact heap block).
 */

#include "../../modules/wlan/sim/sim_air.c"
#include "fuzz.h"

static volatile uint32_t gSum;

static void received(void *refcon, const uint8_t src[6], int8_t rssi, const uint8_t *data, size_t length)
{
	(void)refcon;
	if (length > SIM_AIR_MAX_PAYLOAD) {
		fprintf(stderr, "fuzz datagram: a %zu-byte payload reached the listener\n", length);
		abort();
	}
	for (size_t i = 0; i < length; i++)
		gSum += data[i];
	for (int i = 0; i < 6; i++)
		gSum += src[i];
	gSum += (uint32_t)rssi;
}

static void sent(void *refcon, uint32_t seq, bool delivered)
{
	(void)refcon;
	gSum += seq + delivered;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const simAirListenerRecord listener = { received, sent, NULL };
	if (size < 2 || size - 2 > DATAGRAM)
		return 0;
	sim_air_listen(&listener);
	pthread_mutex_lock(&gAir.mutex);
	gAir.pendingId = get16(data);
	gAir.pendingDone = false;
	gAir.paceUs = 0;
	gAir.lost = false;
	pthread_mutex_unlock(&gAir.mutex);
	dispatchDatagram(data + 2, size - 2, false);
	pthread_mutex_lock(&gAir.mutex);
	if (gAir.pendingDone && gAir.replyLength != size - 2) {
		fprintf(stderr, "fuzz datagram: a reply of %zu bytes was kept as %zu\n", size - 2, gAir.replyLength);
		abort();
	}
	pthread_mutex_unlock(&gAir.mutex);
	return 0;
}

FUZZ_MAIN("datagram")
