/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whether a load through a device mapping raises SIGBUS, which is how
 * a BAR0 mapping answers while the function does not decode memory.
 * One probe at a time per process: the jump buffer is shared.
 */
#ifndef VSLICE_SIGBUS_PROBE_H
#define VSLICE_SIGBUS_PROBE_H

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static sigjmp_buf sigbus_probe_jmp;

static void sigbus_probe_handler(int sig)
{
	(void)sig;
	siglongjmp(sigbus_probe_jmp, 1);
}

/* Whether reading one word through the mapping raises SIGBUS. */
static inline int touch_faults(volatile uint64_t *p)
{
	struct sigaction sa = { .sa_handler = sigbus_probe_handler }, old;
	volatile int faulted = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_probe_jmp, 1))
		faulted = 1;
	else
		(void)*p;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

#endif /* VSLICE_SIGBUS_PROBE_H */
