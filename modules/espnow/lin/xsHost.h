/*
 * The Moddable SDK's Linux platforms (lin, the GTK simulator mcsim, and
 * x-cli-lin, a command-line program) have no modMessagePostToMachine, the
 * call with which a native module running on another thread asks for a
 * function to run on the machine's thread. The ESP-NOW binding wakes the JS
 * thread with it. This header stands in front of the SDK's xsHost.h (the
 * manifest puts this folder on the include path ahead of xs/platforms), adds
 * the declarations the SDK's device platforms have, and modMessage_lin.c
 * supplies the function.
 *
 * Only for the lin and x-cli-lin platforms: modules/espnow/manifest.json
 * lists this folder in those sections alone.
 */

#ifndef ESPNOW_LIN_XSHOST_H
#define ESPNOW_LIN_XSHOST_H

#include_next "xsHost.h"

#include <stdint.h>

#include "xs.h"

typedef void (*modMessageDeliver)(void *the, void *refcon, uint8_t *message, uint16_t messageLength);

/* Copies message (messageLength bytes, may be 0) and queues callback to run on the machine's thread, from any thread. 0 if queued, -1 if out of memory. */
extern int modMessagePostToMachine(xsMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon);

#endif
