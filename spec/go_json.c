#include "spec/go_json.h"

#include <stdint.h>
#include <string.h>

void go_json_init(struct go_json *w, FILE *f, const char *indent)
{
	*w = (struct go_json){.f = f, .indent = indent, .depth = 0, .first = true};
}

static void newline(struct go_json *w)
{
	if (!w->indent)
		return;
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs(w->indent, w->f);
}

static void item(struct go_json *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first)
			fputc(',', w->f);
		newline(w);
	}
	w->first = false;
	if (key) {
		go_json_quote(w->f, key);
		fputs(w->indent ? ": " : ":", w->f);
	}
}

static void begin(struct go_json *w, const char *key, char open)
{
	item(w, key);
	fputc(open, w->f);
	w->depth++;
	w->first = true;
}

static void end(struct go_json *w, char close)
{
	w->depth--;
	/* Go prints an empty container as {} or [] on one line. */
	if (!w->first)
		newline(w);
	fputc(close, w->f);
	w->first = false;
}

void go_json_begin_object(struct go_json *w, const char *key)
{
	begin(w, key, '{');
}
void go_json_end_object(struct go_json *w)
{
	end(w, '}');
}
void go_json_begin_array(struct go_json *w, const char *key)
{
	begin(w, key, '[');
}
void go_json_end_array(struct go_json *w)
{
	end(w, ']');
}

void go_json_string(struct go_json *w, const char *key, const char *value)
{
	item(w, key);
	go_json_quote(w->f, value);
}

void go_json_int(struct go_json *w, const char *key, long long value)
{
	item(w, key);
	fprintf(w->f, "%lld", value);
}

void go_json_bool(struct go_json *w, const char *key, bool value)
{
	item(w, key);
	fputs(value ? "true" : "false", w->f);
}

/* Length of the valid UTF-8 sequence at s, and its code point; 0 if invalid
 * (Go then consumes one byte and writes U+FFFD). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

void go_json_quote(FILE *f, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s, &cp);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		switch (cp) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '<':
		case '>':
		case '&':
		case 0x2028:
		case 0x2029:
			fprintf(f, "\\u%04x", (unsigned)cp);
			break;
		default:
			if (cp < 0x20)
				fprintf(f, "\\u00%c%c", hex[cp >> 4], hex[cp & 0xf]);
			else
				fwrite(s, 1, n, f);
		}
		s += n;
	}
	fputc('"', f);
}
