#!/bin/sh
# Compile the ESP32 and ESP8266 glue, the core and the binding against the
# real SDK headers, with -Wall -Werror: the check that the fake SDKs of
# tests/glue cannot give. Not run in CI (it needs the SDKs). See README.md,
# "Checking the glue against the SDKs".
#
#   IDF_PATH=~/esp/esp-idf tools/check-sdk.sh
#   ESP8266_CORE=~/esp/esp8266-2.3.0 tools/check-sdk.sh
#   MODDABLE=~/moddable IDF_PATH=... tools/check-sdk.sh
#
# IDF_PATH: an ESP-IDF tree (5.1 or later). Compiled for ESP32-C3 and
#   ESP32-C6 (802.11ax) with riscv32-esp-elf-gcc or riscv64-unknown-elf-gcc,
#   and for ESP32 with xtensa-esp32-elf-gcc if it is on PATH. No idf.py
#   project is needed: a minimal sdkconfig.h is written from the chip's
#   soc/Kconfig.soc_caps.in.
# ESP8266_CORE: the ESP8266 Arduino core 2.3.0 (cores/esp8266,
#   tools/sdk/include), compiled with xtensa-lx106-elf-gcc.
# MODDABLE: the Moddable SDK. The binding (modESPNow.c, modWLAN.c) is
#   compiled against its xs headers, and mcconfig builds every example for
#   esp32/esp32c3 (needs Moddable's ESP-IDF set-up) unless CHECK_EXAMPLES=0.
#
# Prints one line per check, PASS or FAIL, and exits non-zero if any failed.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-sdk.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILED=0
CHECKED=0

result() {	# name status log
	CHECKED=$((CHECKED + 1))
	if [ "$2" -eq 0 ]; then
		echo "PASS $1"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL $1"
		sed 's/^/    /' "$3" | head -40
	fi
}

first_tool() {
	for tool in "$@"; do
		if command -v "$tool" >/dev/null 2>&1; then
			echo "$tool"
			return 0
		fi
	done
	return 1
}

# sdkconfig.h for one chip: its SoC capabilities (what idf.py would write
# from soc/Kconfig.soc_caps.in) and the few options the headers read.
idf_sdkconfig() {	# target arch directory
	caps="$IDF_PATH/components/soc/$1/include/soc/Kconfig.soc_caps.in"
	upper=$(echo "$1" | tr 'a-z' 'A-Z')
	{
		echo "#define CONFIG_IDF_TARGET \"$1\""
		echo "#define CONFIG_IDF_TARGET_$upper 1"
		echo "#define CONFIG_IDF_TARGET_ARCH_$(echo "$2" | tr 'a-z' 'A-Z') 1"
		echo "#define CONFIG_IDF_FIRMWARE_CHIP_ID 0"
		echo "#define CONFIG_FREERTOS_HZ 100"
		echo "#define CONFIG_FREERTOS_MAX_TASK_NAME_LEN 16"
		echo "#define CONFIG_FREERTOS_ISR_STACKSIZE 1536"
		echo "#define CONFIG_FREERTOS_TIMER_TASK_STACK_DEPTH 2048"
		echo "#define CONFIG_FREERTOS_TIMER_TASK_PRIORITY 1"
		echo "#define CONFIG_FREERTOS_TIMER_QUEUE_LENGTH 10"
		echo "#define CONFIG_FREERTOS_TIMER_SERVICE_TASK_CORE_AFFINITY 0x7FFFFFFF"
		echo "#define CONFIG_FREERTOS_TIMER_SERVICE_TASK_NAME \"Tmr Svc\""
		echo "#define CONFIG_FREERTOS_IDLE_TASK_STACKSIZE 1536"
		echo "#define CONFIG_FREERTOS_QUEUE_REGISTRY_SIZE 0"
		echo "#define CONFIG_FREERTOS_TASK_NOTIFICATION_ARRAY_ENTRIES 1"
		echo "#define CONFIG_FREERTOS_THREAD_LOCAL_STORAGE_POINTERS 1"
		echo "#define CONFIG_FREERTOS_CHECK_STACKOVERFLOW_CANARY 1"
		echo "#define CONFIG_FREERTOS_TICK_SUPPORT_SYSTIMER 1"
		echo "#define CONFIG_FREERTOS_CORETIMER_SYSTIMER_LVL1 1"
		echo "#define CONFIG_FREERTOS_SYSTICK_USES_SYSTIMER 1"
		echo "#define CONFIG_FREERTOS_NO_AFFINITY 0x7FFFFFFF"
		echo "#define CONFIG_FREERTOS_USE_TIMERS 1"
		echo "#define CONFIG_FREERTOS_PORT 1"
		echo "#define CONFIG_ESP_TASK_WDT_EN 1"
		echo "#define CONFIG_ESP_WIFI_STATIC_RX_BUFFER_NUM 6"
		echo "#define CONFIG_ESP_WIFI_DYNAMIC_RX_BUFFER_NUM 12"
		echo "#define CONFIG_ESP_WIFI_TX_BUFFER_TYPE 1"
		echo "#define CONFIG_ESP_WIFI_DYNAMIC_TX_BUFFER_NUM 12"
		echo "#define CONFIG_ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM 7"
		echo "#define CONFIG_ESP_WIFI_RX_MGMT_BUF_NUM_DEF 5"
		echo "#define CONFIG_ESP_WIFI_MGMT_SBUF_NUM 32"
		echo "#define CONFIG_ESP_WIFI_DYNAMIC_RX_MGMT_BUF 0"
		echo "#define CONFIG_ESP_WIFI_SOFTAP_SUPPORT 1"
		echo "#define CONFIG_LOG_DEFAULT_LEVEL 3"
		echo "#define CONFIG_LOG_MAXIMUM_LEVEL 3"
		[ "$1" = esp32 ] || echo "#define CONFIG_FREERTOS_UNICORE 1"
		[ "$1" = esp32 ] || echo "#define CONFIG_ESP_SYSTEM_SINGLE_CORE_MODE 1"
		[ "$1" = esp32 ] || echo "#define CONFIG_FREERTOS_NUMBER_OF_CORES 1"
		[ "$1" = esp32 ] && echo "#define CONFIG_FREERTOS_NUMBER_OF_CORES 2"
		awk '
			/^[ \t]*config SOC_/ { name = $2; type = ""; next }
			name && /^[ \t]*(bool|int|hex|string)/ { type = $1; next }
			name && /^[ \t]*default/ {
				value = $2
				if (type == "bool") { if (value == "y") print "#define CONFIG_" name " 1" }
				else if (type == "string") { sub(/^[ \t]*default[ \t]*/, ""); print "#define CONFIG_" name " " $0 }
				else print "#define CONFIG_" name " " value
				name = ""
			}
		' "$caps"
	} > "$3/sdkconfig.h"
}

# Every component's public include folders, for one chip and architecture,
# as ESP-IDF's build would give a component that requires them all.
idf_includes() {	# target arch
	others=$(ls "$IDF_PATH/components/soc" | grep -v "^$1\$" | grep '^esp32' | tr '\n' '|' | sed 's/|$//')
	if [ "$2" = riscv ]; then skip='xtensa'; else skip='riscv'; fi
	find "$IDF_PATH/components" -maxdepth 6 -type d -name include \
		| grep -v -E "/(test|test_apps|host_test|linux|$skip|FreeRTOS-Kernel-SMP|bt|openthread|lwip/lwip/src/include/compat)/" \
		| grep -v -E "/($others)(/|\$)" \
		| sort | sed 's/^/-I/'
	for extra in components/esp_wifi/include/local \
		components/freertos/FreeRTOS-Kernel/include/freertos \
		components/freertos/config/$2/include/freertos \
		components/freertos/config/include/freertos \
		components/freertos/FreeRTOS-Kernel/portable/$2/include/freertos \
		components/soc/$1/register components/esp_rom/$1 components/esp_rom/$1/include/$1 \
		components/$2/include components/newlib/platform_include; do
		[ -d "$IDF_PATH/$extra" ] && echo "-I$IDF_PATH/$extra"
	done
}

check_idf() {	# target arch compiler
	dir="$WORK/$1"
	mkdir -p "$dir"
	idf_sdkconfig "$1" "$2" "$dir"
	version=$(sed -n 's/^set(IDF_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\))/\2/p' "$IDF_PATH/tools/cmake/version.cmake" | tr '\n' '.' | sed 's/\.$//')
	if [ "$2" = riscv ]; then
		arch_flags="-march=rv32imac_zicsr_zifencei -mabi=ilp32"
		"$3" $arch_flags -E -x c /dev/null >/dev/null 2>&1 || arch_flags="-march=rv32imac -mabi=ilp32"
		# Debian's riscv64-unknown-elf-gcc has no C library: newlib's headers (Debian's libnewlib-dev) stand in for Espressif's.
		case "$3" in riscv64-unknown-elf-gcc) arch_flags="$arch_flags -idirafter ${NEWLIB_INCLUDE:-/usr/include/newlib}" ;; esac
	else
		arch_flags="-mlongcalls"
	fi
	includes=$(idf_includes "$1" "$2")
	for source in espnow/esp32/espnow_esp32.c wlan/esp32/wlan_esp32.c espnow/core/espnow_core.c espnow/core/espnow_ring.c espnow/core/espnow_stats.c espnow/core/espnow_errors.c; do
		log="$dir/$(basename "$source").log"
		# shellcheck disable=SC2086
		"$3" -std=gnu17 $arch_flags -Os -ffunction-sections -Wall -Werror -D_GNU_SOURCE -DESP_PLATFORM -DIDF_VER="\"v$version\"" \
			-I"$dir" -I"$ROOT/modules/espnow/core" -I"$ROOT/modules/wlan" -I"$ROOT/modules/wlan/esp32" \
			$includes -c "$ROOT/modules/$source" -o "$dir/$(basename "$source").o" >"$log" 2>&1
		result "ESP-IDF $version $1: $source" $? "$log"
	done
}

if [ -n "${IDF_PATH:-}" ]; then
	riscv=$(first_tool riscv32-esp-elf-gcc riscv64-unknown-elf-gcc) || riscv=
	if [ -n "$riscv" ]; then
		check_idf esp32c3 riscv "$riscv"
		check_idf esp32c6 riscv "$riscv"
	else
		echo "SKIP ESP32-C3, C6: no riscv32-esp-elf-gcc or riscv64-unknown-elf-gcc on PATH"
	fi
	xtensa=$(first_tool xtensa-esp32-elf-gcc xtensa-esp-elf-gcc) || xtensa=
	if [ -n "$xtensa" ]; then
		check_idf esp32 xtensa "$xtensa"
	else
		echo "SKIP ESP32 (Xtensa): no xtensa-esp32-elf-gcc on PATH"
	fi
fi

if [ -n "${ESP8266_CORE:-}" ]; then
	lx106=$(first_tool xtensa-lx106-elf-gcc) || lx106=
	if [ -n "$lx106" ]; then
		dir="$WORK/esp8266"
		mkdir -p "$dir"
		for source in espnow/esp8266/espnow_esp8266.c wlan/esp8266/wlan_esp8266.c espnow/core/espnow_core.c espnow/core/espnow_ring.c espnow/core/espnow_stats.c espnow/core/espnow_errors.c; do
			log="$dir/$(basename "$source").log"
			"$lx106" -std=gnu11 -Os -mlongcalls -mtext-section-literals -Wall -Werror -D__ets__ -DICACHE_FLASH -DF_CPU=80000000L -DARDUINO=10605 -DARDUINO_ARCH_ESP8266 -DESP8266 \
				-I"$ROOT/modules/espnow/core" -I"$ROOT/modules/wlan" \
				-I"$ESP8266_CORE/tools/sdk/include" -I"$ESP8266_CORE/tools/sdk/lwip/include" -I"$ESP8266_CORE/cores/esp8266" -I"$ESP8266_CORE/variants/generic" \
				-c "$ROOT/modules/$source" -o "$dir/$(basename "$source").o" >"$log" 2>&1
			result "ESP8266 Arduino core: $source" $? "$log"
		done
	else
		echo "SKIP ESP8266: no xtensa-lx106-elf-gcc on PATH"
	fi
fi

if [ -n "${MODDABLE:-}" ] && [ "${CHECK_EXAMPLES:-1}" != 0 ]; then
	if command -v mcconfig >/dev/null 2>&1; then
		for example in "$ROOT"/examples/*/; do
			for platform in esp32/esp32c3 esp; do
				log="$WORK/$(basename "$example")-$(echo $platform | tr / -).log"
				(cd "$example" && mcconfig -d -m -p "$platform" -o "$WORK/build-$platform" ./manifest.json) >"$log" 2>&1
				result "mcconfig -p $platform $(basename "$example")" $? "$log"
			done
		done
	else
		echo "SKIP examples: no mcconfig on PATH (source Moddable's environment first)"
	fi
fi

if [ "$CHECKED" -eq 0 ]; then
	echo "Nothing checked: set IDF_PATH, ESP8266_CORE and/or MODDABLE (see the top of $0)."
	exit 2
fi
echo "$((CHECKED - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
