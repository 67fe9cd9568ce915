/* runc's log format, byte for byte where a reader parses it: containerd's shim
 * json-decodes every line of <bundle>/log.json and keeps the last "error" entry, so a
 * line must be valid JSON with an RFC 3339 time, and lines from concurrent
 * invocations (the file is shared per container) must not interleave: each line is
 * built in memory and written with one write(2) on an O_APPEND fd. */
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

static struct {
	int fd; /* -1: stderr */
	bool json;
	bool debug;
	int child_fd; /* log_child_begin's copy of stderr, else -1 */
	bool silenced;
} log_state = {.fd = -1, .child_fd = -1};

static const char *const level_names[] = {
    [LOG_LEVEL_DEBUG] = "debug",
    [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_WARNING] = "warning",
    [LOG_LEVEL_ERROR] = "error",
};

error *log_init(const char *path, bool json, bool debug)
{
	log_close();
	log_state.json = json;
	log_state.debug = debug;
	if (!path || !*path)
		return NULL;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_errno("open log file %s", path);
	log_state.fd = fd;
	return NULL;
}

void log_close(void)
{
	if (log_state.fd >= 0)
		close(log_state.fd);
	log_state.fd = -1;
	log_state.json = false;
	log_state.debug = false;
	if (log_state.child_fd >= 0)
		close(log_state.child_fd);
	log_state.child_fd = -1;
	log_state.silenced = false;
}

bool log_debug_enabled(void)
{
	return log_state.debug && !log_state.silenced;
}

void log_child_begin(void)
{
	if (!log_state.debug || log_state.fd >= 0 || log_state.child_fd >= 0)
		return;
	log_state.child_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
}

void log_child_silence(void)
{
	log_state.silenced = true;
}

/* The child's stderr may be a pipe whose reader is gone by now (the caller
 * of `create`): a debug line must not kill the container with SIGPIPE. The
 * disposition is restored, as an ignored one would survive execve. */
static void write_child(const char *p, size_t len)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	bool restore = sigaction(SIGPIPE, &ign, &old) == 0;
	(void)write_all(log_state.child_fd, p, len);
	if (restore)
		sigaction(SIGPIPE, &old, NULL);
}

bool log_to_file(void)
{
	return log_state.fd >= 0;
}

/* A growable byte buffer; on allocation failure it turns "failed" and stays so,
 * so the callers need no checks until the end. */
struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if the bytes are not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	static const unsigned int min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* JSON string body as Go's encoding/json writes it: \" \\ \n \r \t, other
 * control characters as \u00XX, invalid UTF-8 as \ufffd (what Go substitutes). */
static void json_escape(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		char esc[8];
		switch (*p) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				buf_puts(b, esc);
			} else {
				size_t n = utf8_len(p);
				if (n == 0) {
					buf_puts(b, "\\ufffd");
				} else {
					buf_put(b, (const char *)p, n);
					p += n;
					continue;
				}
			}
		}
		p++;
	}
}

/* logrus quotes a text value unless it is made only of these characters. */
static bool text_needs_quoting(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("-._/@^+", c)))
			return true;
	}
	return false;
}

/* Go's %q for the text format: \" \\ \n \r \t \a \b \f \v, other control bytes
 * and invalid UTF-8 as \xNN. */
static void text_quote(struct buf *b, const char *s)
{
	static const char named[] = "\a\b\f\n\r\t\v";
	static const char letters[] = "abfnrtv";
	buf_puts(b, "\"");
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		char esc[8];
		const char *nm = *p ? strchr(named, *p) : NULL;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			buf_put(b, esc, 2);
		} else if (nm) {
			esc[0] = '\\';
			esc[1] = letters[nm - named];
			buf_put(b, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			buf_puts(b, esc);
		} else {
			size_t n = utf8_len(p);
			if (n == 0) {
				snprintf(esc, sizeof(esc), "\\x%02x", *p);
				buf_puts(b, esc);
			} else {
				buf_put(b, (const char *)p, n);
				p += n;
				continue;
			}
		}
		p++;
	}
	buf_puts(b, "\"");
}

/* RFC 3339 in UTC with seconds, as logrus' default formatter stamps lines. */
static void format_time(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Debug lines carry t=<ms since the command started>, monotonic, for the
 * profile of a run (tests/bench.sh). The start survives the re-exec from the
 * sealed copy of the binary through LOG_T0_ENV, and clone3 children inherit it. */
#define LOG_T0_ENV "_ISORUN_LOG_T0"
static unsigned long long log_t0_ns;

static unsigned long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

void log_start_clock(void)
{
	const char *v = getenv(LOG_T0_ENV);
	char *end = NULL;
	unsigned long long t = v ? strtoull(v, &end, 10) : 0;
	log_t0_ns = (v && end && !*end && t) ? t : mono_ns();
	if (v)
		unsetenv(LOG_T0_ENV);
}

void log_pass_clock(void)
{
	char v[32];
	snprintf(v, sizeof(v), "%llu", log_t0_ns);
	setenv(LOG_T0_ENV, v, 1);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if ((level == LOG_LEVEL_DEBUG && !log_state.debug) || log_state.silenced)
		return;
	if ((unsigned)level > LOG_LEVEL_ERROR)
		level = LOG_LEVEL_ERROR;
	int saved_errno = errno;
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		errno = saved_errno;
		return;
	}
	char ts[32];
	format_time(ts, sizeof(ts));
	char t[32] = "";
	if (level == LOG_LEVEL_DEBUG)
		snprintf(t, sizeof(t), "%.1fms", (double)(mono_ns() - log_t0_ns) / 1e6);

	struct buf b = {0};
	if (log_state.json) {
		buf_puts(&b, "{\"level\":\"");
		buf_puts(&b, level_names[level]);
		buf_puts(&b, "\",\"msg\":\"");
		json_escape(&b, msg);
		if (*t) {
			buf_puts(&b, "\",\"t\":\"");
			buf_puts(&b, t);
		}
		buf_puts(&b, "\",\"time\":\"");
		buf_puts(&b, ts);
		buf_puts(&b, "\"}\n");
	} else {
		buf_puts(&b, "time=\"");
		buf_puts(&b, ts);
		buf_puts(&b, "\" level=");
		buf_puts(&b, level_names[level]);
		buf_puts(&b, " msg=");
		if (text_needs_quoting(msg))
			text_quote(&b, msg);
		else
			buf_puts(&b, msg);
		if (*t) {
			buf_puts(&b, " t=");
			buf_puts(&b, t);
		}
		buf_puts(&b, "\n");
	}
	if (!b.failed && log_state.fd < 0 && log_state.child_fd >= 0)
		write_child(b.p, b.len);
	else if (!b.failed)
		(void)write_all(log_state.fd >= 0 ? log_state.fd : STDERR_FILENO, b.p, b.len);
	free(b.p);
	errno = saved_errno;
}
