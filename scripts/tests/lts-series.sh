#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lts-series.sh LINE: the LTS branch's series (patches/LINE/) on its pinned
# base, as TAP: every patch applies (git am) and what the series touches
# builds (mm/, lib/, net/core/, virtio_net, veth; scripts/check-bases
# --pinned).  make check runs this in place of the branch's boot, which
# needs a second debug kernel (make check-lts).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
line=${1:?usage: lts-series.sh LINE}
base=$top/patches/$line/BASE

echo "TAP version 13"
echo "1..2"
out=$("$top/scripts/check-bases" --pinned "$base" 2>&1)
rc=$?
# The table row of the pinned version: "| VERSION (BASE) | applies | builds |".
row=$(grep -E '^\| [^ ]+ \(BASE\) \|' <<<"$out" | sed -E 's/[[:space:]]*\|[[:space:]]*/|/g')
IFS='|' read -r _ version applied built _ <<<"$row"
version=${version% (BASE)}

if [ "${applied%%,*}" = yes ]; then
	echo "ok 1 - $line: the series applies to $version ($applied)"
else
	echo "not ok 1 - $line: the series does not apply to $version: ${applied:-no result}"
fi
if [ "$built" = yes ] && [ $rc -eq 0 ]; then
	echo "ok 2 - $line: what the series touches builds on $version"
else
	echo "not ok 2 - $line: what the series touches does not build on $version: ${built:-not tried}"
fi
if [ $rc -ne 0 ] || [ -z "$row" ]; then
	sed 's/^/# /' <<<"$out"
	exit 1
fi
