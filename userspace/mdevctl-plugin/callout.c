// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vslice mdevctl callout (see callout.h and vslicectl(8)).
 *
 * mdevctl 1.2.0 runs the first script of
 * /etc/mdevctl.d/scripts.d/callouts/ that does not exit 2; mdevctl 1.3
 * and later first ask "get capabilities" in
 * /usr/lib/mdevctl/scripts.d/callouts/ (then the old directory) and use
 * the script that answers with a version.  Both write the device's
 * configuration to stdin for pre, post, live and notify, and nothing for
 * "get attributes".
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "callout.h"
#include "callout_json.h"
#include "holders.h"
#include "input.h"
#include "model.h"
#include "vattr.h"

/* Everything one invocation needs. */
struct ctx {
	const struct vs_callout_args *a;
	const struct vs_callout_env *env;
	struct vs_msgs problems;
	struct vs_msgs warnings;
	char *input;
	size_t input_len;
};

static void vlog(const struct ctx *c, int prio, const char *fmt, ...)
	VS_PRINTF(3, 4);

static void vlog(const struct ctx *c, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (c->env->log) {
		vfprintf(c->env->log, fmt, ap);
		fputc('\n', c->env->log);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

void vs_callout_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT\n"
		"\n"
		"The mdevctl callout of vslice vGPUs.  mdevctl runs it; people rarely do.\n"
		"\n"
		"  -t TYPE     mdev type; exits 2 (not ours) unless it is vslice-* or\n"
		"              PARENT is a GPU bound to the vslice driver\n"
		"  -e EVENT    pre, post, get, live (mdevctl 1.3+) or notify\n"
		"  -a ACTION   start, stop, define, undefine, modify, attributes,\n"
		"              capabilities (mdevctl 1.3+)\n"
		"  -s STATE    none, success or failure (the outcome, for post)\n"
		"  -u UUID     the device\n"
		"  -p PARENT   its GPU, a PCI address such as 0000:00:04.0\n"
		"  -h, --help  this text\n"
		"\n"
		"pre define|modify|start  check the type against the GPU and every\n"
		"                         attribute; exit 1 with one line per problem\n"
		"get attributes           print the running device's vendor attributes\n"
		"                         as [{\"vslice/owner\": \"vm1\"}, ...]\n"
		"get capabilities         answer mdevctl 1.3's version-2 handshake\n"
		"live modify              apply owner to a running device; max_resolution\n"
		"                         only while it is closed\n"
		"post, notify             log to syslog; never fail\n"
		"\n"
		"stdin: the device's JSON configuration, for pre, post, live and notify.\n"
		"Exit status: 0 go ahead, 1 refused or failed, 2 not vslice's device.\n"
		"Environment: VSLICE_ROOT (or mdevctl's MDEVCTL_ENV_ROOT) looks for sys/\n"
		"and proc/ under another root, for tests.  See vslicectl(8).\n",
		prog);
}

int vs_callout_parse_args(int argc, char **argv, struct vs_callout_args *a,
			  FILE *err)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(a, 0, sizeof(*a));
	optind = 0;	/* a full reset: the tests parse many times */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+t:e:a:s:u:p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			a->type = optarg;
			break;
		case 'e':
			a->event = optarg;
			break;
		case 'a':
			a->action = optarg;
			break;
		case 's':
			a->state = optarg;
			break;
		case 'u':
			a->uuid = optarg;
			break;
		case 'p':
			a->parent = optarg;
			break;
		case 'h':
			a->help = true;
			break;
		default:
			if (optopt && strchr("teasup", optopt))
				fprintf(err, "option -%c needs a value\n", optopt);
			else
				fprintf(err, "unknown option %s\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(err, "unexpected argument %s\n", argv[optind]);
		return -1;
	}
	return 0;
}

static bool is(const char *s, const char *word)
{
	return s && !strcmp(s, word);
}

static bool name_ok(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* Read the configuration from stdin.  Return: 0, or -1 with a problem. */
static int read_input(struct ctx *c)
{
	int ret;

	ret = vs_read_input(c->env->in_fd, VS_INPUT_MAX, c->env->timeout_ms,
			    &c->input, &c->input_len);
	if (ret == -EFBIG)
		vs_msg(&c->problems, "the input is larger than %d bytes; a device configuration is a few hundred",
		       VS_INPUT_MAX);
	else if (ret == -ETIMEDOUT)
		vs_msg(&c->problems, "no end of input on stdin within %d s",
		       c->env->timeout_ms / 1000);
	else if (ret)
		vs_msg(&c->problems, "cannot read stdin: %s", strerror(-ret));
	return ret ? -1 : 0;
}

/* "vslice-s16, vslice-s32, ..." of a parent, into buf. */
static void type_names(const struct vs_parent *p, char *buf, size_t n)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < p->nr_types && o + 2 < n; i++) {
		int w = snprintf(buf + o, n - o, "%s%s", i ? ", " : "", p->types[i].id);

		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

/*
 * The limits the type puts on attribute values, checking that the parent
 * publishes the type.  need_parent: the device must be creatable or
 * exist now (start, live), not only be defined.
 * Return: 0, or -1 with a problem.
 */
static int type_limits(struct ctx *c, bool need_parent, struct vs_limits *lim,
		       struct vs_type *t)
{
	const char *bdf = c->a->parent, *type = c->a->type;
	struct vs_parent p;
	char names[512];
	int ret;

	vs_limits_generic(lim);
	ret = vs_type_load(c->env->root, bdf, type, t);
	if (!ret) {
		if (!vs_parent_is_ours(c->env->root, bdf)) {
			vs_msg(&c->problems, "%s is not bound to the vslice driver", bdf);
			return -1;
		}
		vs_limits_from_type(lim, &t->td);
		if (!lim->from_type)
			vs_msg(&c->warnings, "the description of %s on %s has no max_resolution; checked against generic bounds",
			       type, bdf);
		return 0;
	}
	ret = vs_parent_load(c->env->root, bdf, &p);
	if (ret == -ENOENT) {
		if (need_parent) {
			vs_msg(&c->problems, "there is no PCI device %s", bdf);
			return -1;
		}
		vs_msg(&c->warnings, "there is no PCI device %s now; %s and its attributes were checked against generic bounds only",
		       bdf, type);
		return 0;
	}
	if (ret) {
		vs_msg(&c->problems, "cannot read %s: %s", bdf, strerror(-ret));
		return -1;
	}
	if (p.registered) {
		type_names(&p, names, sizeof(names));
		vs_msg(&c->problems, "%s publishes no type %s; it has: %s",
		       bdf, type, p.nr_types ? names : "(none)");
		vs_parent_free(&p);
		return -1;
	}
	vs_parent_free(&p);
	/*
	 * Bound to vslice but not registered (yet): its types are unknown,
	 * but every type vslice publishes is named vslice-*.
	 */
	if (!vs_is_our_type(type)) {
		vs_msg(&c->problems, "%s publishes no type %s: the vslice driver's types are all named %s*, and %s has none registered now",
		       bdf, type, VS_TYPE_PREFIX, bdf);
		return -1;
	}
	if (need_parent) {
		vs_msg(&c->problems, "%s is not registered as a vslice GPU (is vslice_gpu loaded and the GPU bound to it?)",
		       bdf);
		return -1;
	}
	vs_msg(&c->warnings, "%s is not registered as a vslice GPU now; %s and its attributes were checked against generic bounds only",
	       bdf, type);
	return 0;
}

/*
 * An attribute vslice removed (vslice/weight, vslice/fps_cap), in a new
 * definition or in one that predates the removal.  Starting such a device
 * would fail at mdevctl's write with a bare ENOENT, so define and start
 * refuse it by name and say how to drop it; mdevctl's index counts the
 * attributes from 0, and each earlier removed one is deleted first.
 * modify and live modify only warn: they are how the admin deletes the
 * attributes one at a time, and a definition left with one more of them
 * must stay modifiable.
 */
static void removed_attr(struct ctx *c, const struct vs_kv *kv, size_t index,
			 bool refuse)
{
	struct vs_msgs *to = refuse ? &c->problems : &c->warnings;

	/* A new definition is not stored yet: there is nothing to modify. */
	if (is(c->a->action, "define"))
		vs_msg(to, "%.*s is no longer a vslice attribute (no part of the vGPU ever acted on it); leave it out",
		       (int)kv->name_len, kv->name);
	else
		vs_msg(to, "%.*s is no longer a vslice attribute (no part of the vGPU ever acted on it)%s; delete it from the definition: mdevctl modify -u %s --delattr --index=%zu",
		       (int)kv->name_len, kv->name, refuse ? "" : " and a start will refuse it",
		       c->a->uuid, index);
}

/*
 * Check every attribute of a configuration; removed ones are refused
 * when refuse_removed, else warned about.  Return: problems added.
 */
static size_t check_attrs(struct ctx *c, const struct vs_conf *conf,
			  const struct vs_limits *lim, bool refuse_removed)
{
	size_t i, removed = 0, before = vs_msgs_count(&c->problems);
	char qn[128], qv[128], why[256];

	for (i = 0; i < conf->nr_attrs; i++) {
		const struct vs_kv *kv = &conf->attrs[i];
		const struct vs_attr_desc *d = vs_attr_lookup(kv->name, kv->name_len);

		vs_quote(qn, sizeof(qn), kv->name, kv->name_len);
		vs_quote(qv, sizeof(qv), kv->value, kv->value_len);
		if (vs_attr_removed(kv->name, kv->name_len)) {
			removed_attr(c, kv, i - removed, refuse_removed);
			removed++;
		} else if (!d) {
			vs_msg(&c->problems, "attribute %s is not a vslice attribute; the settable ones are %s",
			       qn, vs_attr_writable_list());
		} else if (!d->writable) {
			vs_msg(&c->problems, "attribute %s is read-only; the settable ones are %s",
			       d->name, vs_attr_writable_list());
		} else if (!vs_attr_value_ok(d, kv->value, kv->value_len, lim, why, sizeof(why))) {
			vs_msg(&c->problems, "%s = %s %s", d->name, qv, why);
		}
	}
	return vs_msgs_count(&c->problems) - before;
}

/*
 * Parse stdin and check it against -t and the parent.  need_parent: the
 * type must be creatable now; refuse_removed: a removed attribute is a
 * problem, not a warning.  Return: 0 or -1.
 */
static int checked_conf(struct ctx *c, bool need_parent, bool refuse_removed,
			struct vs_conf *conf, struct vs_limits *lim, struct vs_type *t)
{
	char q[128];
	int ret = 0;

	if (read_input(c) ||
	    vs_conf_parse(c->input, c->input_len, conf, &c->problems))
		return -1;
	if (conf->mdev_type && strcmp(conf->mdev_type, c->a->type)) {
		vs_msg(&c->problems, "the configuration's mdev_type %s is not -t %s",
		       vs_quote(q, sizeof(q), conf->mdev_type, strlen(conf->mdev_type)),
		       c->a->type);
		ret = -1;
	}
	if (type_limits(c, need_parent, lim, t))
		ret = -1;
	if (check_attrs(c, conf, lim, refuse_removed))
		ret = -1;
	if (ret)
		vs_conf_free(conf);
	return ret;
}

/* Why a parent has no room for one more of a type, for the message. */
static void no_room(struct ctx *c, const struct vs_type *t)
{
	struct vs_parent p;
	char others[256] = "";
	size_t i, o = 0;

	if (vs_parent_load(c->env->root, c->a->parent, &p)) {
		vs_msg(&c->problems, "%s has no room for a %s: available_instances is 0",
		       c->a->parent, t->id);
		return;
	}
	for (i = 0; i < p.nr_types; i++) {
		int w;

		if (!p.types[i].nr_instances)
			continue;
		w = snprintf(others + o, sizeof(others) - o, "%s%u x %s",
			     o ? ", " : "", p.types[i].nr_instances, p.types[i].id);
		if (w < 0 || (size_t)w >= sizeof(others) - o)
			break;
		o += (size_t)w;
	}
	if (t->td.have & VS_TD_MAX_INSTANCE && t->nr_instances >= t->td.max_instance)
		vs_msg(&c->problems, "%s has no room for a %s: the type's maximum of %u instances exist",
		       c->a->parent, t->id, t->td.max_instance);
	else
		vs_msg(&c->problems, "%s has no room for a %s: available_instances is 0 (placement %s; in use: %s)",
		       c->a->parent, t->id, p.placement[0] ? p.placement : "unknown",
		       o ? others : "nothing");
	vs_parent_free(&p);
}

static int pre(struct ctx *c)
{
	const char *act = c->a->action;
	struct vs_conf conf;
	struct vs_limits lim;
	struct vs_type t;
	bool start = is(act, "start");

	if (is(act, "define") || is(act, "modify") || start) {
		if (checked_conf(c, start, !is(act, "modify"), &conf, &lim, &t))
			return VS_CALLOUT_REFUSED;
		if (start && t.available == 0) {
			no_room(c, &t);
			vs_conf_free(&conf);
			return VS_CALLOUT_REFUSED;
		}
		vs_conf_free(&conf);
		return VS_CALLOUT_OK;
	}
	if (is(act, "stop")) {
		struct vs_holder h[VS_MAX_HOLDERS];
		struct vs_inst in;
		size_t n;

		read_input(c);	/* drained; what stop needs is in sysfs */
		vs_msgs_free(&c->problems);
		if (!vs_inst_load(c->env->root, c->a->uuid, &in) &&
		    vs_open_state(c->env->root, &in, h, VS_MAX_HOLDERS, &n) == VS_OPEN)
			vs_msg(&c->warnings, "%s is open by pid %d (%s); the driver asks it to let go, and the removal waits until it does",
			       in.uuid, h[0].pid, h[0].comm);
		return VS_CALLOUT_OK;
	}
	/* undefine, and actions of later mdevctl versions: nothing to check */
	read_input(c);
	vs_msgs_free(&c->problems);
	return VS_CALLOUT_OK;
}

/* The settable attributes of a running device, for "get attributes". */
static int get_attributes(struct ctx *c)
{
	static const enum vs_attr_id shown[] = {
		VS_ATTR_OWNER, VS_ATTR_MAX_RESOLUTION,
	};
	struct vs_kv kv[VS_ARRAY_SIZE(shown)];
	struct vs_inst in;
	size_t i, n = 0;
	char *json;
	int ret;

	ret = vs_inst_load(c->env->root, c->a->uuid, &in);
	if (ret) {
		vs_msg(&c->problems, "no running mdev %s: %s", c->a->uuid,
		       ret == -ENOENT ? "it does not exist" : strerror(-ret));
		return VS_CALLOUT_REFUSED;
	}
	if (!in.ours) {
		vs_msg(&c->problems, "%s is not a vslice vGPU", in.uuid);
		return VS_CALLOUT_REFUSED;
	}
	/*
	 * mdevctl define -u UUID -p PARENT -t TYPE of a running device asks
	 * for its attributes under the new -t and -p: a definition that
	 * could never start again is refused here, before anything is stored.
	 */
	if (strcmp(in.type, c->a->type) || strcmp(in.parent, c->a->parent)) {
		struct vs_limits lim;
		struct vs_type t;

		if (type_limits(c, false, &lim, &t))
			return VS_CALLOUT_REFUSED;
		vs_msg(&c->problems, "%s runs as a %s on %s, not as a %s on %s",
		       in.uuid, in.type, in.parent, c->a->type, c->a->parent);
		return VS_CALLOUT_REFUSED;
	}
	for (i = 0; i < VS_ARRAY_SIZE(shown); i++) {
		enum vs_attr_id id = shown[i];

		if (!in.attr_ok[id]) {
			vs_msg(&c->problems, "cannot read %s of %s", vs_attr_table[id].name,
			       in.uuid);
			return VS_CALLOUT_REFUSED;
		}
		/* An empty owner is the default: nothing to write back. */
		if (id == VS_ATTR_OWNER && !in.attr[id][0])
			continue;
		kv[n].name = (char *)vs_attr_table[id].name;
		kv[n].name_len = strlen(kv[n].name);
		kv[n].value = in.attr[id];
		kv[n].value_len = strlen(in.attr[id]);
		n++;
	}
	json = vs_attrs_json(kv, n);
	if (!json) {
		vs_msg(&c->problems, "out of memory");
		return VS_CALLOUT_REFUSED;
	}
	fprintf(c->env->out, "%s\n", json);
	free(json);
	return VS_CALLOUT_OK;
}

static int get_capabilities(struct ctx *c)
{
	int version;
	char *json;

	if (read_input(c) ||
	    vs_caps_parse(c->input, c->input_len, &version, &c->problems))
		return VS_CALLOUT_REFUSED;
	json = vs_caps_json();
	if (!json) {
		vs_msg(&c->problems, "out of memory");
		return VS_CALLOUT_REFUSED;
	}
	fprintf(c->env->out, "%s\n", json);
	free(json);
	vlog(c, LOG_DEBUG, "mdevctl provides callout protocol version %d; answered version 2",
	     version);
	return VS_CALLOUT_OK;
}

/* The value without the newline the driver would ignore. */
static size_t bare_len(const struct vs_kv *kv)
{
	return kv->value_len && kv->value[kv->value_len - 1] == '\n' ?
	       kv->value_len - 1 : kv->value_len;
}

static bool same_value(const struct vs_kv *kv, const char *now)
{
	size_t len = bare_len(kv);

	return strlen(now) == len && !memcmp(kv->value, now, len);
}

/*
 * live modify: apply the attributes of the new configuration that may
 * change while the device runs, or refuse, changing nothing.
 */
static int live_modify(struct ctx *c)
{
	struct vs_holder h[VS_MAX_HOLDERS];
	enum vs_open_state state = VS_FREE;
	char path[PATH_MAX + 64], dir[PATH_MAX];
	struct vs_limits lim;
	struct vs_conf conf;
	struct vs_inst in;
	struct vs_type t;
	size_t i, n = 0, applied = 0;
	int ret, pass;

	if (checked_conf(c, true, false, &conf, &lim, &t))
		return VS_CALLOUT_REFUSED;
	ret = vs_inst_load(c->env->root, c->a->uuid, &in);
	if (ret || !in.ours || strcmp(in.type, c->a->type) ||
	    strcmp(in.parent, c->a->parent)) {
		vs_msg(&c->problems, "%s is not running as a %s on %s", c->a->uuid,
		       c->a->type, c->a->parent);
		vs_conf_free(&conf);
		return VS_CALLOUT_REFUSED;
	}
	for (i = 0; i < conf.nr_attrs; i++) {
		const struct vs_attr_desc *d = vs_attr_lookup(conf.attrs[i].name,
							      conf.attrs[i].name_len);

		/* A removed attribute (warned about) has nothing to apply. */
		if (!d || d->live || same_value(&conf.attrs[i], in.attr[d->id]))
			continue;
		if (state == VS_FREE)
			state = vs_open_state(c->env->root, &in, h, VS_MAX_HOLDERS, &n);
		if (state == VS_OPEN)
			vs_msg(&c->problems, "%s cannot change while pid %d (%s) has the device open: its guest driver read it at probe; change it with the VM shut down",
			       d->name, h[0].pid, h[0].comm);
	}
	if (vs_msgs_count(&c->problems)) {
		vs_conf_free(&conf);
		return VS_CALLOUT_REFUSED;
	}
	if (vs_pathf(dir, sizeof(dir), c->env->root, "/sys/bus/mdev/devices/%s", in.uuid)) {
		vs_conf_free(&conf);
		return VS_CALLOUT_REFUSED;
	}
	/*
	 * Those the driver can still refuse (EBUSY: opened meanwhile) first,
	 * so that a refusal leaves the live ones as they were.
	 */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < conf.nr_attrs; i++) {
			const struct vs_kv *kv = &conf.attrs[i];
			const struct vs_attr_desc *d = vs_attr_lookup(kv->name, kv->name_len);

			if (!d || d->live != pass || same_value(kv, in.attr[d->id]))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->name);
			ret = vs_write_text(path, kv->value, kv->value_len);
			if (ret == -EBUSY) {
				vs_msg(&c->problems, "%s cannot change now: the device was opened (EBUSY)",
				       d->name);
			} else if (ret) {
				vs_msg(&c->problems, "writing %s: %s", d->name, strerror(-ret));
			} else {
				applied++;
				vlog(c, LOG_INFO, "live: %s %s = %.*s", in.uuid, d->name,
				     (int)bare_len(kv), kv->value);
			}
			if (ret)
				break;
		}
		if (vs_msgs_count(&c->problems))
			break;
	}
	vs_conf_free(&conf);
	if (vs_msgs_count(&c->problems)) {
		if (applied)
			vs_msg(&c->problems, "%zu attribute(s) before it were applied", applied);
		return VS_CALLOUT_REFUSED;
	}
	return VS_CALLOUT_OK;
}

/* post and notify: log, never fail. */
static int report(struct ctx *c)
{
	struct vs_conf conf;
	struct vs_msgs ignored = { 0 };
	size_t nattrs = 0;

	if (!read_input(c) && c->input_len &&
	    !vs_conf_parse(c->input, c->input_len, &conf, &ignored)) {
		nattrs = conf.nr_attrs;
		vs_conf_free(&conf);
	}
	vs_msgs_free(&ignored);
	vs_msgs_free(&c->problems);
	vlog(c, is(c->a->state, "failure") ? LOG_WARNING : LOG_INFO,
	     "%s %s: %s (%s on %s, %zu attributes): %s", c->a->event,
	     c->a->action ? c->a->action : "?", c->a->uuid ? c->a->uuid : "?",
	     c->a->type, c->a->parent ? c->a->parent : "?", nattrs,
	     c->a->state ? c->a->state : "none");
	return VS_CALLOUT_OK;
}

static int dispatch(struct ctx *c)
{
	const struct vs_callout_args *a = c->a;

	if (!a->event || !a->action) {
		vs_msg(&c->problems, "-e EVENT and -a ACTION are required");
		return VS_CALLOUT_REFUSED;
	}
	if (is(a->event, "post") || is(a->event, "notify"))
		return report(c);
	if (is(a->event, "get") && is(a->action, "capabilities"))
		return get_capabilities(c);
	if (!vs_uuid_valid(a->uuid) || !name_ok(a->parent)) {
		vs_msg(&c->problems, "-u needs a UUID and -p a parent device (got %s and %s)",
		       a->uuid ? a->uuid : "nothing", a->parent ? a->parent : "nothing");
		return VS_CALLOUT_REFUSED;
	}
	if (is(a->event, "pre"))
		return pre(c);
	if (is(a->event, "get")) {
		if (is(a->action, "attributes"))
			return get_attributes(c);
		return VS_CALLOUT_OK;	/* a later protocol's question */
	}
	if (is(a->event, "live")) {
		if (is(a->action, "modify"))
			return live_modify(c);
		read_input(c);
		vs_msgs_free(&c->problems);
		vs_msg(&c->problems, "live %s is not supported; only live modify is", a->action);
		return VS_CALLOUT_REFUSED;
	}
	vlog(c, LOG_DEBUG, "ignoring unknown event %s", a->event);
	return VS_CALLOUT_OK;
}

/*
 * Whether vslice judges the device: its parent is a GPU bound to vslice,
 * whatever the type (a type that GPU does not publish is refused with
 * the ones it has, not left to a definition that can never start), or
 * its type is vslice's (its GPU may be unbound or absent right now).
 * Anything else belongs to another vendor's callout.
 */
static bool ours(const struct vs_callout_args *a, const char *root)
{
	if (vs_is_our_type(a->type))
		return true;
	return a->type && name_ok(a->parent) && vs_parent_is_ours(root, a->parent);
}

int vs_callout_run(const struct vs_callout_args *a,
		   const struct vs_callout_env *env)
{
	struct ctx c = { .a = a, .env = env };
	int ret;

	if (!ours(a, env->root))
		return VS_CALLOUT_NOT_OURS;
	ret = dispatch(&c);
	vs_msgs_print(&c.warnings, env->err, "warning: ");
	if (ret != VS_CALLOUT_OK) {
		const char *ev = a->event ? a->event : "?";
		const char *act = a->action ? a->action : "?";
		const char *uuid = a->uuid ? a->uuid : "?";
		char lead[160];

		if (is(ev, "pre"))
			snprintf(lead, sizeof(lead), "refusing to %s %s", act, uuid);
		else if (is(ev, "live"))
			snprintf(lead, sizeof(lead), "refusing to live-%s %s", act, uuid);
		else if (is(ev, "get"))
			snprintf(lead, sizeof(lead), "cannot get %s of %s", act, uuid);
		else
			snprintf(lead, sizeof(lead), "%s %s of %s failed", ev, act, uuid);
		if (vs_msgs_count(&c.problems) == 1)
			fprintf(env->err, "%s: %s\n", lead, c.problems.line[0]);
		else
			fprintf(env->err, "%s (%s on %s), %zu problems:\n", lead, a->type,
				a->parent ? a->parent : "?", vs_msgs_count(&c.problems));
		if (vs_msgs_count(&c.problems) != 1)
			vs_msgs_print(&c.problems, env->err, "  ");
		vlog(&c, LOG_NOTICE, "%s: %zu problem(s)%s%s", lead, vs_msgs_count(&c.problems),
		     c.problems.n ? ", first: " : "", c.problems.n ? c.problems.line[0] : "");
	}
	vs_msgs_free(&c.problems);
	vs_msgs_free(&c.warnings);
	free(c.input);
	return ret;
}
