/* test_csv.c — the RFC 4180 reader and the song loader on hand-written input. */
#include "check.h"
#include "tools/csv.h"
#include "tools/dataset.h"

#include <stdlib.h>
#include <string.h>

static csv_reader *mem(const char *s, int header) {
    char err[200];
    csv_reader *r = csv_from_memory(s, strlen(s), header, err, sizeof err);
    if (!r) printf("# %s\n", err);
    return r;
}

static void test_quoting(void) {
    csv_reader *r = mem("a,b,c\r\n1,\"two, with comma\",\"line one\nline \"\"two\"\"\"\r\n", 1);
    CHECK(r != NULL, "a CSV with a header opens from memory");
    CHECK(csv_ncolumns(r) == 3 && csv_column(r, "c") == 2 && csv_column(r, "zzz") == -1, "header columns are found by name");
    CHECK(csv_next(r) == 1, "a record with quoted fields is read");
    CHECK_STR(csv_field(r, 0), "1", "an unquoted field is kept as is");
    CHECK_STR(csv_field(r, 1), "two, with comma", "a quoted comma stays inside its field");
    CHECK_STR(csv_field(r, 2), "line one\nline \"two\"", "quoted newlines and doubled quotes are decoded");
    CHECK(csv_field_len(r, 2) == strlen("line one\nline \"two\""), "field length matches the decoded text");
    CHECK(csv_next(r) == 0, "end of input is reported");
    CHECK(csv_bad_rows(r) == 0, "no rows are counted as malformed");
    csv_free(r);
}

static void test_malformed(void) {
    const char *s =
        "id,x\n"
        "good1,1\n"
        "bad1,\"closed\"junk\n"        /* text after a closing quote */
        "bad2,1,extra\n"               /* too many fields */
        "bad3,un\"quoted\n"            /* bare quote inside unquoted field */
        "\n"                           /* blank line: ignored, not counted */
        "good2,\"\"\n"
        "good3,\n"
        "bad4,\"never closed\nstill open";
    csv_reader *r = mem(s, 1);
    int n = 0; char ids[64] = "";
    while (csv_next(r) == 1) { n++; strcat(ids, csv_field(r, 0)); strcat(ids, " "); }
    CHECK(n == 3, "three good records survive among malformed ones");
    CHECK_STR(ids, "good1 good2 good3 ", "the good records are read in order");
    CHECK(csv_bad_rows(r) == 4, "four malformed records are skipped and counted");
    CHECK(strstr(csv_first_error(r), "line 3") != NULL, "the first malformed record is located by line");
    csv_free(r);
}

static void test_huge_field(void) {
    size_t big = 3u << 20;                     /* a 3 MB quoted field with newlines */
    char *s = malloc(big + 64);
    strcpy(s, "k,v\nbig,\"");
    size_t p = strlen(s);
    for (size_t i = 0; i < big; i++) s[p++] = (i % 80 == 79) ? '\n' : (char)('a' + i % 26);
    strcpy(s + p, "\"\nnext,2\n");
    csv_reader *r = mem(s, 1);
    CHECK(csv_next(r) == 1 && csv_field_len(r, 1) == big, "a 3 MB field with newlines is read whole");
    CHECK(csv_next(r) == 1 && !strcmp(csv_field(r, 0), "next"), "the record after a huge field is read");
    CHECK(csv_line(r) == 2 + (long)(big / 80) + 1, "line numbers count newlines inside quoted fields");
    csv_free(r);
    free(s);
}

static void test_edges(void) {
    csv_reader *r = mem("\xEF\xBB\xBFname,v\nx,1", 1);
    CHECK(r && csv_column(r, "name") == 0, "a UTF-8 byte-order mark is skipped");
    CHECK(csv_next(r) == 1 && !strcmp(csv_field(r, 1), "1"), "a last record without a newline is read");
    CHECK(!strcmp(csv_field(r, 7), "") && !strcmp(csv_field(r, -1), ""), "out-of-range fields read as empty");
    csv_free(r);
    char err[200];
    CHECK(csv_from_memory("", 0, 1, err, sizeof err) == NULL, "empty input has no header and is refused");
    CHECK(csv_open("/nonexistent/x.csv", 1, err, sizeof err) == NULL && strstr(err, "cannot open"), "a missing file is an error, not a crash");
    r = mem("a,b\n,\n", 1);
    CHECK(csv_next(r) == 1 && csv_nfields(r) == 2 && !strcmp(csv_field(r, 0), "") && !strcmp(csv_field(r, 1), ""), "empty fields are read");
    csv_free(r);
    /* random bytes never crash */
    unsigned x = 12345; char junk[4000];
    for (int t = 0; t < 200; t++) {
        int len = (int)(x % 3999);
        for (int i = 0; i < len; i++) { x = x * 1103515245u + 12345u; junk[i] = "ab,\"\n\r x"[x >> 16 & 7]; }
        csv_reader *j = csv_from_memory(junk, (size_t)len, t & 1, err, sizeof err);
        while (j && csv_next(j) == 1) (void)csv_field(j, 0);
        csv_free(j);
    }
    CHECK(1, "200 random byte strings are parsed without a crash");
}

static void test_dataset(void) {
    char err[200];
    ds_dataset *d = ds_load("tests/c/fixtures/songs_tiny.csv", err, sizeof err);
    if (!d) { printf("# %s\n", err); CHECK(0, "the fixture songs load"); return; }
    CHECK(d->n == 20, "the 20 fixture songs with lyrics and metrics load");
    CHECK(d->no_lyrics == 1 && d->bad_targets == 1 && d->duplicates == 1, "rows without lyrics, with a bad metric, or repeated are skipped and counted");
    CHECK(d->bad_rows == 1, "the malformed fixture row is counted");
    CHECK(d->count[0] + d->count[1] + d->count[2] == d->n, "every song is in exactly one split");
    int same = 1;
    for (int i = 0; i < d->n; i++) same &= d->songs[i].split == ds_split_of(d->songs[i].id);
    CHECK(same, "a song's split is a function of its spotify_id alone");
    ds_free(d);
    CHECK(ds_load("tests/c/fixtures/nope.csv", err, sizeof err) == NULL, "a missing songs file is an error");
}

int main(void) {
    (void)check_skip; (void)check_tensor_at_;
    test_quoting();
    test_malformed();
    test_huge_field();
    test_edges();
    test_dataset();
    return check_summary();
}
