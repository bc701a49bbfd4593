#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one kernel + lab initramfs under QEMU TCG and wait for it to end.
#
#   run-vm.sh --kernel BZIMAGE --initrd CPIO --mode demo|check|shell
#             --log CONSOLE.log [--kernel-log KERNEL.log] [--timeout SECONDS]
#             [--kmsg-on-console] [--append "EXTRA CMDLINE"] [--extra-gpus N]
#
# The guest's userspace console (ttyS0) is streamed to stdout and to
# CONSOLE.log.  The kernel console goes to ttyS1, i.e. KERNEL.log (default:
# CONSOLE.log with .kernel.log), so printk output cannot interleave with
# VSLICE-RESULT lines; --kmsg-on-console also shows kernel messages of
# level warning and above on ttyS0 (for humans watching the demo).
# --extra-gpus N adds N more 256 MiB GPUs at 00:06.0 onwards (the
# benchmark's room for 64 live 16 MiB vGPUs); the default lab has two.
# --smp N sets the number of vCPUs (default 2); the benchmark uses one, so
# that no measured path waits on an IPI to a vCPU thread the host has
# descheduled.
#
# Exit status: 0 when the guest printed "VSLICE-DONE rc=0", 1 when it
# printed another rc, 2 when it never got there (panic, hang, timeout).
# The timeout (default $VSLICE_VM_TIMEOUT or 1200 s) kills QEMU.  A full
# check run on Debian's kernel takes about 3.5 minutes under TCG, 2 of
# them in t-80's nested QEMU guest, but has taken 14 while other VMs
# shared the machine's two cores.
#
# --disk adds IMAGE (raw) as a virtio disk, /dev/vda (the libvirt lab host,
# tests/libvirt/); --mem sets the VM's memory (default 2G).  The guest
# rebooting ends QEMU (-no-reboot) like a power-off: boot the same disk
# again for the next boot.
set -euo pipefail

kernel='' initrd='' mode='' log='' klog='' kmsg_on_console=0 extra='' disk='' mem=2G extra_gpus=0 smp=2
timeout=${VSLICE_VM_TIMEOUT:-1200}
while (($#)); do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--kernel-log) klog=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--append) extra=$2; shift 2 ;;
	--kmsg-on-console) kmsg_on_console=1; shift ;;
	--disk) disk=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--extra-gpus) extra_gpus=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	*) echo "run-vm: unknown argument $1" >&2; exit 64 ;;
	esac
done
if [[ -z $kernel || -z $initrd || -z $mode || -z $log ]]; then
	echo "usage: $0 --kernel BZIMAGE --initrd CPIO --mode MODE --log FILE [...]" >&2
	exit 64
fi
klog=${klog:-${log%.log}.kernel.log}
mkdir -p "$(dirname "$log")" "$(dirname "$klog")"
: >"$klog"
rm -f "$klog.first-boot" "$log.first-boot"

# oops=panic + panic=-1 + -no-reboot: an oops ends the VM at once with
# the report in the kernel log, instead of leaving a half-dead kernel
# whose held locks hang the remaining tests until the timeout.
# Warnings and sanitizer reports do not panic: the run goes on and the
# host finds them in the kernel log (dmesg-clean).
# iomem=relaxed: the tests and benchmarks read the parent GPU's VRAM through
# its sysfs resource0 while vslice_gpu owns the BAR, which Debian's
# IO_STRICT_DEVMEM refuses otherwise.
# no_timer_check: under TCG on a busy host the lab kernel can get too
# little CPU for the boot-time check that the IO-APIC timer ticks, and then
# panics ("IO-APIC + timer doesn't work!") before /init; the emulated timer
# works.  (-icount, which fixes this for the nested guests, needs
# single-threaded TCG and so one vCPU.)
cmdline="console=ttyS1,115200 panic=-1 oops=panic iomem=relaxed no_timer_check vslice.mode=$mode"
if ((kmsg_on_console)); then
	# The last console= becomes /dev/console; `quiet` keeps boot chatter
	# off the demo screen but still shows warnings and worse.
	cmdline+=" console=ttyS0,115200 quiet"
fi
[[ -n $extra ]] && cmdline+=" $extra"

# The commas below are QEMU's option syntax, not array separators.
# shellcheck disable=SC2054
qemu=(qemu-system-x86_64
	-accel tcg -cpu max -smp "$smp" -m "$mem"
	-nodefaults -no-user-config -display none -no-reboot -vga none
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	# The two GPUs of tests/README.md (PCI 1234:1111).
	-device bochs-display,addr=04.0,vgamem=256M
	-device bochs-display,addr=05.0,vgamem=128M
)
if [[ -n $disk ]]; then
	qemu+=(-drive "file=$disk,format=raw,if=virtio,cache=unsafe")
fi
for ((i = 0; i < extra_gpus; i++)); do
	qemu+=(-device "bochs-display,addr=$(printf '%02x' $((6 + i))).0,vgamem=256M")
done
# QEMU numbers the serial ports in command-line order: ttyS0 is the
# userspace console on stdio, ttyS1 the kernel console in a file.
if [[ $mode == shell && -t 0 ]]; then
	# Interactive: ^A x quits QEMU, ^A c reaches the monitor.
	qemu+=(-serial mon:stdio)
	stdin=/dev/stdin
elif [[ $mode == shell ]]; then
	# Commands piped in (scripted shell sessions).
	qemu+=(-serial stdio)
	stdin=/dev/stdin
else
	qemu+=(-serial stdio)
	stdin=/dev/null
fi
qemu+=(-serial "file:$klog")

start=$SECONDS
# A kernel that dies before userspace starts (no "vslice-init:" line)
# ran none of our code: under TCG on a loaded host it has been seen to
# oops in boot-time code patching (an int3 in sched_clock_cpu).  Such a
# boot is retried once, saying so, its logs kept as *.first-boot; any
# failure after /init started counts.
for attempt in 1 2; do
	set +e
	timeout --foreground -k 10 "$timeout" "${qemu[@]}" <"$stdin" | tee "$log"
	status=("${PIPESTATUS[@]}")
	set -e
	# grep the file itself: "tr | grep -q" fails under pipefail once the
	# log outgrows the pipe buffer (grep quits, tr dies of SIGPIPE).
	if ((attempt == 2)) || [[ $mode == shell ]] || grep -aq '^vslice-init: ' "$log"; then
		break
	fi
	echo "run-vm: the kernel died before /init started; booting once more (first boot's logs: $klog.first-boot $log.first-boot)" >&2
	tail -n 5 "$klog" | tr -d '\r' >&2
	# The caller scans the dropped boot's kernel log like any other
	# (tests/lab/lab-stage.sh) and reports the retry.
	cp "$klog" "$klog.first-boot"
	cp "$log" "$log.first-boot"
done
elapsed=$((SECONDS - start))

done_line=$(tr -d '\r' <"$log" | grep -a '^VSLICE-DONE rc=' | tail -n 1 || true)
if [[ -n $done_line ]]; then
	rc=${done_line#VSLICE-DONE rc=}
	echo "run-vm: guest finished in ${elapsed}s with rc=$rc (logs: $log $klog)" >&2
	[[ $rc == 0 ]] && exit 0
	exit 1
fi
if ((status[0] == 124 || status[0] == 137)); then
	echo "run-vm: timeout after ${timeout}s, QEMU killed" >&2
else
	echo "run-vm: QEMU exited ($((status[0]))) after ${elapsed}s without VSLICE-DONE" >&2
fi
echo "run-vm: last kernel messages ($klog):" >&2
tail -n 40 "$klog" | tr -d '\r' >&2
exit 2
