#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# base-pin.sh: the base pinning fails the way it says it does, as TAP.
#
# In a scratch copy of scripts/ and patches/ (so the real build/ is never
# touched): a BASE that Debian does not serve, and one that is malformed,
# must each stop kernel-tree at once with one line on stderr and a non-zero
# status, leaving no tree, no half-unpacked tree and no partial download;
# check-bases --newest must recognise the pinned base when it is the newest
# Debian serves.  Needs Debian's archive (as make kernel-tree does).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/base-pin.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }

# A copy that shares nothing with the real build/ but Debian's indexes.
copy() {
	rm -rf "$tmp/repo"
	mkdir -p "$tmp/repo/build"
	cp -a "$top/scripts" "$top/patches" "$tmp/repo/"
}

# NAME BASELINE: kernel-tree with BASE's first line set to BASELINE must fail
# with one line naming WHAT, and leave nothing behind.
refused() {
	local name=$1 base=$2 what=$3 rc lines left
	copy
	printf '%s\n' "$base" >"$tmp/repo/patches/BASE"
	"$tmp/repo/scripts/kernel-tree" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(grep -c '' "$tmp/err")
	left=$(cd "$tmp/repo/build" && find . -mindepth 1 -maxdepth 2 \
		! -path './apt' ! -path './apt/*' | sort | tr '\n' ' ')
	if [ $rc -ne 0 ] && [ "$lines" = 1 ] && grep -q "$what" "$tmp/err" && [ -z "$left" ]; then
		ok "$name: exit $rc, one line: $(cat "$tmp/err")"
	else
		not_ok "$name: exit $rc, $lines lines, left: ${left:-nothing}"
		sed 's/^/# /' "$tmp/err"
	fi
}

echo "TAP version 13"
echo "1..3"
refused "a version Debian does not serve" \
	"6.12.1 linux-source-6.12=6.12.1-1~deb12u1" "does not serve linux-source-6.12 6.12.1-1~deb12u1"
refused "a malformed BASE" "6.12.118" "first line must be"

copy
newest=$("$tmp/repo/scripts/debian-apt" versions linux-source-6.12 | head -n 1)
printf '%s linux-source-6.12=%s\n' "${newest%%-*}" "$newest" >"$tmp/repo/patches/BASE"
if out=$("$tmp/repo/scripts/check-bases" --newest 2>&1) &&
	grep -q "is $newest, the pinned base" <<<"$out"; then
	ok "check-bases --newest: the newest served ($newest) is the pinned base, nothing to try"
else
	not_ok "check-bases --newest with the newest pinned: $out"
fi
exit $failed
