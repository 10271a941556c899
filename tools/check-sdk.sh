#!/bin/sh
# Compile the ESP32 and ESP8266 glue, the core and the binding against the
# real SDK headers, with -Wall -Werror: the check that the fake SDKs of
# tests/glue cannot give. Not run in CI (it needs the SDKs). See README.md,
# "Checking the glue against the SDKs".
#
#   IDF_PATH=~/esp32/esp-idf tools/check-sdk.sh
#   ESP8266_CORE=~/esp/esp8266-2.3.0 tools/check-sdk.sh
#   MODDABLE=~/moddable IDF_PATH=... ESP8266_CORE=... tools/check-sdk.sh
#
# IDF_PATH: an ESP-IDF tree (5.1 or later, submodules checked out). Compiled
#   for ESP32-C3 and ESP32-C6 (802.11ax) with riscv32-esp-elf-gcc or Debian's
#   riscv64-unknown-elf-gcc, and for ESP32 with xtensa-esp32-elf-gcc if it
#   is on PATH. No idf.py project is needed: sdkconfig.h is written from the
#   chip's soc/Kconfig.soc_caps.in, a few defaults, and (given MODDABLE)
#   Moddable's xsProj-<chip>/sdkconfig.defaults.
# ESP8266_CORE: the ESP8266 Arduino core 2.3.0 (cores/esp8266,
#   tools/sdk/include), compiled with xtensa-lx106-elf-gcc.
# MODDABLE: the Moddable SDK. Every C file, the binding (modESPNow.c,
#   modWLAN.c) too, is compiled again the way mcconfig compiles it: the
#   include folders, defines and flags are read from the SDK's own
#   tools/mcconfig/make.esp32.mk and make.esp.mk (by make), in a debug
#   (mcconfig -d) and a release build. Then mcconfig builds every example for
#   esp32/esp32c3 and esp unless CHECK_EXAMPLES=0 (needs Moddable's set-up).
# VERBOSE=1: print each compiler command line.
# CHIPS: the ESP32 targets (default "esp32c3 esp32c6 esp32").
# IDF_LIBC: for ESP-IDF 6 in the IDF-component pass, newlib or picolibc
#   (default: picolibc, ESP-IDF 6's own default). The mcconfig pass uses the
#   libc Moddable's sdkconfig.defaults picks (CONFIG_LIBC_NEWLIB).
#
# Two passes per SDK: "idf" compiles the glue and the core as an ESP-IDF
# component would (every component's include folder, ESP-IDF's -march);
# "mc" compiles them and the binding with mcconfig's own command line.
# Prints one line per file and pass, PASS or FAIL, and exits non-zero if any
# failed. Nothing is written outside a temporary folder.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-sdk.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILED=0
CHECKED=0
NEWLIB_INCLUDE=${NEWLIB_INCLUDE:-/usr/include/newlib}

GLUE_ESP32="espnow/esp32/espnow_esp32.c wlan/esp32/wlan_esp32.c"
GLUE_ESP8266="espnow/esp8266/espnow_esp8266.c wlan/esp8266/wlan_esp8266.c"
CORE="espnow/core/espnow_core.c espnow/core/espnow_ring.c espnow/core/espnow_stats.c espnow/core/espnow_errors.c"
BINDING="espnow/modESPNow.c espnow/modESPNowBytes.c wlan/modWLAN.c"

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

compile() {	# label source-under-modules output-dir compiler flags...
	label=$1 source=$2 out=$3 cc=$4
	shift 4
	log="$out/$(basename "$source").log"
	[ -n "${VERBOSE:-}" ] && echo "$cc $* -c $ROOT/modules/$source"
	"$cc" "$@" -c "$ROOT/modules/$source" -o "$out/$(basename "$source").o" >"$log" 2>&1
	result "$label: $source" $? "$log"
}

# Shims for clashes between the SDKs and the C libraries a Debian machine
# has; none of them touches a declaration our files use.
mkdir -p "$WORK/shim/newlib/sys" "$WORK/shim/picolibc" "$WORK/shim/esp8266"
# ESP-IDF's newlib overlay (newlib/platform_include/sys/reent.h, or
# esp_libc/ in 6.x) redeclares _global_impure_ptr without the const that
# Debian's newlib 3.3 gives it; Espressif's newlib 4 has none. The name is
# moved aside while newlib's own header declares it.
cat > "$WORK/shim/newlib/sys/reent.h" <<'EOF'
#define _global_impure_ptr check_sdk_newlib_global_impure_ptr
#include_next <sys/reent.h>
#undef _global_impure_ptr
EOF
# ESP-IDF 6's stdio.h overlay (esp_libc/platform_include) names ssize_t,
# which Espressif's picolibc declares in stdio.h and Debian's picolibc 1.8
# only in sys/types.h.
cat > "$WORK/shim/picolibc/stdio.h" <<'EOF'
#include <sys/types.h>
#include_next <stdio.h>
EOF
# The 2.3.0 core's c_types.h defines __packed, which newlib's and picolibc's
# sys/cdefs.h define too: "__packed redefined". The core itself dropped its
# definition right after 2.3.0 (esp8266/Arduino 1e7e5d4, "Fix _packed
# redefinition"); so does this wrapper, for the one header.
cat > "$WORK/shim/esp8266/c_types.h" <<'EOF'
#include <sys/cdefs.h>
#undef __packed
#include_next <c_types.h>
EOF

# What mcconfig writes into its temporary folder for a manifest with no
# "defines" (tools/mcconfig.js, DefinesFile).
mc_defines() {	# directory
	{
		echo '#define PIU_DASH_SIGNATURE "-"'
		echo '#define PIU_DOT_SIGNATURE "."'
		echo '#define PIU_SLASH_SIGNATURE "/"'
	} > "$1/mc.defines.h"
}

# One of make.esp32.mk's or make.esp.mk's variables, as make expands it with
# the given settings (mcconfig's generated makefile includes the same file).
mc_variable() {	# platform-makefile variable settings...
	mk=$1 var=$2
	shift 2
	printf 'include %s\ncheck-sdk-print:\n\t@echo $(%s)\n' "$mk" "$var" > "$WORK/print.mk"
	make -s -f "$WORK/print.mk" check-sdk-print "$@" 2>/dev/null
}

# sdkconfig.h for one chip: its SoC capabilities (what idf.py would write
# from soc/Kconfig.soc_caps.in), the few options the headers read, then
# Moddable's sdkconfig.defaults and the given extra lines; the last value of
# an option wins, "n" removes it.
idf_sdkconfig() {	# target arch directory extra-lines
	caps="$IDF_PATH/components/soc/$1/include/soc/Kconfig.soc_caps.in"
	upper=$(echo "$1" | tr 'a-z' 'A-Z')
	defaults=
	[ -n "${MODDABLE:-}" ] && defaults="$MODDABLE/build/devices/esp32/xsProj-$1/sdkconfig.defaults"
	{
		echo "IDF_TARGET \"$1\""
		echo "IDF_TARGET_$upper 1"
		echo "IDF_TARGET_ARCH_$(echo "$2" | tr 'a-z' 'A-Z') 1"
		echo "IDF_FIRMWARE_CHIP_ID 0"
		echo "FREERTOS_HZ 100"
		echo "FREERTOS_MAX_TASK_NAME_LEN 16"
		echo "FREERTOS_ISR_STACKSIZE 1536"
		echo "FREERTOS_TIMER_TASK_STACK_DEPTH 2048"
		echo "FREERTOS_TIMER_TASK_PRIORITY 1"
		echo "FREERTOS_TIMER_QUEUE_LENGTH 10"
		echo "FREERTOS_TIMER_SERVICE_TASK_CORE_AFFINITY 0x7FFFFFFF"
		echo "FREERTOS_TIMER_SERVICE_TASK_NAME \"Tmr Svc\""
		echo "FREERTOS_IDLE_TASK_STACKSIZE 1536"
		echo "FREERTOS_QUEUE_REGISTRY_SIZE 0"
		echo "FREERTOS_TASK_NOTIFICATION_ARRAY_ENTRIES 1"
		echo "FREERTOS_THREAD_LOCAL_STORAGE_POINTERS 1"
		echo "FREERTOS_CHECK_STACKOVERFLOW_CANARY 1"
		echo "FREERTOS_TICK_SUPPORT_SYSTIMER 1"
		echo "FREERTOS_CORETIMER_SYSTIMER_LVL1 1"
		echo "FREERTOS_SYSTICK_USES_SYSTIMER 1"
		echo "FREERTOS_NO_AFFINITY 0x7FFFFFFF"
		echo "FREERTOS_USE_TIMERS 1"
		echo "FREERTOS_PORT 1"
		echo "ESP_TASK_WDT_EN 1"
		echo "ESP_WIFI_STATIC_RX_BUFFER_NUM 6"
		echo "ESP_WIFI_DYNAMIC_RX_BUFFER_NUM 12"
		echo "ESP_WIFI_TX_BUFFER_TYPE 1"
		echo "ESP_WIFI_DYNAMIC_TX_BUFFER_NUM 12"
		echo "ESP_WIFI_ESPNOW_MAX_ENCRYPT_NUM 7"
		echo "ESP_WIFI_RX_MGMT_BUF_NUM_DEF 5"
		echo "ESP_WIFI_MGMT_SBUF_NUM 32"
		echo "ESP_WIFI_DYNAMIC_RX_MGMT_BUF 0"
		echo "ESP_WIFI_SOFTAP_SUPPORT 1"
		# lwIP's defaults (lwipopts.h refuses a build without them; xsAll.h includes lwip/netdb.h)
		echo "LWIP_TCP_OVERSIZE_MSS 1"
		echo "LWIP_IPV4 1"
		echo "LWIP_IPV6 1"
		echo "LOG_DEFAULT_LEVEL 3"
		echo "LOG_MAXIMUM_LEVEL 3"
		if [ "$1" = esp32 ]; then
			echo "FREERTOS_NUMBER_OF_CORES 2"
		else
			echo "FREERTOS_UNICORE 1"
			echo "ESP_SYSTEM_SINGLE_CORE_MODE 1"
			echo "FREERTOS_NUMBER_OF_CORES 1"
		fi
		awk '
			/^[ \t]*config SOC_/ { name = $2; type = ""; next }
			name && /^[ \t]*(bool|int|hex|string)/ { type = $1; next }
			name && /^[ \t]*default/ {
				value = $2
				if (type == "bool") { if (value == "y") print name " 1" }
				else if (type == "string") { sub(/^[ \t]*default[ \t]*/, ""); print name " " $0 }
				else print name " " value
				name = ""
			}
		' "$caps"
		# lwIP's own defaults (plain int and bool ones; choices are set above)
		awk '
			/^[ \t]*config LWIP_/ { name = $2; type = ""; next }
			/^[ \t]*(choice|endchoice|menu|endmenu|if|endif)/ { name = ""; next }
			name && /^[ \t]*(bool|int|hex)/ { type = $1; next }
			name && /^[ \t]*default/ && !/ if / {
				value = $2
				if (type == "bool") { if (value == "y") print name " 1" }
				else if (type == "int" || type == "hex") print name " " value
				name = ""
			}
		' "$IDF_PATH/components/lwip/Kconfig" 2>/dev/null
		if [ -n "$defaults" ] && [ -f "$defaults" ]; then
			sed -n 's/^CONFIG_\([A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' "$defaults" | sed 's/ y$/ 1/'
		fi
		printf '%s\n' "$4" | sed '/^$/d'
	} | awk '
		{ name = $1; value = substr($0, length($1) + 2); if (!(name in seen)) order[++n] = name; seen[name] = 1; values[name] = value }
		END { for (i = 1; i <= n; i++) if (values[order[i]] != "n") print "#define CONFIG_" order[i] " " values[order[i]] }
	' > "$3/sdkconfig.h"
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
		components/$2/include components/newlib/platform_include components/esp_libc/platform_include; do
		[ -d "$IDF_PATH/$extra" ] && echo "-I$IDF_PATH/$extra"
	done
}

# The C library's headers: the Espressif toolchain brings its own newlib;
# Debian's riscv64-unknown-elf-gcc has none, so Debian's libnewlib-dev or
# picolibc-riscv64-unknown-elf stands in.
libc_flags() {	# compiler newlib|picolibc
	if [ "$2" = picolibc ]; then
		echo "-specs=picolibc.specs"
		[ "$1" = riscv64-unknown-elf-gcc ] && echo "-I$WORK/shim/picolibc"
	elif [ "$1" = riscv64-unknown-elf-gcc ]; then
		echo "-idirafter $WORK/shim/newlib -idirafter $NEWLIB_INCLUDE"
	fi
}

libc_config() {	# major-version newlib|picolibc
	[ "$1" -ge 6 ] || return 0
	if [ "$2" = picolibc ]; then
		printf 'LIBC_PICOLIBC 1\nLIBC_PICOLIBC_NEWLIB_COMPATIBILITY 1\nLIBC_NEWLIB n\n'
	else
		printf 'LIBC_NEWLIB 1\nLIBC_PICOLIBC n\n'
	fi
}

# -march of the chip's ESP-IDF toolchain file, or what it says for these chips.
idf_march() {	# target
	march=$(grep -o -- '-march=[a-z0-9_]*' "$IDF_PATH/tools/cmake/toolchain-$1.cmake" 2>/dev/null | head -1)
	if [ -z "$march" ]; then
		case "$1" in
			esp32c2|esp32c3) march=-march=rv32imc_zicsr_zifencei ;;
			*) march=-march=rv32imac_zicsr_zifencei ;;
		esac
	fi
	echo "$march"
}

# Our C folders, as mcconfig passes them (DIRECTORIES: every folder holding
# a C file of the manifests, and the folders the manifests list).
mc_directories() {	# platform-folder
	echo "-I$ROOT/modules/espnow -I$ROOT/modules/espnow/core -I$ROOT/modules/espnow/$1 -I$ROOT/modules/wlan -I$ROOT/modules/wlan/$1"
	[ "$1" = esp32 ] && echo "-I$IDF_PATH/components/esp_wifi/include/local/"
}

check_idf() {	# target arch compiler
	version=$(sed -n -E 's/^set\(IDF_VERSION_(MAJOR|MINOR|PATCH) *([0-9]*)\)/\2/p' "$IDF_PATH/tools/cmake/version.cmake" | tr '\n' '.' | sed 's/\.$//')
	major=${version%%.*}

	libc=newlib
	[ "$major" -ge 6 ] && libc=${IDF_LIBC:-picolibc}
	dir="$WORK/idf-$1"
	mkdir -p "$dir"
	idf_sdkconfig "$1" "$2" "$dir" "$(libc_config "$major" "$libc")"
	if [ "$2" = riscv ]; then
		arch_flags="$(idf_march "$1") -mabi=ilp32"
	else
		arch_flags="-mlongcalls"
	fi
	includes=$(idf_includes "$1" "$2")
	for source in $GLUE_ESP32 $CORE; do
		# shellcheck disable=SC2046,SC2086
		compile "ESP-IDF $version $1 idf $libc" "$source" "$dir" "$3" \
			-std=gnu17 $arch_flags $(libc_flags "$3" "$libc") -Os -ffunction-sections -Wall -Werror \
			-D_GNU_SOURCE -DESP_PLATFORM -DIDF_VER="\"v$version\"" \
			-I"$dir" -I"$ROOT/modules/espnow/core" -I"$ROOT/modules/wlan" -I"$ROOT/modules/wlan/esp32" \
			$includes
	done

	[ -n "${MODDABLE:-}" ] || return 0
	if [ ! -f "$IDF_PATH/components/lwip/lwip/src/include/lwip/netdb.h" ]; then
		# Moddable's xsPlatform.h includes lwip/netdb.h.
		echo "SKIP ESP-IDF $version $1 mc: $IDF_PATH/components/lwip/lwip is empty (git submodule update --init --recursive)"
		return 0
	fi
	libc=picolibc
	grep -q '^CONFIG_LIBC_NEWLIB=y' "$MODDABLE/build/devices/esp32/xsProj-$1/sdkconfig.defaults" 2>/dev/null && libc=newlib
	[ "$major" -ge 6 ] || libc=newlib
	for debug in 1 0; do
		build=release
		[ "$debug" = 1 ] && build=debug
		dir="$WORK/mc-$1-$build"
		mkdir -p "$dir"
		idf_sdkconfig "$1" "$2" "$dir" "$(libc_config "$major" "$libc")"
		mc_defines "$dir"
		settings="MODDABLE=$MODDABLE IDF_PATH=$IDF_PATH IDF_VERSION=v$version ESP32_SUBCLASS=$1 DEBUG=$debug BUILD_DIR=$MODDABLE/build XS_DIR=$MODDABLE/xs TMP_DIR=$dir LIB_DIR=$dir SDKCONFIG_H_DIR=$dir"
		mk="$MODDABLE/tools/mcconfig/make.esp32.mk"
		# shellcheck disable=SC2086
		includes=$(mc_variable "$mk" INC_DIRS $settings; mc_variable "$mk" XS_DIRS $settings)
		# shellcheck disable=SC2086
		defines=$(mc_variable "$mk" C_DEFINES $settings)
		# mcconfig's own flags, less its -Wno-* (this check wants every
		# warning of -Wall) and its dependency files; with Debian's GCC,
		# whose RISC-V ISA default splits the CSR instructions out of the
		# base set, rv32imc is spelt out.
		# shellcheck disable=SC2086
		flags=$(mc_variable "$mk" C_FLAGS $settings | tr ' ' '\n' | grep -v -E '^(-c|-MMD|-MP|-Wno-.*)$' | tr '\n' ' ')
		[ "$2" = riscv ] && flags=$(echo "$flags" | sed -E 's/-march=rv32imc( |$)/-march=rv32imc_zicsr_zifencei -mabi=ilp32 /')
		for source in $GLUE_ESP32 $CORE $BINDING; do
			# shellcheck disable=SC2046,SC2086
			compile "ESP-IDF $version $1 mc $build $libc" "$source" "$dir" "$3" \
				$defines $(mc_directories esp32) $(echo "$includes" | tr ' ' '\n' | sed '/^$/d; s/^/-I/') \
				$flags $(libc_flags "$3" "$libc") -Wall -Werror
		done
	done
}

check_esp8266() {	# compiler
	dir="$WORK/esp8266"
	mkdir -p "$dir"
	for source in $GLUE_ESP8266 $CORE; do
		compile "ESP8266 core 2.3.0 arduino" "$source" "$dir" "$1" \
			-std=gnu99 -Os -mlongcalls -mtext-section-literals -Wall -Werror \
			-D__ets__ -DICACHE_FLASH -U__STRICT_ANSI__ -DF_CPU=80000000L -DARDUINO=10605 -DARDUINO_ARCH_ESP8266 -DESP8266 \
			-I"$ROOT/modules/espnow/core" -I"$ROOT/modules/wlan" -I"$WORK/shim/esp8266" \
			-I"$ESP8266_CORE/tools/sdk/include" -I"$ESP8266_CORE/tools/sdk/lwip/include" -I"$ESP8266_CORE/cores/esp8266" -I"$ESP8266_CORE/variants/generic"
	done

	[ -n "${MODDABLE:-}" ] || return 0
	mkdir -p "$WORK/none"
	for debug in 1 0; do
		build=release
		[ "$debug" = 1 ] && build=debug
		dir="$WORK/mc-esp8266-$build"
		mkdir -p "$dir"
		mc_defines "$dir"
		# make.esp.mk checks that the RTOS SDK and the toolchain folders
		# exist (for linking); compiling needs neither.
		settings="MODDABLE=$MODDABLE ARDUINO_ROOT=$ESP8266_CORE ESP_BASE=$WORK/none ESPRESSIF_SDK_ROOT=$WORK/none TOOLS_ROOT=$WORK/none DEBUG=$debug BUILD_DIR=$MODDABLE/build XS_DIR=$MODDABLE/xs TMP_DIR=$dir LIB_DIR=$dir"
		mk="$MODDABLE/tools/mcconfig/make.esp.mk"
		# shellcheck disable=SC2086
		includes=$(mc_variable "$mk" INC_DIRS $settings; mc_variable "$mk" XS_DIRS $settings)
		# shellcheck disable=SC2086
		defines=$(mc_variable "$mk" C_DEFINES $settings)
		# shellcheck disable=SC2086
		flags=$(mc_variable "$mk" C_FLAGS $settings | tr ' ' '\n' | grep -v -E '^(-c|-MMD|-MP|-Wno-.*)$' | tr '\n' ' ')
		for source in $GLUE_ESP8266 $CORE $BINDING; do
			# shellcheck disable=SC2046,SC2086
			compile "ESP8266 core 2.3.0 mc $build" "$source" "$dir" "$1" \
				$defines -I"$WORK/shim/esp8266" $(mc_directories esp8266) $(echo "$includes" | tr ' ' '\n' | sed '/^$/d; s/^/-I/') -I"$dir" \
				$flags -Wall -Werror
		done
	done
}

if [ -n "${IDF_PATH:-}" ]; then
	riscv=$(first_tool riscv32-esp-elf-gcc riscv64-unknown-elf-gcc) || riscv=
	xtensa=$(first_tool xtensa-esp32-elf-gcc xtensa-esp-elf-gcc) || xtensa=
	for chip in ${CHIPS:-esp32c3 esp32c6 esp32}; do
		case "$chip" in
			esp32|esp32s2|esp32s3)
				if [ -n "$xtensa" ]; then check_idf "$chip" xtensa "$xtensa"
				else echo "SKIP $chip (Xtensa): no xtensa-esp32-elf-gcc or xtensa-esp-elf-gcc on PATH"; fi ;;
			*)
				if [ -n "$riscv" ]; then check_idf "$chip" riscv "$riscv"
				else echo "SKIP $chip: no riscv32-esp-elf-gcc or riscv64-unknown-elf-gcc on PATH"; fi ;;
		esac
	done
fi

if [ -n "${ESP8266_CORE:-}" ]; then
	lx106=$(first_tool xtensa-lx106-elf-gcc) || lx106=
	if [ -n "$lx106" ]; then
		check_esp8266 "$lx106"
	else
		echo "SKIP ESP8266: no xtensa-lx106-elf-gcc on PATH"
	fi
fi

if [ -n "${MODDABLE:-}" ] && [ "${CHECK_EXAMPLES:-1}" != 0 ]; then
	if command -v mcconfig >/dev/null 2>&1; then
		# an example is a folder with a manifest.json, or a folder of them (examples/pycom)
		for example in "$ROOT"/examples/*/ "$ROOT"/examples/*/*/; do
			[ -f "$example/manifest.json" ] || continue
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
