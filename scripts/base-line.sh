# SPDX-License-Identifier: GPL-2.0
#
# base-line.sh: which line of the series a script works on, sourced by the
# scripts that read patches/ or build/linux.
#
# The series is kept for two base lines: the primary one in patches/ (its
# tree build/linux), and the LTS branch in patches/<line>/ (its tree
# build/linux-<line>).  LABYRINTH_BASE (make's BASE=) picks one: empty or
# the primary line ("7.3") for patches/, or a branch's directory name
# ("6.12.y"; "6.12" is taken to mean the same).
#
# Sets: base_name (7.3, 6.12.y), patches (its directory), tree (its kernel
# tree), tree_label (build/linux...), ksuffix ("" or "-6.12.y": the kernel
# build directories are build/kernel-<flavour>$ksuffix).
# Needs $top.

primary_line() {
	local v
	v=$(awk '!/^[[:space:]]*(#|$)/ { print $1; exit }' "$top/patches/BASE" 2>/dev/null)
	v=${v%.*}
	echo "${v:-?}"
}

base_name=${LABYRINTH_BASE:-}
base_primary=$(primary_line)
case "$base_name" in
"" | "$base_primary" | "$base_primary.y")
	base_name=$base_primary
	patches=$top/patches
	tree=$top/build/linux
	ksuffix=
	;;
*)
	base_name=${base_name%.y}.y
	patches=$top/patches/$base_name
	tree=$top/build/linux-$base_name
	ksuffix=-$base_name
	if [ ! -f "$patches/BASE" ]; then
		echo "BASE=${LABYRINTH_BASE}: no such line of the series; patches/ holds $base_primary (primary)$(
			for d in "$top"/patches/*/BASE; do [ -f "$d" ] && printf ' and %s' "$(basename "$(dirname "$d")")"; done)" >&2
		exit 2
	fi
	;;
esac
tree_label=${tree#"$top"/}
patches_label=${patches#"$top"/}
