/* Fake: tools/sdk/include/c_types.h (the SDK's short integer names). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint8_t uint8;
typedef int8_t sint8;
typedef uint16_t u16;
typedef uint16_t uint16;
typedef uint32_t u32;
typedef uint32_t uint32;
typedef int32_t sint32;
