#include "lab/report.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/go_json.h"

/* ------------------------------------------------------------ report model */

struct report_row *report_row(struct report *r, const char *section, const char *item,
			      const char *state)
{
	struct report_row *rows = realloc(r->rows, (r->n_rows + 1) * sizeof(*rows));
	if (!rows) {
		r->failed_alloc = true;
		return NULL;
	}
	r->rows = rows;
	struct report_row *row = &rows[r->n_rows];
	memset(row, 0, sizeof(*row));
	row->section = strdup(section);
	row->item = strdup(item);
	row->state = state ? strdup(state) : NULL;
	if (!row->section || !row->item || (state && !row->state)) {
		free(row->section);
		free(row->item);
		free(row->state);
		r->failed_alloc = true;
		return NULL;
	}
	r->n_rows++;
	return row;
}

void report_field(struct report *r, struct report_row *row, const char *name, enum report_kind kind,
		  const char *fmt, ...)
{
	if (!row)
		return;
	/* report_row may realloc the array: rows are only ever filled while
	 * they are the last one, so re-derive the pointer from the index. */
	va_list ap;
	va_start(ap, fmt);
	char *value = NULL;
	int n = vasprintf(&value, fmt, ap);
	va_end(ap);
	struct report_field *f = realloc(row->fields, (row->n_fields + 1) * sizeof(*f));
	char *nm = strdup(name);
	if (n < 0 || !f || !nm) {
		if (n >= 0)
			free(value);
		free(nm);
		if (f)
			row->fields = f;
		r->failed_alloc = true;
		return;
	}
	row->fields = f;
	f[row->n_fields++] = (struct report_field){nm, value, kind};
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n_rows; i++) {
		struct report_row *row = &r->rows[i];
		for (size_t j = 0; j < row->n_fields; j++) {
			free(row->fields[j].name);
			free(row->fields[j].value);
		}
		free(row->fields);
		free(row->section);
		free(row->item);
		free(row->state);
	}
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------ rendering */

char *report_to_table(const struct report *r)
{
	int iw = 4, sw = 5;
	for (size_t i = 0; i < r->n_rows; i++) {
		if ((int)strlen(r->rows[i].item) > iw)
			iw = (int)strlen(r->rows[i].item);
		if (r->rows[i].state && (int)strlen(r->rows[i].state) > sw && r->rows[i].n_fields)
			sw = (int)strlen(r->rows[i].state);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	const char *section = NULL;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];
		if (!section || strcmp(section, row->section)) {
			section = row->section;
			if (i > 0)
				fputc('\n', f);
			for (const char *p = section; *p; p++)
				fputc(toupper((unsigned char)*p), f);
			fputc('\n', f);
		}
		if (!row->state && row->n_fields == 1 && !strcmp(row->fields[0].name, row->item))
			fprintf(f, "  %-*s  %s", iw, row->item, row->fields[0].value);
		else if (row->n_fields)
			fprintf(f, "  %-*s  %-*s", iw, row->item, sw,
				row->state ? row->state : "-");
		else
			fprintf(f, "  %-*s  %s", iw, row->item, row->state ? row->state : "-");
		/* Long rows (rlimits, capabilities) put one field per line, under
		 * the fields column, so the table stays readable. */
		bool multi = row->n_fields > 4;
		bool bare =
		    !row->state && row->n_fields == 1 && !strcmp(row->fields[0].name, row->item);
		for (size_t j = 0; !bare && j < row->n_fields; j++) {
			if (multi && j > 0)
				fprintf(f, "\n  %-*s  %-*s", iw, "", sw, "");
			fprintf(f, "  %s=%s", row->fields[j].name, row->fields[j].value);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void json_value(struct go_json *w, const struct report_field *f)
{
	char *end = NULL;
	errno = 0;
	long long n;
	switch (f->kind) {
	case RK_NUMBER:
		n = strtoll(f->value, &end, 10);
		if (!errno && end != f->value && !*end) {
			go_json_int(w, f->name, n);
			return;
		}
		break;
	case RK_BOOL:
		go_json_bool(w, f->name, !strcmp(f->value, "true"));
		return;
	case RK_LIST: {
		go_json_begin_array(w, f->name);
		_cleanup_free_ char *copy = strdup(f->value);
		char *save = NULL;
		for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
		     t = strtok_r(NULL, ",", &save))
			go_json_string(w, NULL, t);
		go_json_end_array(w);
		return;
	}
	case RK_STRING:
		break;
	}
	go_json_string(w, f->name, f->value);
}

char *report_to_json(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct go_json w;
	go_json_init(&w, f, "  ");
	go_json_begin_object(&w, NULL);
	const char *section = NULL;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];
		if (!section || strcmp(section, row->section)) {
			if (section)
				go_json_end_object(&w);
			section = row->section;
			go_json_begin_object(&w, section);
		}
		if (!row->n_fields) {
			go_json_string(&w, row->item, row->state ? row->state : "");
			continue;
		}
		if (!row->state && row->n_fields == 1 && !strcmp(row->fields[0].name, row->item)) {
			json_value(&w, &row->fields[0]);
			continue;
		}
		go_json_begin_object(&w, row->item);
		if (row->state)
			go_json_string(&w, "state", row->state);
		for (size_t j = 0; j < row->n_fields; j++)
			json_value(&w, &row->fields[j]);
		go_json_end_object(&w);
	}
	if (section)
		go_json_end_object(&w);
	go_json_end_object(&w);
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
