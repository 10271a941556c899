/*
 * What a JS value really is (modESPNowBytes.h). xsmcIsInstanceOf asks the
 * prototype chain, which any object can borrow; the slot after an instance
 * says what XS made it: XS_ARRAY_BUFFER_KIND, XS_TYPED_ARRAY_KIND (then its
 * dispatch, whose constructor says which typed array, its view and its
 * buffer), XS_HOST_KIND, ...
 */

#include "xsAll.h"
#include "modESPNowBytes.h"

int espnow_bytes_kind(void *machine, void *value)
{
	txSlot *slot = value;
	(void)machine;
	if (XS_REFERENCE_KIND != slot->kind)
		return ESPNOW_BYTES_NONE;
	txSlot *internal = slot->value.reference->next;
	if (!internal || !(internal->flag & XS_INTERNAL_FLAG))
		return ESPNOW_BYTES_NONE;
	if (XS_ARRAY_BUFFER_KIND == internal->kind)
		return ESPNOW_BYTES_ARRAY_BUFFER;
	if ((XS_TYPED_ARRAY_KIND == internal->kind) && (mxID(_Uint8Array) == internal->value.typedArray.dispatch->constructorID))
		return ESPNOW_BYTES_VIEW;
	return ESPNOW_BYTES_NONE;
}

void espnow_bytes_fit(void *machine, void *value, uint32_t length)
{
	txMachine *the = machine;
	txSlot *buffer = value;
	txSlot *internal = buffer->value.reference->next;
	txInteger offset = 0;
	if (XS_TYPED_ARRAY_KIND == internal->kind) {
		txSlot *view = internal->next;
		if (view->value.dataView.size >= 0)
			return;	/* a fixed-length view */
		offset = view->value.dataView.offset;
		buffer = view->next;
	}
	txSlot *arrayBuffer = buffer->value.reference->next;
	txInteger max = arrayBuffer->next->value.bufferInfo.maxLength;
	if ((max < 0) || !arrayBuffer->value.arrayBuffer.address || (arrayBuffer->flag & XS_DONT_SET_FLAG))
		return;	/* fixed-length, detached or read-only */
	if ((offset > max) || (length > (uint32_t)(max - offset)))
		return;
	fxSetArrayBufferLength(the, buffer, offset + (txInteger)length);
}
