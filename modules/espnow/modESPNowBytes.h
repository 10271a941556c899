/*
 * What a JS value really is, from XS's slots (modESPNowBytes.c, the one file
 * of the binding that reads XS internals: xsAll.h and xs.h's xsmc API do not
 * mix). The parameters are an xsMachine * and an xsSlot *.
 */

#ifndef MODESPNOWBYTES_H
#define MODESPNOWBYTES_H

#include <stdbool.h>
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

/* *result = new Uint8Array(*buffer), buffer an ArrayBuffer of length bytes
   that cannot be resized, like a Uint8Array (espnow_bytes_kind's _VIEW) of
   the prototype and kind the new one is to have: the instance XS's
   constructor would make, without the call (its lookups cost recv() a
   third of its computrons). false, nothing made, if like is not a Uint8Array.
   May collect garbage; runs no JS. */
bool espnow_bytes_view(void *the, void *like, void *buffer, uint32_t length, void *result);

/* The receive path's shortcuts past xsmcGetIndex, xsmcSetIndex and a call of
   Map.prototype.get (each costs some hundred instructions), for what a [[Get]]
   or [[Set]] would answer without running JS. Each returns false, having done
   nothing, when it cannot be sure; the caller then takes XS's own path.
   Run no JS, allocate nothing. */

/* array.length when array is as for espnow_array_get, else -1. */
int32_t espnow_array_length(void *the, void *array);

/* *value = array[index] when array is a real Array (not a Proxy, not an
   instance preloaded in flash) with index its own data element. */
bool espnow_array_get(void *the, void *array, uint32_t index, void *value);

/* array[index] = *value when array is as for espnow_array_get and that
   element is writable (not frozen) and its length too. */
bool espnow_array_set(void *the, void *array, uint32_t index, void *value);

/* *value = map.get(key) (undefined if key is not in it) when map is a real
   Map (or an instance of a subclass) and key a number or an object. */
bool espnow_map_get(void *the, void *map, void *key, void *value);

#endif
