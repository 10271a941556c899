/*
 * espnow_errors: the name <-> number table. A linear search over two dozen entries, used
 * only when an error is raised.
 */

#include <string.h>

#include "espnow_errors.h"

#define kEntry(NAME) { ESPNOW_##NAME, #NAME }

static const espnowErrorRecord gErrors[] = {
	kEntry(ESP_OK),
	kEntry(ESP_FAIL),
	kEntry(ESP_ERR_NO_MEM),
	kEntry(ESP_ERR_INVALID_ARG),
	kEntry(ESP_ERR_INVALID_STATE),
	kEntry(ESP_ERR_INVALID_SIZE),
	kEntry(ESP_ERR_NOT_FOUND),
	kEntry(ESP_ERR_NOT_SUPPORTED),
	kEntry(ESP_ERR_TIMEOUT),
	kEntry(ESP_ERR_WIFI_BASE),
	kEntry(ESP_ERR_WIFI_NOT_INIT),
	kEntry(ESP_ERR_WIFI_NOT_STARTED),
	kEntry(ESP_ERR_WIFI_IF),
	kEntry(ESP_ERR_ESPNOW_BASE),
	kEntry(ESP_ERR_ESPNOW_NOT_INIT),
	kEntry(ESP_ERR_ESPNOW_ARG),
	kEntry(ESP_ERR_ESPNOW_NO_MEM),
	kEntry(ESP_ERR_ESPNOW_FULL),
	kEntry(ESP_ERR_ESPNOW_NOT_FOUND),
	kEntry(ESP_ERR_ESPNOW_INTERNAL),
	kEntry(ESP_ERR_ESPNOW_EXIST),
	kEntry(ESP_ERR_ESPNOW_IF),
	kEntry(ESP_ERR_ESPNOW_CHAN),
};

#define kErrorCount ((int)(sizeof(gErrors) / sizeof(gErrors[0])))

const espnowErrorRecord *espnow_errors(int *count)
{
	*count = kErrorCount;
	return gErrors;
}

const char *espnow_error_name(int32_t number)
{
	for (int i = 0; i < kErrorCount; i++) {
		if (gErrors[i].number == number)
			return gErrors[i].name;
	}
	return NULL;
}

bool espnow_error_number(const char *name, int32_t *number)
{
	if (NULL == name)
		return false;
	for (int i = 0; i < kErrorCount; i++) {
		if (0 == strcmp(gErrors[i].name, name)) {
			*number = gErrors[i].number;
			return true;
		}
	}
	return false;
}
