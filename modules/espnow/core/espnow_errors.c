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

/* Each range: its first number, how many follow it, and the length of its
   prefix: "ESP_" 4, "ESP_ERR_" 8, "ESP_ERR_WIFI_" 13, "ESP_ERR_ESPNOW_" 15. */
static const struct {
	int16_t first;
	uint8_t count;
	uint8_t prefix;
} gRanges[] = {
	{ ESPNOW_ESP_FAIL, 2, 4 },
	{ ESPNOW_ESP_ERR_NO_MEM, 7, 8 },
	{ ESPNOW_ESP_ERR_WIFI_BASE, 5, 13 },
	{ ESPNOW_ESP_ERR_ESPNOW_BASE, 10, 15 },
};

bool espnow_error_name(int32_t number, char name[ESPNOW_ERROR_NAME_SIZE])
{
	int32_t index = 0;	/* of the suffix, in gSuffixes */
	for (size_t i = 0; i < sizeof(gRanges) / sizeof(gRanges[0]); i++) {
		int32_t skip = number - gRanges[i].first;
		if ((skip >= 0) && (skip < gRanges[i].count)) {
			const char *text = gSuffixes;
			for (index += skip; index--; )
				while (*text++)
					;
			if (!*text)
				return false;
			/* "ESP_", "ESP_ERR_" and "ESP_ERR_ESPNOW_" begin one string */
			size_t length = gRanges[i].prefix;
			memcpy(name, (13 == length) ? "ESP_ERR_WIFI_" : "ESP_ERR_ESPNOW_", length);
			strcpy(name + length, text);
			return true;
		}
		index += gRanges[i].count;
	}
	return false;
}
