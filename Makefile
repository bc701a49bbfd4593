# SPDX-License-Identifier: GPL-2.0-only
#
# vslice: build, install, demo and test entry points.
#
# The modules are built out of tree against a kernel build directory
# (KDIR, Debian's 6.12 headers by default).  Linux 6.12 cannot put the
# objects of an external module outside its source tree, so every build
# happens in a symlinked mirror under build/<kernelrelease>/; that keeps
# builds for the distribution kernel and for the test kernel apart.

# dkms (and kbuild) name the target kernel KERNELRELEASE: honour it.
ifneq ($(KERNELRELEASE),)
KVER ?= $(KERNELRELEASE)
endif
KVER ?= $(shell ls -1 /lib/modules 2>/dev/null | grep -E '^6\.12\.[0-9]+.*-amd64$$' | sort -V | tail -n 1)
ifeq ($(KVER),)
KVER := $(shell uname -r)
endif
KDIR ?= /lib/modules/$(KVER)/build
KREL := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null || echo $(KVER))
OUT ?= $(CURDIR)/build/$(KREL)
DESTDIR ?=
INSTALL_MOD_DIR ?= updates

KBUILD_ARGS := -C $(KDIR) M=$(OUT)
# The vGPU type table images (firmware/), for request_firmware().
FW_OUT := $(CURDIR)/build/firmware

.PHONY: all modules firmware userspace install modules_install userspace_install clean \
	deps demo check lint lab-shell bench bench-smoke bench-lat deb fuzz-long

all: modules userspace

# Mirror the sources (symlinks only) so the object files of each kernel
# build stay in their own directory.  Dangling links from deleted files
# are dropped first.
$(OUT)/.mirror: FORCE
	@mkdir -p $(OUT)
	@find $(OUT) -xtype l -delete 2>/dev/null || true
	@cp -rsf $(CURDIR)/Kbuild $(CURDIR)/kernel $(OUT)/
	@touch $@

modules: $(OUT)/.mirror
	$(MAKE) $(KBUILD_ARGS) modules

modules_install: modules
	$(MAKE) $(KBUILD_ARGS) INSTALL_MOD_PATH=$(if $(DESTDIR),$(abspath $(DESTDIR)),) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) DEPMOD=/bin/true modules_install
	install -D -m 0644 packaging/modprobe.d/vslice.conf \
		$(DESTDIR)/etc/modprobe.d/vslice.conf
	$(if $(DESTDIR),,depmod -a $(KREL))

firmware:
	$(MAKE) -C firmware FW_OUT=$(FW_OUT)

# The images go to $(DESTDIR)/lib/firmware/vslice/, where request_firmware()
# looks for "vslice/gpu-<vendor>-<device>-<vram>m.fw".
# The boot-order unit is installed, not enabled (systemctl enable
# vslice-mdev-autostart.service); the packages enable it.
install: modules_install userspace_install
	$(MAKE) -C firmware FW_OUT=$(FW_OUT) \
		DESTDIR=$(if $(DESTDIR),$(abspath $(DESTDIR)),) install
	install -D -m 0755 packaging/systemd/vslice-mdev-autostart \
		$(DESTDIR)/usr/libexec/vslice/vslice-mdev-autostart
	install -D -m 0644 packaging/systemd/vslice-mdev-autostart.service \
		$(DESTDIR)/usr/lib/systemd/system/vslice-mdev-autostart.service

# The Debian packages (debian/), built in a clean root of one release
# (tests/packaging/mkdebs.sh; root and network on the first run):
# build/deb/<suite>/*.deb.  DEB_SUITE=bookworm (Debian 12) or trixie
# (Debian 13); the host's release by default.
DEB_SUITE ?= $(shell . /etc/os-release && echo $$VERSION_CODENAME)
deb:
	tests/packaging/mkdebs.sh $(DEB_SUITE) $(CURDIR)/build/deb/$(DEB_SUITE)

# The mdevctl callout and vslicectl (userspace/mdevctl-plugin/; objects in
# build/userspace/).  Their install puts the callout into both mdevctl
# callout directories, vslicectl into /usr/bin, its man page, and the udev
# rule that starts mdevctl definitions when a GPU registers.
userspace:
	$(MAKE) -C userspace/mdevctl-plugin

userspace_install:
	$(MAKE) -C userspace/mdevctl-plugin \
		DESTDIR=$(if $(DESTDIR),$(abspath $(DESTDIR)),) install

clean:
	rm -rf $(CURDIR)/build

deps:
	tests/lab/setup-deps.sh

demo: deps
	tests/lab/demo.sh

check: deps
	tests/run-all.sh

lint: deps
	tests/lint/run-lint.sh

lab-shell: deps
	tests/lab/shell.sh

# vslice against the upstream mbochs sample on mdev.ko, one lab boot:
# the table on stdout, results.json and plot.png in build/bench/latest/.
# Not part of `make check`, which runs only the short smoke mode.
bench: deps
	tests/bench/run-bench.sh

bench-smoke: deps
	tests/bench/run-bench.sh --smoke

# Only the two trapped reads and their perf profiles: about a minute.
bench-lat: deps
	tests/bench/run-bench.sh --lat

# The device-fd fuzzer (tests/guest/t-97-fuzz.sh) alone, for as long as
# you like: FUZZ_OPS operations (default 10^8: hours), FUZZ_SEED=S to run
# a seed again, FUZZ_KERNEL=testkernel for the sanitizer kernel (else
# Debian's).  The VM gets 1 s per 500 operations plus 15 minutes.  Results
# in build/fuzz-long.txt, logs in build/logs/lab/<kernel>/.
FUZZ_OPS ?= 100000000
fuzz-long: deps
	@set -e; mkdir -p build; \
	if [ "$(FUZZ_KERNEL)" = testkernel ]; then \
		dir=$$(bash tests/kunit/build-test-kernel.sh | tail -n 1); \
		stage=lab/testkernel img=$$dir/bzImage kdir=$$dir/build distro=; \
	else \
		kver=$$(tests/lab/debian-kernel.sh); \
		stage=lab/debian img=/boot/vmlinuz-$$kver kdir=/lib/modules/$$kver/build \
		distro=--distro-modules; \
	fi; \
	VSLICE_VM_TIMEOUT=$$(( $(FUZZ_OPS) / 500 + 900 )) \
	VSLICE_LAB_APPEND="vslice.suites=t-97-fuzz vslice.fuzz_ops=$(FUZZ_OPS)$(if $(FUZZ_SEED), vslice.fuzz_seed=$(FUZZ_SEED))" \
		tests/lab/lab-stage.sh $$stage $$img $$kdir $$distro | tee build/fuzz-long.txt; \
	! grep -q '^VSLICE-RESULT: FAIL' build/fuzz-long.txt

FORCE:
