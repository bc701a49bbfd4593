// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslicectl: command line, help and dispatch.
 */
#include <getopt.h>
#include <string.h>

#include "tool.h"

#define VS_VERSION "1.0"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vslicectl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Look at and manage vslice vGPUs: mediated devices carved out of GPUs\n"
		"bound to the vslice driver.\n"
		"\n"
		"Commands:\n"
		"  parents                  each GPU: PCI name, VRAM in use, types, instances\n"
		"  types [PARENT]           each type: available count and type-table properties\n"
		"  list [UUID]              each vGPU: type, GPU, state (free or open, and\n"
		"                           by which VM), vendor attributes\n"
		"  create PARENT TYPE       create a vGPU (--uuid UUID to choose it); prints\n"
		"                           its UUID\n"
		"  remove UUID              remove a vGPU; refused while a VM has it open\n"
		"                           unless --force\n"
		"  assign UUID DOMAIN       add the vGPU to the persistent libvirt definition\n"
		"                           of DOMAIN as <hostdev type='mdev' model='vfio-pci'>\n"
		"  unassign UUID [DOMAIN]   remove it from DOMAIN (default: the domain that\n"
		"                           has it)\n"
		"\n"
		"Options:\n"
		"  -j, --json               machine-readable output (errors too, as\n"
		"                           {\"error\": {...}}, besides the message on stderr)\n"
		"  -r, --root DIR           read sysfs, /proc and /etc/mdevctl.d under DIR\n"
		"                           (a fake tree, for tests); default /\n"
		"  -c, --connect URI        libvirt URI (default $LIBVIRT_DEFAULT_URI or\n"
		"                           qemu:///system); list, assign, unassign\n"
		"  -u, --uuid UUID          create: the UUID of the new vGPU\n"
		"  -f, --force              remove: even while open (the driver asks the VM to\n"
		"                           let go and the removal waits for it);\n"
		"                           assign: even if another domain has it\n"
		"  -h, --help               this text\n"
		"  -V, --version            the version\n"
		"\n"
		"Exit status:\n"
		"  0  success\n"
		"  1  the operation failed (sysfs write, libvirt, ...)\n"
		"  2  bad command line\n"
		"  3  no such GPU, type, vGPU or libvirt domain\n"
		"  4  in use: open by a VM, UUID taken, assigned to another domain\n"
		"  5  no room on the GPU for the type\n"
		"  6  libvirt is needed but not installed or not reachable\n"
		"\n"
		"list works without libvirt: the VM column is then empty.  See vslicectl(8).\n");
}

struct command {
	const char *name;
	const char *args;
	int (*fn)(struct vs_tool *t, int argc, char **argv);
	int min_args, max_args;
	bool uuid_opt, force_opt, connect_opt;
};

static const struct command commands[] = {
	{ "parents", "", vs_cmd_parents, 0, 0, false, false, false },
	{ "types", " [PARENT]", vs_cmd_types, 0, 1, false, false, false },
	{ "list", " [UUID]", vs_cmd_list, 0, 1, false, false, true },
	{ "create", " PARENT TYPE", vs_cmd_create, 2, 2, true, false, false },
	{ "remove", " UUID", vs_cmd_remove, 1, 1, false, true, false },
	{ "assign", " UUID DOMAIN", vs_cmd_assign, 2, 2, false, true, true },
	{ "unassign", " UUID [DOMAIN]", vs_cmd_unassign, 1, 2, false, false, true },
};

int vs_tool_main(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "connect", required_argument, NULL, 'c' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vs_tool t = { .root = "", .out = out, .err = err };
	const struct command *cmd = NULL;
	bool help = false, version = false;
	int opt, nargs;
	size_t i;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "jr:c:u:fhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			t.json = true;
			break;
		case 'r':
			t.root = optarg;
			break;
		case 'c':
			t.uri = optarg;
			break;
		case 'u':
			t.uuid = optarg;
			break;
		case 'f':
			t.force = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			version = true;
			break;
		default:
			if (optopt && strchr("rcu", optopt))
				return vs_fail(&t, VS_EXIT_USAGE, "option -%c needs a value; see --help",
					       optopt);
			return vs_fail(&t, VS_EXIT_USAGE, "unknown option %s; see --help",
				       argv[optind - 1]);
		}
	}
	if (help) {
		usage(out);
		return VS_EXIT_OK;
	}
	if (version) {
		fprintf(out, "vslicectl %s\n", VS_VERSION);
		return VS_EXIT_OK;
	}
	if (optind >= argc)
		return vs_fail(&t, VS_EXIT_USAGE, "no command; see --help");
	for (i = 0; i < VS_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return vs_fail(&t, VS_EXIT_USAGE, "unknown command %s; see --help",
			       argv[optind]);
	nargs = argc - optind - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args)
		return vs_fail(&t, VS_EXIT_USAGE, "wrong number of arguments; usage: vslicectl %s%s",
			       cmd->name, cmd->args);
	if ((t.uuid && !cmd->uuid_opt) || (t.force && !cmd->force_opt) ||
	    (t.uri && !cmd->connect_opt))
		return vs_fail(&t, VS_EXIT_USAGE, "%s takes no %s option; see --help",
			       cmd->name, t.uuid && !cmd->uuid_opt ? "--uuid" :
			       t.force && !cmd->force_opt ? "--force" : "--connect");
	return cmd->fn(&t, nargs, argv + optind + 1);
}
