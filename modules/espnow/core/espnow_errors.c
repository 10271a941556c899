/*
 * espnow_errors: the name <-> number table, in flash (const) and compact:
 * the numbers run in five ranges, each name is its ESP-IDF prefix (from the
 * number: "ESP_", "ESP_ERR_", "ESP_ERR_WIFI_" or "ESP_ERR_ESPNOW_") and a
 * suffix from one string. A linear walk, used only when an error is raised.
 */

#include <string.h>

#include "espnow_errors.h"

/* The suffixes in number order, range after range; "" is a gap (0x3003). */
static const char gSuffixes[] =
	"FAIL\0" "OK\0"
	"NO_MEM\0" "INVALID_ARG\0" "INVALID_STATE\0" "INVALID_SIZE\0" "NOT_FOUND\0" "NOT_SUPPORTED\0" "TIMEOUT\0"
	"BASE\0" "NOT_INIT\0" "NOT_STARTED\0" "\0" "IF\0"
	"BASE\0" "NOT_INIT\0" "ARG\0" "NO_MEM\0" "FULL\0" "NOT_FOUND\0" "INTERNAL\0" "EXIST\0" "IF\0" "CHAN";

/* Each range: its first number and how many follow it. */
static const struct {
	int16_t first;
	uint8_t count;
} gRanges[] = {
	{ ESPNOW_ESP_FAIL, 2 },
	{ ESPNOW_ESP_ERR_NO_MEM, 7 },
	{ ESPNOW_ESP_ERR_WIFI_BASE, 5 },
	{ ESPNOW_ESP_ERR_ESPNOW_BASE, 10 },
};

/* The suffix of number, or NULL. */
static const char *suffix(int32_t number)
{
	const char *text = gSuffixes;
	for (size_t i = 0; i < sizeof(gRanges) / sizeof(gRanges[0]); i++) {
		int32_t skip = number - gRanges[i].first;
		bool here = (skip >= 0) && (skip < gRanges[i].count);
		if (!here)
			skip = gRanges[i].count;
		while (skip--)
			text += strlen(text) + 1;
		if (here)
			return *text ? text : NULL;
	}
	return NULL;
}

bool espnow_error_name(int32_t number, char name[ESPNOW_ERROR_NAME_SIZE])
{
	const char *text = suffix(number);
	if (!text)
		return false;
	/* "ESP_", "ESP_ERR_" and "ESP_ERR_ESPNOW_" begin one string */
	size_t length = (number <= 0) ? 4 : (number < ESPNOW_ESP_ERR_WIFI_BASE) ? 8 : (number < ESPNOW_ESP_ERR_ESPNOW_BASE) ? 13 : 15;
	memcpy(name, (13 == length) ? "ESP_ERR_WIFI_" : "ESP_ERR_ESPNOW_", length);
	strcpy(name + length, text);
	return true;
}
