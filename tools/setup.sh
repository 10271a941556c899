#!/bin/sh
# What the tests need besides Node and npm, checked before they run (npm
# test's pretest): a C compiler with libc headers and make, 32-bit libraries
# (the m32 build), the ASan, UBSan and TSan runtimes, valgrind and tshark.
# On Debian and Ubuntu the missing packages are installed (with sudo when not
# root); elsewhere one message names everything missing, and nothing runs.
set -u
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
printf '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n' > "$work/t.c"
links() { gcc "$@" -o "$work/t" "$work/t.c" >/dev/null 2>&1; }

missing=""       # what is missing, as a person reads it
packages=""      # the Debian packages that provide it
need() { missing="$missing${missing:+, }$1"; packages="$packages $2"; }

command -v make >/dev/null 2>&1 || need "make" "make"
if ! command -v gcc >/dev/null 2>&1; then
	need "gcc" "gcc libc6-dev gcc-multilib"
else
	links || need "the C library's headers" "libc6-dev"
	links -m32 || need "32-bit libraries for gcc -m32" "gcc-multilib"
	links -fsanitize=address,undefined || need "the ASan and UBSan runtimes" "libasan8 libubsan1"
	links -fsanitize=thread || need "the TSan runtime" "libtsan2"
fi
command -v valgrind >/dev/null 2>&1 || need "valgrind" "valgrind"
command -v tshark >/dev/null 2>&1 || need "tshark" "tshark"
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
	echo "espnow-xs tests: missing $missing. Install them with your system's package manager, then run npm test again. (The demo, npm run demo, needs only Node, npm, make and a C compiler.)" >&2
	exit 1
fi

# Debian and Ubuntu: the sanitizer runtimes are named after gcc's version; where
# these names are unknown, gcc's own libgcc-N-dev brings the ones it uses.
chosen=""
for package in $packages; do
	if apt-cache show "$package" >/dev/null 2>&1; then
		chosen="$chosen $package"
	elif command -v gcc >/dev/null 2>&1; then
		chosen="$chosen libgcc-$(gcc -dumpversion | cut -d. -f1)-dev"
	fi
done
as_root=""
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "espnow-xs tests: missing $missing; install as root: apt-get install$chosen" >&2
		exit 1
	fi
	as_root="sudo"
	echo "espnow-xs tests: missing $missing; installing$chosen with sudo" >&2
else
	echo "espnow-xs tests: missing $missing; installing$chosen" >&2
fi
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $chosen || exit 1
