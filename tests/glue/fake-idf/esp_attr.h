/* Fake: esp_common/include/esp_attr.h. IRAM_ATTR puts a function in a section
   of its own, so that a test can see whether the glue spends internal RAM. */
#pragma once

#define IRAM_ATTR __attribute__((section("fake_iram"), used))
