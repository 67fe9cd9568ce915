/* org.systemd.property.* annotations: GVariant text, in the forms runc's
 * users write ("uint64 123", "'s'", "true"), -> one unit property. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/util.h"

#define NOMEM err_sys(ENOMEM, "systemd properties")

static bool valid_prop_name(const char *n)
{
	if (!isupper((unsigned char)n[0]))
		return false;
	for (const char *s = n + 1; *s; s++)
		if (!isalnum((unsigned char)*s))
			return false;
	return n[1] != '\0';
}

static char *unquote(const char *s, size_t n)
{
	if (n < 2 || (s[0] != '\'' && s[0] != '"') || s[n - 1] != s[0])
		return NULL;
	char *out = malloc(n);
	if (!out)
		return NULL;
	size_t len = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		else if (s[i] == s[0])
			goto bad;
		out[len++] = s[i];
	}
	out[len] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

error *cgsd_prop_from_gvariant(const char *name, const char *text, struct cgsd_prop *out)
{
	static const struct {
		const char *word, *sig;
	} typed[] = {
	    {"uint64 ", "t"}, {"int64 ", "x"}, {"uint32 ", "u"}, {"int32 ", "i"}, {"uint16 ", "q"},
	    {"int16 ", "n"},  {"byte ", "y"},  {"double ", "d"}, {"@t ", "t"},	  {"@x ", "x"},
	    {"@u ", "u"},     {"@i ", "i"},    {"@q ", "q"},	 {"@n ", "n"},	  {"@y ", "y"},
	    {"@d ", "d"},     {"@b ", "b"},    {"@s ", "s"},
	};
	memset(out, 0, sizeof(*out));
	if (!valid_prop_name(name))
		return err_new("invalid systemd property name %s", name);
	while (isspace((unsigned char)*text))
		text++;
	size_t n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	_cleanup_free_ char *v = strndup(text, n);
	if (!v)
		return NOMEM;
	const char *sig = NULL, *val = v;
	for (size_t i = 0; i < ARRAY_SIZE(typed) && !sig; i++)
		if (str_has_prefix(v, typed[i].word)) {
			sig = typed[i].sig;
			val = v + strlen(typed[i].word);
		}
	if (!sig) {
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			sig = "b";
		else if (v[0] == '\'' || v[0] == '"')
			sig = "s";
		else if (strchr(v, '.'))
			sig = "d";
		else
			sig = "i"; /* GVariant's type of a bare integer */
	}
	/* runc: FooSec means FooUSec in microseconds. */
	size_t ln = strlen(name);
	bool sec =
	    ln > 4 && strcmp(name + ln - 3, "Sec") == 0 && islower((unsigned char)name[ln - 4]);
	out->name = sec ? str_printf("%.*sUSec", (int)(ln - 3), name) : strdup(name);
	if (!out->name)
		return NOMEM;
	error *e = NULL;
	if (strcmp(sig, "b") == 0) {
		if (strcmp(val, "true") != 0 && strcmp(val, "false") != 0)
			e = err_new("annotation org.systemd.property.%s: not a boolean: %s", name,
				    v);
		out->b = strcmp(val, "true") == 0;
	} else if (strcmp(sig, "s") == 0) {
		if (!(out->s = unquote(val, strlen(val))))
			e = err_new("annotation org.systemd.property.%s: not a string: %s", name,
				    v);
	} else if (strcmp(sig, "d") == 0) {
		char *end;
		errno = 0;
		out->d = strtod(val, &end);
		if (*end || end == val || errno)
			e = err_new("annotation org.systemd.property.%s: not a number: %s", name,
				    v);
	} else {
		long long num;
		bool is_unsigned = strchr("tuqy", sig[0]) != NULL;
		if (is_unsigned && val[0] != '-') {
			char *end;
			errno = 0;
			unsigned long long un = strtoull(val, &end, 10);
			if (*end || end == val || errno)
				e = err_new("annotation org.systemd.property.%s: not a number: %s",
					    name, v);
			out->u = un;
		} else if (parse_int64(val, &num) < 0 || (is_unsigned && num < 0)) {
			e = err_new("annotation org.systemd.property.%s: not a number: %s", name,
				    v);
		} else {
			out->u = (uint64_t)num;
		}
	}
	if (!e && sec) {
		/* Seconds to microseconds, as a uint64 like every *USec property. */
		double s = strcmp(sig, "d") == 0 ? out->d : (double)(int64_t)out->u;
		if (strchr("bs", sig[0]) || s < 0)
			e = err_new("annotation org.systemd.property.%s: expected seconds: %s",
				    name, v);
		out->u = (uint64_t)(s * 1e6 + 0.5);
		sig = "t";
	}
	if (!e && !(out->sig = strdup(sig)))
		e = NOMEM;
	if (e)
		cgsd_prop_clear(out);
	return e;
}
