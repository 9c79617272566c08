/* csv.c — RFC 4180 reader (see csv.h). */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_MAX_FILE (1024L * 1024L * 1024L)

struct csv_reader {
    char *data;          /* whole input, owned */
    size_t len, pos;
    long line;           /* current line (1-based) at pos */
    long rec_line;       /* line where the current record starts */
    /* current record */
    char *buf; size_t buf_len, buf_cap;     /* field bytes, each NUL-terminated */
    size_t *offs; int nf, offs_cap;         /* field start offsets into buf */
    char **fields; int fields_cap;          /* pointers, rebuilt per record */
    /* header */
    char **header; int ncols;
    int bad;
    char first_err[160];
};

static int buf_put(csv_reader *r, char c) {
    if (r->buf_len + 1 > r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap * 2 : 4096;
        char *nb = realloc(r->buf, cap);
        if (!nb) return -1;
        r->buf = nb; r->buf_cap = cap;
    }
    r->buf[r->buf_len++] = c;
    return 0;
}

static int field_begin(csv_reader *r) {
    if (r->nf + 1 > r->offs_cap) {
        int cap = r->offs_cap ? r->offs_cap * 2 : 32;
        size_t *no = realloc(r->offs, (size_t)cap * sizeof *no);
        if (!no) return -1;
        r->offs = no; r->offs_cap = cap;
    }
    r->offs[r->nf++] = r->buf_len;
    return 0;
}

static void note_bad(csv_reader *r, const char *why) {
    if (r->bad == 0)
        snprintf(r->first_err, sizeof r->first_err, "line %ld: %s", r->rec_line, why);
    r->bad++;
}

/* Skip to just past the next newline (used after a malformed record). */
static void skip_line(csv_reader *r) {
    while (r->pos < r->len) {
        char c = r->data[r->pos++];
        if (c == '\n') { r->line++; return; }
    }
}

/* Parses one record at pos. Returns 1 ok, 0 end of input (nothing parsed),
 * -1 malformed (already skipped past), -2 out of memory. */
static int parse_record(csv_reader *r) {
    /* skip blank lines */
    while (r->pos < r->len && (r->data[r->pos] == '\n' || r->data[r->pos] == '\r')) {
        if (r->data[r->pos] == '\n') r->line++;
        r->pos++;
    }
    if (r->pos >= r->len) return 0;
    r->rec_line = r->line;
    r->buf_len = 0; r->nf = 0;
    for (;;) {                                   /* one field per iteration */
        if (field_begin(r)) return -2;
        if (r->pos < r->len && r->data[r->pos] == '"') {
            r->pos++;
            for (;;) {
                if (r->pos >= r->len) { note_bad(r, "quoted field not closed before end of file"); return -1; }
                char c = r->data[r->pos++];
                if (c == '"') {
                    if (r->pos < r->len && r->data[r->pos] == '"') { r->pos++; if (buf_put(r, '"')) return -2; continue; }
                    break;
                }
                if (c == '\n') r->line++;
                if (buf_put(r, c)) return -2;
            }
            if (buf_put(r, '\0')) return -2;
            /* after a closing quote: separator, line end or end of input */
            if (r->pos >= r->len) return 1;
            char c = r->data[r->pos];
            if (c == ',') { r->pos++; continue; }
            if (c == '\n') { r->pos++; r->line++; return 1; }
            if (c == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n') { r->pos += 2; r->line++; return 1; }
            if (c == '\r' && r->pos + 1 >= r->len) { r->pos++; return 1; }
            note_bad(r, "unexpected character after a closing quote");
            skip_line(r);
            return -1;
        }
        /* unquoted field */
        for (;;) {
            if (r->pos >= r->len) { if (buf_put(r, '\0')) return -2; return 1; }
            char c = r->data[r->pos];
            if (c == ',') { r->pos++; if (buf_put(r, '\0')) return -2; break; }
            if (c == '\n' || (c == '\r' && (r->pos + 1 >= r->len || r->data[r->pos + 1] == '\n'))) {
                r->pos += (c == '\r' && r->pos + 1 < r->len) ? 2 : 1;
                r->line++;
                if (buf_put(r, '\0')) return -2;
                return 1;
            }
            if (c == '"') { note_bad(r, "quote inside an unquoted field"); skip_line(r); return -1; }
            r->pos++;
            if (buf_put(r, c)) return -2;
        }
    }
}

static int build_fields(csv_reader *r) {
    if (r->nf > r->fields_cap) {
        char **nf = realloc(r->fields, (size_t)r->nf * sizeof *nf);
        if (!nf) return -1;
        r->fields = nf; r->fields_cap = r->nf;
    }
    for (int i = 0; i < r->nf; i++) r->fields[i] = r->buf + r->offs[i];
    return 0;
}

int csv_next(csv_reader *r) {
    if (!r) return 0;
    for (;;) {
        int rc = parse_record(r);
        if (rc == 0) { r->nf = 0; return 0; }
        if (rc == -2) { note_bad(r, "out of memory"); r->pos = r->len; r->nf = 0; return 0; }
        if (rc == -1) continue;
        if (r->ncols > 0 && r->nf != r->ncols) {
            char why[80];
            snprintf(why, sizeof why, "%d fields, header has %d", r->nf, r->ncols);
            note_bad(r, why);
            continue;
        }
        if (build_fields(r)) { note_bad(r, "out of memory"); r->pos = r->len; r->nf = 0; return 0; }
        return 1;
    }
}

csv_reader *csv_from_memory(const char *data, size_t len, int has_header, char *err, size_t errlen) {
    csv_reader *r = calloc(1, sizeof *r);
    if (!r) { if (err) snprintf(err, errlen, "out of memory"); return NULL; }
    r->data = malloc(len ? len : 1);
    if (!r->data) { free(r); if (err) snprintf(err, errlen, "out of memory"); return NULL; }
    if (len) memcpy(r->data, data, len);
    r->len = len;
    r->line = 1;
    if (len >= 3 && (unsigned char)r->data[0] == 0xEF && (unsigned char)r->data[1] == 0xBB && (unsigned char)r->data[2] == 0xBF)
        r->pos = 3;
    if (has_header) {
        int rc;
        do rc = parse_record(r); while (rc == -1);
        if (rc != 1) {
            if (err) snprintf(err, errlen, "no header row%s", rc == -2 ? " (out of memory)" : "");
            csv_free(r);
            return NULL;
        }
        r->bad = 0; r->first_err[0] = 0;       /* junk before the header is not a data row */
        r->header = calloc((size_t)r->nf, sizeof *r->header);
        if (!r->header) { if (err) snprintf(err, errlen, "out of memory"); csv_free(r); return NULL; }
        r->ncols = r->nf;
        for (int i = 0; i < r->nf; i++) {
            r->header[i] = strdup(r->buf + r->offs[i]);
            if (!r->header[i]) { if (err) snprintf(err, errlen, "out of memory"); csv_free(r); return NULL; }
        }
        r->nf = 0;
    }
    return r;
}

csv_reader *csv_open(const char *path, int has_header, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { if (err) snprintf(err, errlen, "cannot open %s", path); return NULL; }
    char *data = NULL; size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            size_t ncap = cap ? cap * 2 : 1 << 20;
            if (ncap > (size_t)CSV_MAX_FILE + 65536) {
                free(data); fclose(f);
                if (err) snprintf(err, errlen, "%s is larger than 1 GiB", path);
                return NULL;
            }
            char *nd = realloc(data, ncap);
            if (!nd) { free(data); fclose(f); if (err) snprintf(err, errlen, "out of memory reading %s", path); return NULL; }
            data = nd; cap = ncap;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int ioerr = ferror(f);
    fclose(f);
    if (ioerr) { free(data); if (err) snprintf(err, errlen, "read error on %s", path); return NULL; }
    csv_reader *r = csv_from_memory(data, len, has_header, err, errlen);
    free(data);
    return r;
}

void csv_free(csv_reader *r) {
    if (!r) return;
    if (r->header) for (int i = 0; i < r->ncols; i++) free(r->header[i]);
    free(r->header);
    free(r->data); free(r->buf); free(r->offs); free(r->fields);
    free(r);
}

int csv_nfields(const csv_reader *r) { return r ? r->nf : 0; }
const char *csv_field(const csv_reader *r, int i) {
    if (!r || i < 0 || i >= r->nf) return "";
    return r->fields[i];
}
size_t csv_field_len(const csv_reader *r, int i) {
    if (!r || i < 0 || i >= r->nf) return 0;
    size_t end = (i + 1 < r->nf) ? r->offs[i + 1] - 1 : r->buf_len - 1;
    return end - r->offs[i];
}
int csv_ncolumns(const csv_reader *r) { return r ? r->ncols : 0; }
int csv_column(const csv_reader *r, const char *name) {
    if (!r || !name) return -1;
    for (int i = 0; i < r->ncols; i++) if (!strcmp(r->header[i], name)) return i;
    return -1;
}
int csv_bad_rows(const csv_reader *r) { return r ? r->bad : 0; }
const char *csv_first_error(const csv_reader *r) { return r ? r->first_err : ""; }
long csv_line(const csv_reader *r) { return r ? r->rec_line : 0; }
