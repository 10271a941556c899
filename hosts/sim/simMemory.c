/*
 * The device's memory for XS: the chunk and slot allocators of the engine,
 * and the profile's limits counted in the device's units.
 *
 * On the device (Moddable SDK, xs/platforms/mc/xsHosts.c) a "static"
 * creation gives XS one block: chunks grow up from its bottom, the stack and
 * the slot heaps are taken down from its top, and when a heap of slots does
 * not fit, a compacting collection returns the chunk block's free tail to the
 * slots before XS gives up (XS_NOT_ENOUGH_MEMORY_EXIT). Without "static"
 * (the ESP32 target) chunks and slots are two heaps, of fixed size when their
 * increment is 0 (xs/sources/xsMemory.c: fxGrowChunks, fxNewSlot).
 *
 * The host's memory is plain malloc; what is limited is the device's count:
 * - a slot is 16 bytes, whatever sizeof(txSlot) is here;
 * - a chunk has the device's 8-byte header and 4-byte alignment; a chunk of
 *   slots (array items, arguments, saved stacks) or of pointers (the tables of
 *   Map, Set and the global object) holds half as many bytes as on a 64-bit
 *   host. The chunks are typed by walking the slots that own them.
 * - what the device keeps in flash does not count: what the machine's
 *   creation built (the device's preparation: built-ins, host globals), and
 *   the modules' bytecode, which stays outside the chunks as on the device
 *   (simMemoryArchive). Code that eval or Function compiles is in chunks, on
 *   the device too.
 * The checks happen where the device's allocator runs: when XS grows its
 * chunk block or its slot heap. The 32-bit (m32) build has the device's
 * sizes, so there the count is the host's own.
 */

#include "simPlatform.h"

#define simDeviceSlot 16
#define simDeviceChunkHeader 8
#define simDeviceBlockHeader 16
#define simDeviceAlign(n) (((n) + 3) & ~3)
#define simHostAlign(n) (((n) + (txSize)sizeof(size_t) - 1) & ~((txSize)sizeof(size_t) - 1))
#define simChunkFlag 0x80000000

typedef struct {
	txSize blockLimit;      /* static: one block for chunks and slots (device bytes); 0: two heaps */
	txSize chunkLimit;      /* a fixed-size chunk heap (device bytes); 0: it grows */
	txSize slotLimit;       /* a fixed-size slot heap (slots; XS refuses more itself); 0: it grows */
	txSize stackBytes;
	txSize baseChunks;      /* device bytes of the creation's chunks */
	txSize baseSlots;       /* the creation's slots */
	txSize chunkBytes;      /* the device's chunk block (device bytes) */
	txSize heapSlots;       /* the device's slot heaps (slots) */
	txSize peakBlock, peakChunks, peakSlots;
	int failed;             /* a limit refused an allocation */
	int pending;            /* the last chunk asked for was counted at its least */
} simMemoryRecord, *simMemory;

#define simGetMemory(the) ((simMemory)(((txMachine*)(the))->memory))

static txSize simDeviceValue(txMachine* the, txSlot* slot);

/* xsMemory.c's, not in xsAll.h (Moddable's mc platform declares it too) */
extern void fxGrowSlots(txMachine* the, txSize theCount);

/* Device bytes of a chunk of host capacity `capacity` holding `size` bytes of
   data whose size is a multiple of nothing in particular. */
static txSize simDeviceBytes(txSize capacity, txSize size)
{
	txSize payload = capacity - (txSize)sizeof(txChunk);
	return simDeviceChunkHeader + payload - simHostAlign(size) + simDeviceAlign(size);
}

/* A chunk nobody types: its data is bytes; on a 64-bit host its alignment is
   4 bytes more than the device's half the time. */
static txSize simUntypedBytes(txSize capacity)
{
	txSize payload = capacity - (txSize)sizeof(txChunk);
	return simDeviceChunkHeader + payload - ((sizeof(size_t) > 4) ? 2 : 0);
}

static txChunk* simChunkOf(void* data)
{
	return (txChunk*)(((txByte*)data) - sizeof(txChunk));
}

static txSize simChunkCapacity(txChunk* chunk)
{
	return (txSize)(chunk->temporary - (txByte*)chunk);
}

/* Marks a chunk as typed (XS's own mark bit, cleared by simClearChunks) and
   returns the device bytes minus the untyped count, or 0 if already typed. */
static txSize simTypeChunk(void* data, txSize device)
{
	txChunk* chunk = simChunkOf(data);
	if (chunk->size & simChunkFlag)
		return 0;
	chunk->size |= simChunkFlag;
	return device - simUntypedBytes(simChunkCapacity(chunk));
}

static txSize simDeviceSlots(txMachine* the, txSlot* items, txIndex length)
{
	txChunk* chunk = simChunkOf(items);
	txSize capacity = simChunkCapacity(chunk);
	txSize payload = capacity - (txSize)sizeof(txChunk);
	txSize count = payload / (txSize)sizeof(txSlot);
	txSize result;
	if (chunk->size & simChunkFlag)
		return 0;
	result = simTypeChunk(items, simDeviceChunkHeader + (payload * simDeviceSlot) / (txSize)sizeof(txSlot));
	if ((txSize)length < count)
		count = (txSize)length;
	while (count-- > 0)
		result += simDeviceValue(the, items++);
	return result;
}

static txSize simDevicePointers(void* table)
{
	txChunk* chunk = simChunkOf(table);
	txSize payload = simChunkCapacity(chunk) - (txSize)sizeof(txChunk);
	return simTypeChunk(table, simDeviceChunkHeader + (payload * 4) / (txSize)sizeof(void*));
}

static txSize simDeviceValue(txMachine* the, txSlot* slot)
{
	txChunk* chunk;
	switch (slot->kind) {
	case XS_STRING_KIND:
		chunk = simChunkOf(slot->value.string);
		return simTypeChunk(slot->value.string, simDeviceBytes(simChunkCapacity(chunk), (txSize)c_strlen(slot->value.string) + 1));
	case XS_KEY_KIND:
		if (!slot->value.key.string)
			return 0;
		chunk = simChunkOf(slot->value.key.string);
		return simTypeChunk(slot->value.key.string, simDeviceBytes(simChunkCapacity(chunk), (txSize)c_strlen(slot->value.key.string) + 1));
	case XS_BIGINT_KIND:
		chunk = simChunkOf(slot->value.bigint.data);
		return simTypeChunk(slot->value.bigint.data, simDeviceBytes(simChunkCapacity(chunk), (txSize)slot->value.bigint.size * 4));
	case XS_ARGUMENTS_SLOPPY_KIND:
	case XS_ARGUMENTS_STRICT_KIND:
	case XS_ARRAY_KIND:
	case XS_STACK_KIND:
		if (slot->value.array.address)
			return simDeviceSlots(the, slot->value.array.address, slot->value.array.length);
		return 0;
	case XS_GLOBAL_KIND:
	case XS_MAP_KIND:
	case XS_SET_KIND:
		return simDevicePointers(slot->value.table.address);
	default:
		return 0;
	}
}

/* Calls fn on every chunk of every block, in address order. */
static txSize simEachChunk(txMachine* the, txSize (*fn)(txChunk* chunk))
{
	txSize total = 0;
	txBlock* block;
	for (block = the->firstBlock; block; block = block->nextBlock) {
		txByte* current = ((txByte*)block) + sizeof(txBlock);
		while (current < block->current) {
			txChunk* chunk = (txChunk*)current;
			total += (*fn)(chunk);
			current = chunk->temporary;
		}
	}
	return total;
}

static txSize simCountChunk(txChunk* chunk)
{
	return simUntypedBytes(simChunkCapacity(chunk));
}

static txSize simClearChunk(txChunk* chunk)
{
	chunk->size &= ~simChunkFlag;
	return 0;
}

/* Device bytes of the chunks in the blocks, live or garbage: every chunk
   counted as bytes, then corrected by the type its owner gives it. */
static txSize simDeviceChunks(txMachine* the)
{
	txSize total = simEachChunk(the, simCountChunk);
	txSlot* heap;
	txSlot* slot;
	for (heap = the->firstHeap; heap; heap = heap->next) {
		txSlot* limit = heap->value.reference;
		for (slot = heap + 1; slot < limit; slot++)
			total += simDeviceValue(the, slot);
	}
	for (slot = the->stack; slot < the->stackTop; slot++)
		total += simDeviceValue(the, slot);
	for (slot = the->cRoot; slot; slot = slot->next)
		total += simDeviceValue(the, slot);
	simEachChunk(the, simClearChunk);
	return total;
}

/* What a chunk the engine asks for takes on the device at least: its type
   is known once its owner holds it, at the next check (the next growth of
   the chunks or the slots, or the end), which counts it exactly. Half, if it
   holds slots or pointers on a 64-bit host. */
static txSize simLeastDeviceBytes(txSize request)
{
	return (request * simDeviceSlot) / (txSize)sizeof(txSlot);
}

/* The program's chunks, without the creation's. */
static txSize simUsedChunks(txMachine* the, simMemory memory)
{
	txSize used = simDeviceChunks(the) - memory->baseChunks;
	return (used > 0) ? used : 0;
}

/* The chunks allocated since the last check, now typed, may make the block
   larger than it was counted. */
static void simCountChunks(txMachine* the, simMemory memory)
{
	txSize used = simDeviceBlockHeader + simUsedChunks(the, memory);
	if (memory->chunkBytes < used)
		memory->chunkBytes = used;
}

static void simNotePeaks(simMemory memory)
{
	txSize block = memory->chunkBytes + memory->stackBytes + memory->heapSlots * simDeviceSlot;
	if (memory->peakBlock < block)
		memory->peakBlock = block;
	if (memory->peakChunks < memory->chunkBytes)
		memory->peakChunks = memory->chunkBytes;
	if (memory->peakSlots < memory->heapSlots)
		memory->peakSlots = memory->heapSlots;
}

static txSize simBlockUse(simMemory memory, txSize moreChunks, txSize moreSlots)
{
	return memory->chunkBytes + moreChunks + memory->stackBytes + (memory->heapSlots + moreSlots) * simDeviceSlot;
}

/* The device gives the free tail of its chunk block to the slots: the host
   gives up its free tails too, so that the next chunk grows the block and is
   checked. */
static void simReturnChunkTails(txMachine* the)
{
	txBlock* block;
	for (block = the->firstBlock; block; block = block->nextBlock) {
		the->maximumChunksSize -= (txSize)(block->limit - block->current);
		block->limit = block->current;
	}
}

void* fxAllocateChunks(txMachine* the, txSize size)
{
	simMemory memory = simGetMemory(the);
	if (memory && the->firstBlock) {
		txSize request = size - (txSize)sizeof(txBlock);
		txSize used = simUsedChunks(the, memory);
		txSize needed = simDeviceBlockHeader + used + simLeastDeviceBytes(request);
		txSize most = simDeviceBlockHeader + used + request;
		memory->pending = (memory->chunkLimit && (most - simDeviceBlockHeader > memory->chunkLimit))
			|| (memory->blockLimit && (most > memory->chunkBytes) && (simBlockUse(memory, most - memory->chunkBytes, 0) > memory->blockLimit));
		if (memory->chunkLimit && (needed - simDeviceBlockHeader > memory->chunkLimit)) {
			memory->failed = 1;
			return NULL;
		}
		if (needed > memory->chunkBytes) {
			if (memory->blockLimit && (simBlockUse(memory, needed - memory->chunkBytes, 0) > memory->blockLimit)) {
				memory->failed = 1;
				return NULL;
			}
			memory->chunkBytes = needed;
		}
		simNotePeaks(memory);
	}
	return malloc(size);
}

txSlot* fxAllocateSlots(txMachine* the, txSize count)
{
	simMemory memory = simGetMemory(the);
	if (memory && memory->blockLimit) {
		simCountChunks(the, memory);
		if (simBlockUse(memory, 0, count) > memory->blockLimit) {
			if (the->firstBlock && (the->collectFlag & XS_COLLECTING_FLAG)) {
				fxCollect(the, XS_COMPACT_FLAG | XS_ORGANIC_FLAG);
				simReturnChunkTails(the);
				memory->chunkBytes = simDeviceBlockHeader + simUsedChunks(the, memory);
			}
			if (simBlockUse(memory, 0, count) > memory->blockLimit) {
				memory->failed = 1;
				return NULL;
			}
		}
	}
	if (memory) {
		memory->heapSlots += count;
		simNotePeaks(memory);
	}
	return (txSlot*)malloc(count * sizeof(txSlot));
}

/* The bytecode of the app's modules, which a device keeps in flash: kept
   here until the program ends. */
typedef struct simFlashRecord simFlashRecord, *simFlash;
struct simFlashRecord {
	simFlash next;
	void* code;
};

static simFlash gFlash = NULL;

static void simFreeFlash(void)
{
	while (gFlash) {
		simFlash flash = gFlash;
		gFlash = flash->next;
		free(flash->code);
		free(flash);
	}
}

/* XS's c_free (sim_xs.h): XS frees a module's script once its body ran, but
   the module's functions run its code in place. */
void simFree(void* pointer)
{
	simFlash flash;
	for (flash = gFlash; flash; flash = flash->next) {
		if (flash->code == pointer)
			return;
	}
	free(pointer);
}

/* Makes a parsed module's functions and string literals refer to its code
   instead of copying them into chunks, as Moddable's linker does for the
   device (xs/tools/xslBase.c rewrites XS_CODE_CODE_* and XS_CODE_STRING_* to
   their _ARCHIVE_ forms), and keeps the code for the program's life. */
void simMemoryArchive(txMachine* the, txScript* script)
{
	txS1* p = script->codeBuffer;
	txS1* limit = p + script->codeSize;
	simFlash flash;
	if (!p)
		return;
	flash = c_calloc(1, sizeof(simFlashRecord));
	if (!flash)
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	while (p < limit) {
		txU1 code = *((txU1*)p);
		txS1 size;
		switch (code) {
		case XS_CODE_CODE_1: code = XS_CODE_CODE_ARCHIVE_1; break;
		case XS_CODE_CODE_2: code = XS_CODE_CODE_ARCHIVE_2; break;
		case XS_CODE_CODE_4: code = XS_CODE_CODE_ARCHIVE_4; break;
		case XS_CODE_STRING_1: code = XS_CODE_STRING_ARCHIVE_1; break;
		case XS_CODE_STRING_2: code = XS_CODE_STRING_ARCHIVE_2; break;
		case XS_CODE_STRING_4: code = XS_CODE_STRING_ARCHIVE_4; break;
		default: break;
		}
		*((txU1*)p) = code;
		size = gxCodeSizes[code];
		if (size > 0)
			p += size;
		else if (size == 0)
			p += 1 + sizeof(txID);
		else if (size == -1)
			p += 2 + *((txU1*)(p + 1));
		else if (size == -2) {
			txU2 length;
			p++;
			mxDecode2(p, length);
			p += length;
		}
		else {
			txS4 length;
			p++;
			mxDecode4(p, length);
			p += length;
		}
	}
	if (!gFlash)
		atexit(simFreeFlash);
	flash->code = script->codeBuffer;
	flash->next = gFlash;
	gFlash = flash;
}

void fxFreeChunks(txMachine* the, void* chunks)
{
	free(chunks);
}

void fxFreeSlots(txMachine* the, void* slots)
{
	free(slots);
}

void simMemoryStart(txMachine* the)
{
	simHostState host = simGetHost(the);
	simProfile profile = &host->profile;
	simMemory memory;
	txSize free;
	txSize heapInitial = profile->heapInitial;
	if (!strcmp(profile->name, "desktop"))
		return;
	memory = c_calloc(1, sizeof(simMemoryRecord));
	if (!memory)
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	memory->blockLimit = profile->staticSize;
	if (!profile->chunkIncremental)
		memory->chunkLimit = profile->chunkInitial;
	if (!profile->heapIncremental)
		memory->slotLimit = profile->heapInitial;
	/* the profile's stack, without the slots main.c adds for what the device
	   keeps in flash */
	memory->stackBytes = (profile->stackCount ? profile->stackCount : (txSize)(the->stackTop - the->stackBottom)) * simDeviceSlot;

	/* what the creation made is the device's preparation, in flash */
	fxCollect(the, XS_COMPACT_FLAG);
	memory->baseChunks = simDeviceChunks(the);
	memory->baseSlots = the->currentHeapCount;
	the->peakHeapCount = the->currentHeapCount;
	simReturnChunkTails(the);
	/* a fixed heap is counted by what it holds */
	memory->chunkBytes = (memory->chunkLimit && !memory->blockLimit) ? 0 : simDeviceBlockHeader + profile->chunkInitial;

	/* the program starts with the device's free slots (its first heap less
	   the heap's own first slot): XS grows the heap when too few are free,
	   as on the device */
	free = the->maximumHeapCount - the->currentHeapCount;
	if (heapInitial - free >= 2)
		fxGrowSlots(the, heapInitial - free);
	memory->heapSlots = (free > heapInitial) ? free : heapInitial;
	the->minimumHeapCount = profile->heapIncremental;
	the->minimumChunksSize = profile->chunkIncremental ? profile->chunkIncremental : 512;

	the->memory = memory;
	simNotePeaks(memory);
	if (memory->blockLimit && (simBlockUse(memory, 0, 0) > memory->blockLimit)) {
		memory->failed = 1;
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	}
}

/* Called by fxAbort for XS_NOT_ENOUGH_MEMORY_EXIT: names the limit. */
void simMemoryExplain(txMachine* the)
{
	simHostState host = simGetHost(the);
	simMemory memory = simGetMemory(the);
	if (!memory)
		return;
	if (memory->blockLimit)
		fprintf(stderr, "xsim: not enough memory: the %s profile gives XS %ld bytes (chunks %ld, slots %ld, stack %ld)\n",
			host->profile.name, (long)memory->blockLimit, (long)memory->chunkBytes,
			(long)(memory->heapSlots * simDeviceSlot), (long)memory->stackBytes);
	else
		fprintf(stderr, "xsim: not enough memory: the %s profile gives XS %ld chunk bytes and %ld slots\n",
			host->profile.name, (long)host->profile.chunkInitial, (long)host->profile.heapInitial);
}

/* Prints the peaks (--verbose) and returns 1 if the last chunk asked for,
   counted now that its owner types it, did not fit in what the device has. */
int simMemoryEnd(txMachine* the)
{
	simHostState host = simGetHost(the);
	simMemory memory = simGetMemory(the);
	int over = 0;
	if (!memory)
		return 0;
	if (!memory->failed && memory->pending) {
		/* the last chunk asked for may not have fitted: its owner types it
		   now (the program's objects die once it ends, so no collection) */
		txSize used = simUsedChunks(the, memory);
		if (memory->blockLimit) {
			txSize room = memory->blockLimit - memory->stackBytes - memory->heapSlots * simDeviceSlot;
			over = simDeviceBlockHeader + used > room;
			if (simDeviceBlockHeader + used > room)
				used = room - simDeviceBlockHeader;
		}
		else if (memory->chunkLimit) {
			over = used > memory->chunkLimit;
			if (used > memory->chunkLimit)
				used = memory->chunkLimit;
		}
		if (memory->chunkBytes < simDeviceBlockHeader + used)
			memory->chunkBytes = simDeviceBlockHeader + used;
		simNotePeaks(memory);
		if (over) {
			fprintf(stderr, "Fatal: not enough memory (found at the end)\n");
			simMemoryExplain(the);
		}
	}
	if (host->profile.verbose) {
		txSize used = the->peakHeapCount - memory->baseSlots;
		if (memory->blockLimit)
			fprintf(stderr, "xsim memory: profile=%s block-limit=%ld block-peak=%ld slots-peak=%ld slots-used-peak=%ld chunks-peak=%ld stack=%ld\n",
				host->profile.name, (long)memory->blockLimit, (long)memory->peakBlock, (long)memory->peakSlots,
				(long)used, (long)memory->peakChunks, (long)(memory->stackBytes / simDeviceSlot));
		else
			fprintf(stderr, "xsim memory: profile=%s slots-limit=%ld slots-peak=%ld slots-used-peak=%ld chunks-limit=%ld chunks-peak=%ld stack=%ld\n",
				host->profile.name, (long)host->profile.heapInitial, (long)memory->peakSlots, (long)used,
				(long)host->profile.chunkInitial, (long)memory->peakChunks, (long)(memory->stackBytes / simDeviceSlot));
	}
	the->memory = NULL;
	c_free(memory);
	return over;
}
