/* Two passes, like runc: urfave/cli v1 first reorders a command's arguments so that
 * known flags (and what may be their values) come first, then Go's `flag` package
 * parses up to the first non-flag. Emulating both passes, quirks included, is what
 * makes every argv that works with runc work here the same way. */
#include "cmd/args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

static bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_help_name(const char *name, size_t len)
{
	return (len == 4 && !strncmp(name, "help", 4)) || (len == 1 && name[0] == 'h');
}

/* Index of the flag called name[0..len) (long name or alias), -1 if none. */
static long find_def(const struct flag_def *defs, size_t n_defs, const char *name, size_t len)
{
	for (size_t i = 0; i < n_defs; i++) {
		if (strlen(defs[i].name) == len && !strncmp(defs[i].name, name, len))
			return (long)i;
		if (defs[i].alias && strlen(defs[i].alias) == len &&
		    !strncmp(defs[i].alias, name, len))
			return (long)i;
	}
	return -1;
}

/* urfave's argIsFlag: "-x", "--x" or "--x=v" where x is a defined flag (help too).
 * Like urfave it strips "--" and then one more "-", so "---x" counts as a flag
 * (and Go's parser then rejects it wherever it stands). */
static bool arg_is_flag(const struct flag_def *defs, size_t n_defs, const char *arg)
{
	if (arg[0] != '-' || !strcmp(arg, "-") || !strcmp(arg, "--"))
		return false;
	const char *name = arg;
	if (str_starts(name, "--"))
		name += 2;
	if (*name == '-')
		name++;
	size_t len = strcspn(name, "=");
	return is_help_name(name, len) || find_def(defs, n_defs, name, len) >= 0;
}

/* urfave/cli v1.22 reorderArgs: known flags and the argument after a flag without
 * "=" go first; everything else keeps its order after them, and a `--` is moved
 * to the front of that tail. */
static void reorder(const struct flag_def *defs, size_t n_defs, int argc, char **argv,
		    const char **outv, const char **tail)
{
	size_t n_front = 0, n_tail = 0;
	bool dashdash = false, may_be_value = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool flag = arg_is_flag(defs, n_defs, a);
		if (may_be_value && !flag) {
			may_be_value = false;
			outv[n_front++] = a;
		} else if (!strcmp(a, "--")) {
			dashdash = true;
			for (i++; i < argc; i++)
				tail[n_tail++] = argv[i];
			break;
		} else if (flag) {
			outv[n_front++] = a;
			may_be_value = !strchr(a, '=');
		} else {
			tail[n_tail++] = a;
		}
	}
	if (dashdash)
		outv[n_front++] = "--";
	memcpy(outv + n_front, tail, n_tail * sizeof(*tail));
}

int args_parse_go_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* Go's strconv.ParseInt(s, 0, 64) for the forms people write: decimal, 0x.., 0...
 * with an optional sign. */
static int parse_go_int(const char *s, long long *out)
{
	if (!*s || strchr(s, ' ') || strchr(s, '\t'))
		return -1;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static error *set_value(const struct flag_def *def, struct flag_val *v, const char *name,
			const char *value)
{
	switch (def->kind) {
	case FLAG_INT:
		if (parse_go_int(value, &v->num) < 0)
			return err_new("invalid value \"%s\" for flag -%s: parse error", value,
				       name);
		v->str = value;
		break;
	case FLAG_STRING:
		v->str = value;
		break;
	case FLAG_LIST: {
		const char **n = realloc(v->list, (v->n_list + 2) * sizeof(*n));
		if (!n)
			return err_sys(ENOMEM, "flag -%s", name);
		v->list = n;
		v->list[v->n_list++] = value;
		v->list[v->n_list] = NULL;
		v->str = value;
		break;
	}
	case FLAG_BOOL:
		break;
	}
	v->set = true;
	return NULL;
}

/* Go's FlagSet.Parse over args[0..n): returns the index of the first positional
 * argument (after a terminating `--`, which is consumed). */
static error *go_parse(struct parsed_args *pa, const char **args, size_t n, size_t *first_pos)
{
	size_t i = 0;
	while (i < n) {
		const char *s = args[i];
		if (strlen(s) < 2 || s[0] != '-')
			break;
		size_t dashes = 1;
		if (s[1] == '-') {
			dashes = 2;
			if (s[2] == '\0') {
				i++;
				break;
			}
		}
		const char *name = s + dashes;
		if (!*name || *name == '-' || *name == '=')
			return err_new("bad flag syntax: %s", s);
		i++;
		size_t len = strcspn(name, "=");
		const char *value = name[len] == '=' ? name + len + 1 : NULL;
		_cleanup_free_ char *nm = strndup(name, len);
		if (!nm)
			return err_sys(ENOMEM, "parsing flags");
		long idx = find_def(pa->defs, pa->n_defs, name, len);
		if (idx < 0 && !is_help_name(name, len))
			return err_new("flag provided but not defined: -%s", nm);
		if (idx < 0 || pa->defs[idx].kind == FLAG_BOOL) {
			bool b = true;
			if (value && args_parse_go_bool(value, &b) < 0)
				return err_new("invalid boolean value \"%s\" for -%s: parse error",
					       value, nm);
			if (idx < 0) {
				pa->help = b;
			} else {
				pa->vals[idx].set = true;
				pa->vals[idx].b = b;
			}
			continue;
		}
		if (!value) {
			if (i >= n)
				return err_new("flag needs an argument: -%s", nm);
			value = args[i++];
		}
		error *e = set_value(&pa->defs[idx], &pa->vals[idx], nm, value);
		if (e)
			return e;
	}
	*first_pos = i;
	return NULL;
}

error *args_parse(const struct flag_def *defs, size_t n_defs, int argc, char **argv, bool in_order,
		  struct parsed_args *out)
{
	memset(out, 0, sizeof(*out));
	if (argc < 0)
		argc = 0;
	struct parsed_args pa = {.defs = defs, .n_defs = n_defs};
	_cleanup_free_ const char **order = calloc((size_t)argc + 2, sizeof(*order));
	_cleanup_free_ const char **tail = calloc((size_t)argc + 2, sizeof(*tail));
	pa.vals = calloc(n_defs + 1, sizeof(*pa.vals));
	if (!order || !tail || !pa.vals) {
		free(pa.vals);
		return err_sys(ENOMEM, "parsing flags");
	}
	if (in_order)
		memcpy(order, argv, (size_t)argc * sizeof(*order));
	else
		reorder(defs, n_defs, argc, argv, order, tail);
	/* reorder() may move a `--` from the end to the front of the tail, never adding
	 * one, so the count stays argc. */
	size_t first = 0;
	error *e = go_parse(&pa, order, (size_t)argc, &first);
	if (!e) {
		pa.n_pos = (size_t)argc - first;
		pa.pos = calloc(pa.n_pos + 1, sizeof(*pa.pos));
		if (!pa.pos)
			e = err_sys(ENOMEM, "parsing flags");
		else
			memcpy(pa.pos, order + first, pa.n_pos * sizeof(*pa.pos));
	}
	if (e) {
		args_free(&pa);
		return e;
	}
	*out = pa;
	return NULL;
}

void args_free(struct parsed_args *pa)
{
	if (pa->vals)
		for (size_t i = 0; i < pa->n_defs; i++)
			free(pa->vals[i].list);
	free(pa->vals);
	free(pa->pos);
	memset(pa, 0, sizeof(*pa));
}

const struct flag_val *args_get(const struct parsed_args *pa, const char *name)
{
	long idx = find_def(pa->defs, pa->n_defs, name, strlen(name));
	if (idx < 0)
		abort(); /* a command asked for a flag its own table lacks */
	return &pa->vals[idx];
}

bool args_bool(const struct parsed_args *pa, const char *name)
{
	const struct flag_val *v = args_get(pa, name);
	return v->set && v->b;
}

const char *args_str(const struct parsed_args *pa, const char *name)
{
	return args_get(pa, name)->str;
}

long long args_int(const struct parsed_args *pa, const char *name)
{
	return args_get(pa, name)->num;
}
