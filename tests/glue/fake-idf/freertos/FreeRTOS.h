/* Fake: freertos/FreeRTOS.h. One thread: nothing here blocks. */
#pragma once

#include <stdint.h>

typedef uint32_t TickType_t;
typedef long BaseType_t;

#define configTICK_RATE_HZ 100
#define portMAX_DELAY ((TickType_t)0xffffffffUL)
#define pdTRUE ((BaseType_t)1)
#define pdFALSE ((BaseType_t)0)
