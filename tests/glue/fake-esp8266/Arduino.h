/* Fake: cores/esp8266/Arduino.h, the two calls the glue makes. */
#pragma once

#include <stdint.h>

unsigned long millis(void);
void delay(unsigned long ms);
