/* test_embed.c — `moodspace embed` on a tiny corpus of our own (the songs
 * fixture plus two invented scripts): it runs, writes a readable wordvec
 * file, is bit-for-bit deterministic, and refuses bad options. No
 * ../shared/data. */
#include "tools/wordvec.h"
#include "check.h"
#include "test_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_embed(int argc, char **argv);


int main(void) {
    char dir[] = "/tmp/ms_test_embed_XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "a temporary folder"); return check_summary(); }
    char scripts[300], p1[400], p2[400], out1[300], out2[300];
    snprintf(scripts, sizeof scripts, "%s/scripts", dir);
    mkdir(scripts, 0755);
    snprintf(p1, sizeof p1, "%s/a.txt", scripts);
    snprintf(p2, sizeof p2, "%s/b.txt", scripts);
    snprintf(out1, sizeof out1, "%s/one.bin", dir);
    snprintf(out2, sizeof out2, "%s/two.bin", dir);
    tf_write(p1, "INT. HALL - NIGHT\n\nThe party is loud. Everyone dances and laughs all night.\n"
                   "ANNA\nWe dance all night, the lights are bright!\n");
    tf_write(p2, "EXT. ROAD - NIGHT\n\nRain. A car races into the night, the lights are gone.\n"
                   "TOM\nRun! The night is cold and we are alone.\n");
    char *args1[] = { "embed", "--csv", "tests/c/fixtures/songs_tiny.csv", "--scripts", scripts, "--out", out1,
                      "--dim", "8", "--min-count", "2", "--epochs", "2", NULL };
    char *args2[] = { "embed", "--csv", "tests/c/fixtures/songs_tiny.csv", "--scripts", scripts, "--out", out2,
                      "--dim", "8", "--min-count", "2", "--epochs", "2", NULL };
    CHECK(cmd_embed(13, args1) == 0, "embed runs on songs + scripts");
    CHECK(cmd_embed(13, args2) == 0, "embed runs again");
    size_t n1 = 0, n2 = 0;
    char *b1 = tf_read(out1, &n1), *b2 = tf_read(out2, &n2);
    CHECK(b1 && b2 && n1 == n2 && n1 > 16 && memcmp(b1, b2, n1) == 0, "same inputs, same seed: the same file bit for bit");
    free(b1); free(b2);
    char err[256];
    WordVec *wv = wordvec_load(out1, err, sizeof err);
    CHECK(wv && wv->dim == 8 && wv->n > 10, "the wordvec file loads: dim 8, the words seen twice");
    if (wv) {
        int night = wordvec_find(wv, "night"), dance = wordvec_find(wv, "dance");
        CHECK(night >= 0 && dance >= 0, "words from both corpora are in the vocabulary");
        CHECK(wordvec_find(wv, "anna") < 0, "a word seen once is left out (min count 2)");
        int finite = 1;
        for (int i = 0; i < wv->n * wv->dim; i++) if (!(wv->vec[i] == wv->vec[i])) finite = 0;
        CHECK(finite, "every vector component is a number");
        CHECK(wv->count[0] >= wv->count[wv->n - 1], "words are ordered by count");
    }
    wordvec_free(wv);
    CHECK(!wordvec_load("/nonexistent/wordvec.bin", err, sizeof err) && strstr(err, "embed"),
          "a missing wordvec file names the command that makes it");
    char *bad[] = { "embed", "--csv", "x.csv", "--scripts", scripts, "--out", out1, "--dim", "0", NULL };
    CHECK(cmd_embed(9, bad) == 2, "an out-of-range option is refused (status 2)");
    char *nodir[] = { "embed", "--csv", "tests/c/fixtures/songs_tiny.csv", "--scripts", "/nonexistent-dir", "--out", out1, NULL };
    CHECK(cmd_embed(7, nodir) == 1, "a missing scripts folder is an error (status 1)");
    unlink(p1); unlink(p2); unlink(out1); unlink(out2); rmdir(scripts); rmdir(dir);
    return check_summary();
}
