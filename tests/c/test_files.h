/* test_files.h — the small files of the C tests: fixtures written before a
 * run, outputs and golden files read back whole.
 *
 *     char *text = tf_read("build/tests/x.json", &len);   // NUL-terminated; NULL when unreadable
 *     tf_write("build/tests/x.csv", "a,b\n1,2\n");       // 0, or -1 when it cannot be written
 *     tf_write_in(dir, "Jaws.txt", SCRIPT);                // the same, in a folder (a mkdtemp one)
 *     tf_remove_dir(dir);                                  // that folder and all in it, at the end
 */
#ifndef MOODSPACE_TEST_FILES_H
#define MOODSPACE_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file, NUL-terminated (malloc'd), its length in *len when len is not NULL; NULL when it cannot be read. */
__attribute__((unused)) static char *tf_read(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, k;
    char *buf = malloc(cap);
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap) { char *nb = realloc(buf, cap *= 2); if (!nb) { free(buf); buf = NULL; } else buf = nb; }
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf || failed) { free(buf); return NULL; }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* Write text to path (replacing it): 0, or -1. */
__attribute__((unused)) static int tf_write(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    int bad = fputs(text, f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* Write text to dir/name (replacing it): 0, or -1. */
__attribute__((unused)) static int tf_write_in(const char *dir, const char *name, const char *text) {
    char path[1024];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return -1;
    return tf_write(path, text);
}

/* Remove a test's temporary folder and everything in it; says so when it cannot. */
__attribute__((unused)) static void tf_remove_dir(const char *dir) {
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
}

#endif
