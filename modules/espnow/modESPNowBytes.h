/*
 * What a JS value really is, from XS's slots (modESPNowBytes.c, the one file
 * of the binding that reads XS internals: xsAll.h and xs.h's xsmc API do not
 * mix). The parameters are an xsMachine * and an xsSlot *.
 */

#ifndef MODESPNOWBYTES_H
#define MODESPNOWBYTES_H

#include <stdint.h>

enum {
	ESPNOW_BYTES_NONE = 0,
	ESPNOW_BYTES_ARRAY_BUFFER,
	/* a Uint8Array (not another typed array: espnow.ts takes only these) */
	ESPNOW_BYTES_VIEW,
};

/* ESPNOW_BYTES_ARRAY_BUFFER or _VIEW for a real one; _NONE for anything else:
   a host object given Uint8Array.prototype and a byteLength, a Proxy, a
   DataView, an Int8Array, a primitive. Runs no JS. */
int espnow_bytes_kind(void *the, void *slot);

/* A resizable ArrayBuffer, or a length-tracking view of one, made to hold
   length bytes if its maxByteLength allows; anything else is left alone.
   slot must be of a kind espnow_bytes_kind accepted. May collect garbage
   (and move buffers' bytes); runs no JS. */
void espnow_bytes_fit(void *the, void *slot, uint32_t length);

#endif
