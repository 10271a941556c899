/* Fake: esp_common/include/esp_idf_version.h. The version imitated comes from the build. */
#pragma once

#ifndef FAKE_IDF_MAJOR
	#define FAKE_IDF_MAJOR 5
	#define FAKE_IDF_MINOR 5
	#define FAKE_IDF_PATCH 0
#endif

#define ESP_IDF_VERSION_VAL(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
#define ESP_IDF_VERSION ESP_IDF_VERSION_VAL(FAKE_IDF_MAJOR, FAKE_IDF_MINOR, FAKE_IDF_PATCH)
