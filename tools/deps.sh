#!/bin/sh
# Installs the Debian packages named as arguments that are not installed.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "certsift: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1
$SUDO apt-get install -y -qq $missing >/dev/null || {
	echo "certsift: cannot install:$missing" >&2
	exit 1
}
