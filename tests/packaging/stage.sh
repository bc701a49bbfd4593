#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The packaging stage: vslice's Debian packages, built, checked, installed,
# upgraded and purged in a root of each Debian release.
#
#   stage.sh [SUITE...]        SUITE = bookworm | trixie (default: both)
#
# Prints "VSLICE-RESULT: PASS|FAIL|SKIP packaging/..." lines:
#
#   packaging/autostart/<case>   vslice-mdev-autostart on fake trees
#                                (test-autostart.sh)
#   packaging/<suite>/build      mkdebs.sh built the three packages
#   packaging/<suite>/lintian    the release's lintian: no error or warning
#                                that is not overridden
#   packaging/<suite>/contents   every expected path in the right package;
#                                nothing under /lib, /bin, /sbin; only
#                                Kbuild, dkms.conf and sources under
#                                /usr/src, none executable; the firmware
#                                images are the tables of firmware/src/
#                                and the MODULE_FIRMWARE names; conffiles
#   packaging/<suite>/install    apt install ./*.deb: dkms builds and
#                                installs the three modules for the root's
#                                6.12 kernel; the tools' files in place,
#                                the boot-order unit enabled
#   packaging/<suite>/modinfo    vslice_gpu lists the packaged firmware;
#                                the modules are signed with dkms's key
#   packaging/<suite>/kernel-upgrade  what a kernel headers upgrade runs
#                                (/etc/kernel/header_postinst.d/dkms)
#                                rebuilds the removed modules
#   packaging/<suite>/upgrade    the same packages one version up replace
#                                them: the dkms tree moves to the new
#                                version, an mdevctl definition and the
#                                admin's modprobe.d file stay as they were
#   packaging/<suite>/purge      apt purge leaves no file or directory
#                                that was not in the root before install
#
# The roots are tests/packaging/mkroot.sh's cached ones (one per release,
# also the build root); every build and install happens in an overlay of
# it, removed afterwards.  Logs and packages: build/logs/packaging/<suite>/.
# Needs root.  Exit status 1 if a check failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE=${VSLICE_CACHE:-/var/cache/vslice}
# shellcheck source=tests/packaging/lib.sh
. "$here/lib.sh"
logs=$repo/build/logs/packaging
failed=0

log() { echo "packaging: $*" >&2; }
oneline() { tr '\n' ' ' | sed 's/ $//'; }
result() { # STATUS NAME [REASON]
	echo "VSLICE-RESULT: $1 packaging/$2${3:+: $3}"
	[[ $1 == FAIL ]] && failed=1
	return 0
}

suites=("$@")
((${#suites[@]})) || suites=(bookworm trixie)
mkdir -p "$logs"

t=$SECONDS
bash "$here/test-autostart.sh" 2>"$logs/autostart.log" || true
log "autostart: $((SECONDS - t)) s"

if ((EUID != 0)); then
	for s in "${suites[@]}"; do
		result SKIP "$s/build" "needs root (chroot, mount)"
	done
	exit "$failed"
fi

# The version in debian/changelog, and the upstream part dkms uses.
version=$(sed -n '1s/^vslice (\([^)]*\)).*/\1/p' "$repo/debian/changelog")
next=$version+1
# What vslice_gpu declares, and what firmware/src/ builds.
fw_declared=$(sed -n 's/^MODULE_FIRMWARE("\(.*\)");$/\1/p' "$repo"/kernel/vendor_gpu/*.c | sort)
fw_tables=$(cd "$repo/firmware/src" && for f in *.table; do echo "vslice/${f%.table}.fw"; done | sort)

# expect_paths VERSION: "package path" lines that must be in the packages.
expect_paths() {
	local v=$1 f
	(cd "$repo" && git ls-files Kbuild 'kernel/*.c' 'kernel/*.h' 'kernel/*Kbuild') |
		while read -r f; do echo "vslice-dkms /usr/src/vslice-$v/$f"; done
	echo "vslice-dkms /usr/src/vslice-$v/dkms.conf"
	for f in $fw_tables; do echo "vslice-firmware /usr/lib/firmware/$f"; done
	cat <<EOF
vslice-tools /usr/bin/vslicectl
vslice-tools /usr/share/man/man8/vslicectl.8.gz
vslice-tools /usr/lib/mdevctl/scripts.d/callouts/vslice
vslice-tools /etc/mdevctl.d/scripts.d/callouts/vslice -> /usr/lib/mdevctl/scripts.d/callouts/vslice
vslice-tools /etc/mdevctl.d/scripts.d/notifiers/
vslice-tools /usr/lib/mdevctl/scripts.d/notifiers/
vslice-tools /usr/lib/udev/rules.d/60-vslice-mdevctl.rules
vslice-tools /etc/modprobe.d/vslice.conf
vslice-tools /usr/lib/systemd/system/vslice-mdev-autostart.service
vslice-tools /usr/libexec/vslice/vslice-mdev-autostart
EOF
}

# check_contents DIR VERSION: the contents check of the .debs in DIR.
check_contents() {
	local dir=$1 v=$2 deb pkg why=() line path
	: >"$dir/contents.txt"
	for deb in "$dir"/vslice*.deb; do
		pkg=$(dpkg-deb -f "$deb" Package)
		# "perms owner size date time ./path[ -> target]" -> "pkg /path[ -> target]"
		dpkg-deb -c "$deb" | sed -E -e 's/^([^ ]+ +){5}\.//' -e '\|^/$|d' -e "s|^|$pkg |" \
			>>"$dir/contents.txt"
		dpkg-deb -c "$deb" | awk -v p="$pkg" '{ sub(/^\./, "", $6); print p " " $1 " " $6 }' \
			>>"$dir/modes.txt"
	done
	while read -r line; do
		grep -qxF -- "$line" "$dir/contents.txt" || why+=("missing: $line")
	done < <(expect_paths "$v")
	while read -r pkg path; do
		case $path in
		/lib/* | /bin/* | /sbin/*) why+=("aliased location: $pkg $path") ;;
		/usr/src/ | /usr/src/vslice-"$v"/ | /usr/src/vslice-"$v"/*/) ;;
		/usr/src/vslice-"$v"/dkms.conf | /usr/src/vslice-"$v"/*Kbuild) ;;
		/usr/src/vslice-"$v"/*.[ch]) ;;
		/usr/src/*) why+=("not a source file under /usr/src: $pkg $path") ;;
		esac
	done < <(sed 's/ -> .*//' "$dir/contents.txt")
	while read -r pkg mode path; do
		[[ $path == /usr/src/* && $mode == -*x* ]] && why+=("executable under /usr/src: $path")
	done <"$dir/modes.txt"
	rm -f "$dir/modes.txt"
	local fw_packaged
	fw_packaged=$(sed -n 's|^vslice-firmware /usr/lib/firmware/\(.*\.fw\)$|\1|p' "$dir/contents.txt" | sort)
	[[ $fw_packaged == "$fw_tables" ]] ||
		why+=("vslice-firmware ships [$(oneline <<<"$fw_packaged")], firmware/src/ has [$(oneline <<<"$fw_tables")]")
	[[ $fw_declared == "$fw_tables" ]] ||
		why+=("MODULE_FIRMWARE declares [$(oneline <<<"$fw_declared")], firmware/src/ has [$(oneline <<<"$fw_tables")]")
	local conf
	conf=$(dpkg-deb --ctrl-tarfile "$dir"/vslice-tools_*.deb | tar -xOf - ./conffiles 2>/dev/null)
	[[ $conf == /etc/modprobe.d/vslice.conf ]] ||
		why+=("vslice-tools conffiles: [$(oneline <<<"$conf")], want [/etc/modprobe.d/vslice.conf]")
	# mdevctl is what runs the callout; dkms what builds the modules.
	dpkg-deb -f "$dir"/vslice-tools_*.deb Depends | grep -qw mdevctl ||
		why+=("vslice-tools does not depend on mdevctl")
	dpkg-deb -f "$dir"/vslice-dkms_*.deb Depends | grep -qw dkms ||
		why+=("vslice-dkms does not depend on dkms")
	if ((${#why[@]})); then
		printf '%s\n' "${why[@]}" >"$dir/contents.why"
		result FAIL "$suite/contents" "${#why[@]} problem(s), the first: ${why[0]} (all: $dir/contents.why)"
	else
		result PASS "$suite/contents"
	fi
}

# listing ROOT: every path of the root with its type, but the places that
# apt, dpkg and the logs change on any install (the packages' traces in
# them are dpkg's own records, not files they leave behind).  dkms's
# signing key is dkms's: generated at its first build, kept for Secure
# Boot (README), whatever package made dkms build.
listing() {
	pkg_chroot "$1" find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run \
		-o -path /tmp -o -path /var/tmp -o -path /var/log -o -path /var/cache/apt \
		-o -path /var/cache/debconf -o -path /var/cache/ldconfig -o -path /var/lib/apt \
		-o -path /var/lib/dpkg -o -path /var/cache/man \
		-o -path /var/lib/dkms/mok.key -o -path /var/lib/dkms/mok.pub \) -prune \
		-o -printf '%y %p\n' | sort
}

# The modules of vslice for KVER in ROOT.
modules_of() {
	local root=$1 kver=$2 m f
	for m in vslice_mdev vslice_vfio_mdev vslice_gpu; do
		for f in "$root/lib/modules/$kver/updates/dkms/$m".ko{,.xz,.zst,.gz}; do
			[[ -e $f ]] && echo "${f#"$root"}"
		done
	done
}

# in ROOT: a shell command in the root, output to the suite's log.
in_root() {
	echo "# $2" >>"$slog/install.log"
	pkg_chroot "$1" sh -c "$2" >>"$slog/install.log" 2>&1
}

install_checks() {
	local base=$1 kver t=$SECONDS
	kver=$(cat "$base/kernel")
	local work
	work=$(mktemp -d "$CACHE/deb-build/run.XXXXXX")
	pkg_mount_root "$base" "$work"
	local root=$work/root
	: >"$slog/install.log"
	listing "$root" >"$slog/before.list"
	mkdir -p "$root/tmp/v1" "$root/tmp/v2"
	cp "$slog"/v1/vslice*.deb "$root/tmp/v1/"
	cp "$slog"/v2/vslice*.deb "$root/tmp/v2/"
	local apt="apt-get -q -y -o Dpkg::Options::=--force-confold"

	# --- install
	local why=() mods
	in_root "$root" "$apt install /tmp/v1/*.deb" || why+=("apt install failed")
	in_root "$root" "dkms status" || true
	pkg_chroot "$root" dkms status >"$slog/dkms-status.txt" 2>&1
	grep -qxF "vslice/$version, $kver, x86_64: installed" "$slog/dkms-status.txt" ||
		why+=("dkms status: $(tr '\n' ' ' <"$slog/dkms-status.txt")")
	mods=$(modules_of "$root" "$kver")
	(($(wc -w <<<"$mods") == 3)) || why+=("modules under /lib/modules/$kver/updates/dkms: [$(oneline <<<"$mods")]")
	local f
	for f in /usr/bin/vslicectl /usr/lib/mdevctl/scripts.d/callouts/vslice \
		/etc/mdevctl.d/scripts.d/callouts/vslice /usr/lib/udev/rules.d/60-vslice-mdevctl.rules \
		/etc/modprobe.d/vslice.conf /usr/lib/firmware/vslice/gpu-1234-1111-256m.fw \
		/etc/systemd/system/multi-user.target.wants/vslice-mdev-autostart.service; do
		# In the root: a link's absolute target is the root's.
		pkg_chroot "$root" test -e "$f" || why+=("$f does not exist")
	done
	pkg_chroot "$root" vslicectl --help >/dev/null 2>&1 || why+=("vslicectl --help fails")
	if ((${#why[@]})); then
		result FAIL "$suite/install" "${why[*]} (log: $slog/install.log)"
	else
		result PASS "$suite/install"
	fi

	log "$suite: install $((SECONDS - t)) s"
	t=$SECONDS

	# --- modinfo
	why=()
	local gpu_ko fw signer
	gpu_ko=$(grep vslice_gpu <<<"$mods")
	if [[ -z $gpu_ko ]]; then
		why+=("no vslice_gpu module")
	else
		fw=$(pkg_chroot "$root" modinfo -F firmware "$gpu_ko" | sort)
		[[ $fw == "$fw_tables" ]] || why+=("modinfo firmware: [$(oneline <<<"$fw")], want [$(oneline <<<"$fw_tables")]")
		if [[ -e $root/var/lib/dkms/mok.pub ]]; then
			for f in $mods; do
				signer=$(pkg_chroot "$root" modinfo -F signer "$f")
				[[ $signer == "DKMS module signing key" ]] || why+=("$f signer: \"$signer\"")
			done
		else
			why+=("dkms made no signing key (/var/lib/dkms/mok.pub)")
		fi
	fi
	if ((${#why[@]})); then
		result FAIL "$suite/modinfo" "${why[*]}"
	else
		result PASS "$suite/modinfo"
	fi

	# --- kernel-upgrade: vslice as dkms has it for a kernel it has not
	# built for yet (added, not built), then what the postinst of that
	# kernel's headers package runs.
	why=()
	in_root "$root" "dkms uninstall -m vslice -v $version -k $kver" || why+=("dkms uninstall failed")
	rm -rf "$root/var/lib/dkms/vslice/$version/$kver"
	[[ -z $(modules_of "$root" "$kver") ]] || why+=("dkms uninstall left the modules")
	pkg_chroot "$root" dkms status >"$slog/dkms-status-added.txt" 2>&1
	grep -qxF "vslice/$version: added" "$slog/dkms-status-added.txt" ||
		why+=("before: dkms status: $(oneline <"$slog/dkms-status-added.txt")")
	in_root "$root" "/etc/kernel/header_postinst.d/dkms $kver" || why+=("header_postinst.d/dkms failed")
	(($(modules_of "$root" "$kver" | wc -l) == 3)) || why+=("not rebuilt: [$(modules_of "$root" "$kver" | oneline)]")
	pkg_chroot "$root" dkms status >>"$slog/dkms-status-added.txt" 2>&1
	grep -qxF "vslice/$version, $kver, x86_64: installed" "$slog/dkms-status-added.txt" ||
		why+=("after: dkms status: $(oneline <"$slog/dkms-status-added.txt")")
	if ((${#why[@]})); then
		result FAIL "$suite/kernel-upgrade" "${why[*]} (log: $slog/install.log)"
	else
		result PASS "$suite/kernel-upgrade"
	fi

	log "$suite: kernel-upgrade $((SECONDS - t)) s"
	t=$SECONDS

	# --- upgrade: the admin's files, then version N+1.
	why=()
	local def=/etc/mdevctl.d/0000:00:04.0/8f0e3b1c-5a57-4f39-9a2f-4c3c7f6b1d20
	local admin=/etc/modprobe.d/vslice-gpus.conf sums
	mkdir -p "$root${def%/*}"
	printf '{\n  "mdev_type": "vslice-s32",\n  "start": "auto",\n  "attrs": [\n    {\n      "vslice/owner": "tenant-a"\n    }\n  ]\n}\n' \
		>"$root$def"
	cp "$repo/tests/libvirt/vslice-gpus.conf" "$root$admin"
	sums=$(cd "$root" && sha256sum ".$def" ".$admin")
	in_root "$root" "$apt install /tmp/v2/*.deb" || why+=("apt install of $next failed")
	pkg_chroot "$root" dkms status >"$slog/dkms-status-upgrade.txt" 2>&1
	grep -qxF "vslice/$next, $kver, x86_64: installed" "$slog/dkms-status-upgrade.txt" ||
		why+=("dkms status: $(tr '\n' ' ' <"$slog/dkms-status-upgrade.txt")")
	grep -qF "vslice/$version," "$slog/dkms-status-upgrade.txt" && why+=("dkms still has $version")
	[[ -e $root/usr/src/vslice-$version || -e $root/var/lib/dkms/vslice/$version ]] &&
		why+=("$version's dkms tree or sources are left")
	(($(modules_of "$root" "$kver" | wc -l) == 3)) || why+=("modules: [$(modules_of "$root" "$kver" | oneline)]")
	[[ $(cd "$root" && sha256sum ".$def" ".$admin" 2>&1) == "$sums" ]] ||
		why+=("the mdevctl definition or $admin changed")
	pkg_chroot "$root" test -e /etc/systemd/system/multi-user.target.wants/vslice-mdev-autostart.service ||
		why+=("vslice-mdev-autostart.service no longer enabled")
	if ((${#why[@]})); then
		result FAIL "$suite/upgrade" "${why[*]} (log: $slog/install.log)"
	else
		result PASS "$suite/upgrade"
	fi

	log "$suite: upgrade $((SECONDS - t)) s"
	t=$SECONDS

	# --- purge: the admin's files go by the admin's hand, then nothing of
	# vslice may be left.
	why=()
	in_root "$root" "apt-get -q -y purge vslice-dkms vslice-firmware vslice-tools" ||
		why+=("apt purge failed")
	rm -f "$root$def" "$root$admin"
	rmdir "$root${def%/*}"
	rm -rf "$root/tmp/v1" "$root/tmp/v2"
	listing "$root" >"$slog/after.list"
	diff "$slog/before.list" "$slog/after.list" >"$slog/purge.diff"
	if [[ -s $slog/purge.diff ]]; then
		why+=("$(grep -c '^[<>]' "$slog/purge.diff") path(s) differ, the first: $(grep -m1 '^[<>]' "$slog/purge.diff")")
	fi
	if ((${#why[@]})); then
		result FAIL "$suite/purge" "${why[*]} (diff: $slog/purge.diff)"
	else
		result PASS "$suite/purge"
	fi

	log "$suite: purge $((SECONDS - t)) s"
	pkg_umount_all
	rm -rf "$work"
}

# Both roots at once: their cold build is mostly waiting for the mirror.
t=$SECONDS
for s in "${suites[@]}"; do
	"$here/mkroot.sh" "$s" >"$logs/mkroot-$s.log" 2>&1 &
done
wait
log "roots: $((SECONDS - t)) s"

trap pkg_umount_all EXIT
for suite in "${suites[@]}"; do
	slog=$logs/$suite
	rm -rf "$slog"
	mkdir -p "$slog/v1" "$slog/v2"
	t=$SECONDS
	if ! "$here/mkdebs.sh" "$suite" "$slog/v1" >"$slog/debs.txt" 2>"$slog/mkdebs.log"; then
		result FAIL "$suite/build" "mkdebs.sh failed: $(tail -n 1 "$slog/mkdebs.log") (log: $slog/mkdebs.log, $slog/v1/build.log)"
		for c in lintian contents install modinfo kernel-upgrade upgrade purge; do
			result FAIL "$suite/$c" "not run: the build failed"
		done
		continue
	fi
	n=$(wc -l <"$slog/debs.txt")
	if ((n == 3)); then
		result PASS "$suite/build"
	else
		result FAIL "$suite/build" "$n packages, want 3: $(tr '\n' ' ' <"$slog/debs.txt")"
	fi
	log "$suite: build $((SECONDS - t)) s"

	lstatus=$(cat "$slog/v1/lintian.status")
	if grep -q '^[EW]: ' "$slog/v1/lintian.txt" || ((lstatus > 1)); then
		result FAIL "$suite/lintian" "exit $lstatus; $(grep -c '^[EW]: ' "$slog/v1/lintian.txt") error/warning tag(s), the first: $(grep -m1 '^[EW]: ' "$slog/v1/lintian.txt") ($slog/v1/lintian.txt)"
	else
		result PASS "$suite/lintian"
	fi
	check_contents "$slog/v1" "$version"

	t=$SECONDS
	if ! VSLICE_DEB_VERSION=$next "$here/mkdebs.sh" "$suite" "$slog/v2" >/dev/null 2>"$slog/mkdebs-v2.log"; then
		for c in install modinfo kernel-upgrade upgrade purge; do
			result FAIL "$suite/$c" "not run: mkdebs.sh of $next failed (log: $slog/mkdebs-v2.log)"
		done
		continue
	fi
	log "$suite: build of $next $((SECONDS - t)) s"
	t=$SECONDS
	install_checks "$("$here/mkroot.sh" "$suite" 2>/dev/null | tail -n 1)"
	log "$suite: install, upgrade, purge $((SECONDS - t)) s"
done
exit "$failed"
