# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Pieces every busybox image of the lab is made of (the lab initramfs,
# the nested guest's, the libvirt lab host's boot initramfs).  Sourced.

# busybox_root ROOT: busybox-static and one link per applet.
busybox_root() {
	local applet
	install -D -m 0755 /bin/busybox "$1/bin/busybox"
	while read -r applet; do
		[[ -e $1/$applet || -L $1/$applet ]] || ln -s /bin/busybox "$1/$applet"
	done < <(busybox --list-full)
}

# add_distro_modules [-d BASE] ROOT KVER MODULE...: the modules and
# everything they depend on, as modprobe resolves them from KVER's
# modules.dep (under BASE/lib/modules/KVER with -d: a kernel built here,
# not installed), decompressed (busybox insmod reads plain .ko), under
# ROOT/lib/modules/KVER.  An empty config keeps the build machine's
# modprobe.d out.  Fails when a module is unknown.
add_distro_modules() {
	local base=''
	if [[ $1 == -d ]]; then
		base=$2
		shift 2
	fi
	local root=$1 kver=$2 sysmods=$base/lib/modules/$2 p dest m
	local -a paths dir=()
	if [[ -n $base ]]; then
		dir=(-d "$base")
	fi
	shift 2
	for m in "$@"; do
		modprobe "${dir[@]}" -C /dev/null -S "$kver" --show-depends "$m" >/dev/null || {
			echo "add_distro_modules: no module $m for $kver${base:+ in $base}" >&2
			return 1
		}
	done
	mapfile -t paths < <(for m in "$@"; do
		modprobe "${dir[@]}" -C /dev/null -S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" { print $2 }' | LC_ALL=C sort -u)
	for p in "${paths[@]}"; do
		dest=$root/lib/modules/$kver/${p#"$sysmods"/}
		mkdir -p "$(dirname "$dest")"
		case "$p" in
		*.ko.xz) xz -dc "$p" >"${dest%.xz}" ;;
		*.ko.zst) zstd -q -dc "$p" >"${dest%.zst}" ;;
		*.ko.gz) gzip -dc "$p" >"${dest%.gz}" ;;
		*.ko) cp "$p" "$dest" ;;
		*) echo "add_distro_modules: unexpected module file $p" >&2; return 1 ;;
		esac
	done
}
