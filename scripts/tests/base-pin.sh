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
# Debian serves, for both lines; and a patch of the 6.12.y branch put into
# the 7.3 series must stop kernel-tree with one line naming it (on a clone
# of build/linux's base, so make kernel-tree must have run).  Needs Debian's
# archive (as make kernel-tree does).
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
echo "1..5"
refused "a version Debian does not serve" \
	"7.3.1 linux-source-7.3=7.3.1-1~bpo13+1" "does not serve linux-source-7.3 7.3.1-1~bpo13+1"
refused "a malformed BASE" "7.3.4" "first line must be"

# LINE PACKAGE: with the newest version Debian serves pinned, check-bases
# --newest has nothing to try.
newest_is_pinned() {
	local dir=$1 pkg=$2 newest out
	copy
	newest=$("$tmp/repo/scripts/debian-apt" versions "$pkg" | head -n 1)
	printf '%s %s=%s\n' "${newest%%-*}" "$pkg" "$newest" >"$tmp/repo/$dir/BASE"
	if out=$("$tmp/repo/scripts/check-bases" --newest "$tmp/repo/$dir/BASE" 2>&1) &&
		grep -q "is $newest, the pinned base" <<<"$out"; then
		ok "check-bases --newest $dir: the newest served ($newest) is the pinned base, nothing to try"
	else
		not_ok "check-bases --newest $dir with the newest pinned: $out"
	fi
}
newest_is_pinned patches linux-source-7.3
newest_is_pinned patches/6.12.y linux-source-6.12

# The hook patch of the 6.12.y branch (0004: mm/page_alloc.c, which 7.3
# restructured) in the 7.3 series.  The tree is a shared clone of
# build/linux at its base, which kernel-tree takes as the base it wants.
copy
hook=0004-mm-page_alloc-give-exclusive-pages-to-page_exclusive.patch
cp "$top/patches/6.12.y/$hook" "$tmp/repo/patches/$hook"
git clone -q --shared --no-checkout "$top/build/linux" "$tmp/repo/build/linux" &&
	git -C "$tmp/repo/build/linux" checkout -q --detach labyrinth-base
"$tmp/repo/scripts/kernel-tree" >"$tmp/out" 2>"$tmp/err"
rc=$?
lines=$(grep -c '' "$tmp/err")
if [ $rc -ne 0 ] && [ "$lines" = 1 ] &&
	grep -q "^kernel-tree: $hook does not apply to Linux 7\.3\.[0-9]* (mm/" "$tmp/err"; then
	ok "the 6.12.y hook patch in the 7.3 series: exit $rc, one line: $(cat "$tmp/err")"
else
	not_ok "the 6.12.y hook patch in the 7.3 series: exit $rc, $lines lines"
	sed 's/^/# /' "$tmp/err"
fi
exit $failed
