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

bool espnow_bytes_view(void *machine, void *like, void *buffer, uint32_t length, void *result)
{
	txMachine *the = machine;
	if (ESPNOW_BYTES_VIEW != espnow_bytes_kind(machine, like))
		return false;
	txSlot *model = ((txSlot *)like)->value.reference;
	/* on the stack, so rooted while its slots are made: the prototype, then the instance */
	mxPushReference(model->value.instance.prototype);
	txSlot *made = fxNewObjectInstance(the);
	made->flag |= model->flag & XS_EXOTIC_FLAG;
	txSlot *slot = made->next = fxNewSlot(the);
	slot->ID = model->next->ID;	/* the dispatch: which typed array */
	slot->flag = model->next->flag;
	slot->kind = model->next->kind;
	slot->value = model->next->value;
	slot = slot->next = fxNewSlot(the);	/* the view: all of the buffer */
	slot->flag = XS_INTERNAL_FLAG;
	slot->kind = XS_DATA_VIEW_KIND;
	slot->value.dataView.offset = 0;
	slot->value.dataView.size = (txInteger)length;
	slot = slot->next = fxNewSlot(the);	/* the buffer */
	slot->flag = XS_INTERNAL_FLAG;
	slot->kind = XS_REFERENCE_KIND;
	slot->value.reference = ((txSlot *)buffer)->value.reference;
	mxPullSlot((txSlot *)result);
	return true;
}

/* array's own data element at index (see espnow_array_get), else NULL. An
   Array says so in its first slot (XS_ARRAY_BEHAVIOR); a Proxy's is
   XS_PROXY_KIND. An instance with an ID is one preloaded in flash, which XS
   copies to RAM before it is changed: left to XS. A hole has no element. */
static txSlot *arrayOf(txSlot *array)
{
	if (XS_REFERENCE_KIND != array->kind)
		return NULL;
	txSlot *instance = array->value.reference;
	txSlot *internal = instance->next;
	if ((XS_NO_ID != instance->ID) || !internal || !(internal->flag & XS_INTERNAL_FLAG) || (XS_ARRAY_KIND != internal->kind) || (XS_ARRAY_BEHAVIOR != internal->ID))
		return NULL;
	return internal;
}

static txSlot *ownElement(txMachine *the, txSlot *array, uint32_t index)
{
	txSlot *internal = arrayOf(array);
	if (!internal)
		return NULL;
	txSlot *element = fxGetIndexProperty(the, internal, index);
	if (!element || (XS_ACCESSOR_KIND == element->kind))
		return NULL;
	return element;
}

/* *to = *from's value, as XS copies one (its flags and place stay) */
static bool copyValue(txSlot *to, const txSlot *from)
{
	if (!from)
		return false;
	to->kind = from->kind;
	to->value = from->value;
	return true;
}

int32_t espnow_array_length(void *the, void *array)
{
	(void)the;
	txSlot *internal = arrayOf(array);
	if (!internal)
		return -1;
	/* XS keeps an Array's length as the count of its elements' slots */
	return (internal->value.array.length > INT32_MAX) ? INT32_MAX : (int32_t)internal->value.array.length;
}

bool espnow_array_get(void *the, void *array, uint32_t index, void *value)
{
	return copyValue(value, ownElement(the, array, index));
}

bool espnow_array_set(void *the, void *array, uint32_t index, void *value)
{
	txSlot *element = ownElement(the, array, index);
	/* the element writable, and the array's length (its internal slot's flag) */
	if (!element || (element->flag & XS_DONT_SET_FLAG) || (((txSlot *)array)->value.reference->next->flag & XS_DONT_SET_FLAG))
		return false;
	return copyValue(element, value);
}

/* A Map's first slot is its table (XS_MAP_KIND): chains of entries by
   fxSumEntry, each naming its key slot, whose next is the value. fxSumEntry
   makes -0 and every NaN one number, as it made the keys: equal numbers are
   then equal bits (compared so: a double comparison is a library call
   without an FPU). An object key is summed and compared by its address. */
bool espnow_map_get(void *machine, void *map, void *key, void *value)
{
	txMachine *the = machine;
	txSlot *slot = map, *wanted = key;
	if ((XS_REFERENCE_KIND != slot->kind) || ((XS_NUMBER_KIND != wanted->kind) && (XS_REFERENCE_KIND != wanted->kind)))
		return false;
	txSlot *table = slot->value.reference->next;
	if (!table || !(table->flag & XS_INTERNAL_FLAG) || (XS_MAP_KIND != table->kind))
		return false;
	txU4 sum = fxSumEntry(the, wanted);
	for (txSlot *entry = table->value.table.address[sum & (table->value.table.length - 1)]; entry; entry = entry->next) {
		txSlot *stored = entry->value.entry.slot;
		if ((entry->value.entry.sum != sum) || (stored->kind != wanted->kind))
			continue;
		if ((XS_REFERENCE_KIND == wanted->kind) ? (stored->value.reference == wanted->value.reference) : !memcmp(&stored->value.number, &wanted->value.number, sizeof(txNumber)))
			return copyValue(value, stored->next);
	}
	((txSlot *)value)->kind = XS_UNDEFINED_KIND;
	return true;
}
