// SPDX-License-Identifier: GPL-2.0-only
/*
 * Output and error helpers of vslicectl, and the instance list.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tool.h"

int vs_fail(struct vs_tool *t, int code, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fprintf(t->err, "vslicectl: %s\n", msg ? msg : "out of memory");
	if (t->json) {
		struct json_object *o = json_object_new_object();
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "exit_code", json_object_new_int(code));
		json_object_object_add(e, "message",
				       json_object_new_string(msg ? msg : "out of memory"));
		json_object_object_add(o, "error", e);
		vs_emit(t, o);
	}
	free(msg);
	return code;
}

void vs_emit(struct vs_tool *t, struct json_object *o)
{
	fprintf(t->out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						  JSON_C_TO_STRING_SPACED |
						  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int vs_load_instances(struct vs_tool *t, struct vs_inst **list, size_t *n)
{
	struct vs_names uuids;
	struct vs_inst *arr;
	size_t i;
	int ret;

	*list = NULL;
	*n = 0;
	ret = vs_inst_list(t->root, &uuids);
	if (ret)
		return ret;
	arr = calloc(uuids.n ? uuids.n : 1, sizeof(*arr));
	if (!arr) {
		vs_names_free(&uuids);
		return -ENOMEM;
	}
	for (i = 0; i < uuids.n; i++)
		if (!vs_inst_load(t->root, uuids.name[i], &arr[*n]) && arr[*n].ours)
			(*n)++;
	vs_names_free(&uuids);
	*list = arr;
	return 0;
}
