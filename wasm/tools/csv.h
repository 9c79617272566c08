/* csv.h — an RFC 4180 CSV reader for the training tools (native only).
 *
 * Handles quoted fields with embedded commas, newlines (LF or CRLF) and ""
 * escapes, fields of any size (one lyric in songs.csv is ~100k words), a
 * UTF-8 byte-order mark, and blank lines (ignored). A malformed record — a
 * stray character after a closing quote, a bare quote inside an unquoted
 * field, a quoted field still open at end of file, or a field count that
 * differs from the header's — is skipped and counted, never a crash.
 *
 * Usage:
 *     char err[200];
 *     csv_reader *r = csv_open("songs.csv", 1, err, sizeof err);  // 1 = has header
 *     if (!r) { fprintf(stderr, "%s\n", err); return 1; }
 *     int lyr = csv_column(r, "lyrics");                          // -1 if absent
 *     while (csv_next(r) == 1) use(csv_field(r, lyr));
 *     printf("%d malformed rows skipped\n", csv_bad_rows(r));
 *     csv_free(r);
 */
#ifndef MOODSPACE_CSV_H
#define MOODSPACE_CSV_H

#include <stddef.h>

typedef struct csv_reader csv_reader;

/* Reads the whole file at `path` (at most 1 GiB). has_header=1 takes the first
 * record as column names and requires every later record to have as many
 * fields. Returns NULL with a message in err on failure. Free with csv_free. */
csv_reader *csv_open(const char *path, int has_header, char *err, size_t errlen);

/* Same over a copy of `len` bytes of `data` (need not be NUL-terminated). */
csv_reader *csv_from_memory(const char *data, size_t len, int has_header, char *err, size_t errlen);

void csv_free(csv_reader *r);

/* Advances to the next well-formed record: 1 = a record is ready, 0 = end of
 * input. Malformed records are skipped and counted (csv_bad_rows). */
int csv_next(csv_reader *r);

/* Fields of the current record: NUL-terminated, valid until the next
 * csv_next / csv_free. csv_field returns "" for an out-of-range index. */
int csv_nfields(const csv_reader *r);
const char *csv_field(const csv_reader *r, int i);
size_t csv_field_len(const csv_reader *r, int i);

/* Header: number of columns and index of a named column (-1 if absent or
 * no header). */
int csv_ncolumns(const csv_reader *r);
int csv_column(const csv_reader *r, const char *name);

/* Malformed records skipped so far, and a description of the first one. */
int csv_bad_rows(const csv_reader *r);
const char *csv_first_error(const csv_reader *r);

/* 1-based line number where the current record starts. */
long csv_line(const csv_reader *r);

#endif
