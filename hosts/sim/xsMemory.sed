# The simulator's xsMemory.c is XS's (@agoric/xsnap's engine) with these
# edits (hosts/sim/Makefile applies them): its collector then decides when to
# grow the heaps as the device's XS does (Moddable SDK 8.2.3,
# xs/sources/xsMemory.c), where the older engine differs.
#
# - Slots. After every collection the slots are "trashing" when fewer free
#   slots are left than the heap's increment (creation.heap.incremental), and
#   fxNewSlot grows the heap after two trashing collections in a row. The
#   older engine clears the flag after every collection XS makes by itself,
#   so it grows the heap only once a collection frees no slot at all: with a
#   heap nearly full of live objects it collects every few allocations, where
#   the device grows the heap (and runs out of memory, if the heap cannot
#   grow, where the older engine went on collecting).
# - Chunks. After every compaction the chunks are trashing when fewer free
#   bytes are left than the chunk increment (creation.chunk.incremental); a
#   chunk that finds no room after two trashing compactions in a row grows the
#   chunk block rather than take the little room the second one made. A
#   growth clears the flag. The older engine has no such flag.
#
# The chunks' flag is collectFlag's 64, as on the device (the older engine
# does not use it). Every edit leaves "simDevice" in a line of its own text:
# the Makefile checks that all 4 applied.

1i\
/* Made from XS's xsMemory.c by hosts/sim/xsMemory.sed: do not edit. */\
#define simTrashingChunksFlag 64

# fxCollect's end: the chunks' flag after a compaction; the slots' after any collection
/^\tif (theFlag) $/{
N
N
s/^\tif (theFlag) \n\t\tthe->collectFlag &= ~XS_TRASHING_FLAG;\n\telse  {$/\tif (theFlag \& XS_COMPACT_FLAG) { \/* simDevice: chunks *\/\
\t\tif ((the->maximumChunksSize - the->currentChunksSize) < the->minimumChunksSize)\
\t\t\tthe->collectFlag |= simTrashingChunksFlag;\
\t\telse\
\t\t\tthe->collectFlag \&= ~simTrashingChunksFlag;\
\t}\
\t{ \/* simDevice: slots, whatever the collection *\//
}

# fxFindChunk: no room after two trashing compactions in a row: grow
/^\tif (\*once) {$/{
N
N
N
s/^\tif (\*once) {\n\t\tfxCollect(the, XS_COMPACT_FLAG | XS_ORGANIC_FLAG);\n\t\t\*once = 0;\n\t\tgoto again;$/\tif (*once) {\
\t\ttxBoolean wasTrashing = (the->collectFlag \& simTrashingChunksFlag) ? 1 : 0; \/* simDevice *\/\
\t\tfxCollect(the, XS_COMPACT_FLAG | XS_ORGANIC_FLAG);\
\t\t*once = 0;\
\t\tif (wasTrashing \&\& (the->collectFlag \& simTrashingChunksFlag))\
\t\t\treturn C_NULL;\
\t\tgoto again;/
}

# fxGrowChunks: a growth, or an attempt, clears the chunks' flag
/^\treturn block;$/i\
\tthe->collectFlag &= ~simTrashingChunksFlag; /* simDevice */
