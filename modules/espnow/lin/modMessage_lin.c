/*
 * modMessagePostToMachine for the Moddable SDK's Linux platforms (lin and
 * x-cli-lin), declared in xsHost.h beside this file.
 *
 * Both platforms run the machine on a GLib main context, and XS's own
 * lin_xs.c already has a thread-safe queue onto it: fxQueueWorkerJob appends
 * a job under the machine's mutex and attaches an idle source to the
 * machine's context, which wakes the loop; the job's callback then runs on
 * the machine's thread and lin_xs.c frees the job. A posted message is one
 * such job carrying the callback, its refcon and a copy of the message.
 *
 * The "xsHost.h" below is the one beside this file; its #include_next finds
 * itself again from here, so the SDK's xsHost.h is not read in this file,
 * which needs nothing from it.
 */

#include "xsHost.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	txWorkerJob job;	/* first: lin_xs.c sees a txWorkerJob and frees the whole record */
	modMessageDeliver callback;
	void *refcon;
	uint16_t length;
	uint8_t message[];
} modMessageJobRecord;

static void deliverJob(void *machine, void *it)
{
	modMessageJobRecord *record = it;
	(*record->callback)(machine, record->refcon, record->length ? record->message : NULL, record->length);
}

int modMessagePostToMachine(xsMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon)
{
	modMessageJobRecord *record = calloc(1, sizeof(modMessageJobRecord) + messageLength);
	if (!record)
		return -1;
	record->job.callback = deliverJob;
	record->callback = callback;
	record->refcon = refcon;
	record->length = message ? messageLength : 0;
	if (record->length)
		memcpy(record->message, message, record->length);
	fxQueueWorkerJob(the, record);
	return 0;
}
