/* Fake: freertos/semphr.h, a binary semaphore without threads. */
#pragma once

#include "freertos/FreeRTOS.h"

typedef struct fakeSemaphore {
	int given;
} StaticSemaphore_t, *SemaphoreHandle_t;

SemaphoreHandle_t xSemaphoreCreateBinaryStatic(StaticSemaphore_t *storage);
BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t ticks);
BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore);
