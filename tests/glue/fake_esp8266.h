/* What the tests ask of the fake ESP8266 SDK (fake_esp8266.c) beyond the SDK's own calls. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Forget everything: station mode, ESP-NOW off, no peers, nothing in flash. */
void fake_esp8266_reset(void);
/* What system_phy_set_max_tpw was last given (82 after reset). */
int fake_esp8266_max_tpw(void);

/* A copy of `bytes` at a flash address, where a preloaded module's data lives:
   only Moddable's espMemCpy() may read it; any other access faults. */
const uint8_t *fake_esp8266_in_flash(const void *bytes, size_t length);

/* Frames esp_now_send() accepted, and the last one. */
int fake_esp8266_frames_sent(void);
size_t fake_esp8266_last_frame(uint8_t mac[6], uint8_t *data, size_t capacity);

/* The key esp_now_set_kok() was last given; false if none. */
bool fake_esp8266_kok(uint8_t key[16]);

/* Moddable's flash-safe copy (xs/platforms/esp/xsHost.c), provided here. */
void espMemCpy(void *dst, const void *src, size_t count);
