/* test_film_title.c — catalog titles as people write them (film_title.h)
 * and scene-place labels without parse residue (loc_label.h): what the
 * film picker and the segment headings show.
 * The file names and headings are written for this test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tools/film_title.h"
#include "tools/loc_label.h"
#include "label.h"

static void title_is(const char *file, const char *page, const char *want) {
    char *got = film_title(file, page);
    char what[300];
    snprintf(what, sizeof what, "title of %s%s%s is \"%s\" (got \"%s\")", file, page[0] ? " / " : "", page, want,
             got ? got : "(null)");
    CHECK(got && !strcmp(got, want), what);
    free(got);
}

static void label_is(const char *loc, size_t max, const char *want) {
    char *got = loc_label(loc, max);
    char what[300];
    snprintf(what, sizeof what, "label of \"%s\" is \"%s\" (got \"%s\")", loc, want, got ? got : "(null)");
    CHECK(got && !strcmp(got, want), what);
    free(got);
}

static void test_titles(void) {
    /* file names as the catalog's scripts have them: article moved back, dashes as spaces */
    title_is("Godfather.txt", "", "The Godfather");
    title_is("Godfather-Part-III,-The.txt", "", "The Godfather Part III");
    title_is("Wall-E.txt", "", "WALL\xC2\xB7" "E");
    title_is("Spider-Man.txt", "", "Spider-Man");
    title_is("Frozen-(Disney).txt", "", "Frozen");
    title_is("Frozen.txt", "", "Frozen (2010)");
    /* rules on names the table does not know */
    title_is("Big-Lebowski,-The.txt", "", "The Big Lebowski");
    title_is("Walk-to-Remember,-A.txt", "", "A Walk to Remember");
    title_is("Avengers,-The-(2012).txt", "", "The Avengers (2012)");
    title_is("Pretty-Woman-(final-script).txt", "", "Pretty Woman");
    title_is("Three-Kings-(Spoils-of-War).txt", "", "Three Kings");
    title_is("Majestic,-The-(The-Bijou).txt", "", "The Majestic");
    title_is("Austin-Powers---The-Spy-Who-Shagged-Me.txt", "", "Austin Powers: The Spy Who Shagged Me");
    title_is("Do-The-Right-Thing.txt", "", "Do the Right Thing");
    title_is("Life-As-A-House.txt", "", "Life as a House");
    title_is("Escape-From-New-York.txt", "", "Escape from New York");
    title_is("World-is-not-Enough,-The.txt", "", "The World Is Not Enough");
    title_is("I-am-Sam.txt", "", "I Am Sam");
    title_is("Mr-Brooks.txt", "", "Mr. Brooks");
    title_is("Kramer-vs-Kramer.txt", "", "Kramer vs. Kramer");
    title_is("Alien-vs.-Predator.txt", "", "Alien vs. Predator");
    title_is("Knocked-Up.txt", "", "Knocked Up");
    title_is("Up.txt", "", "Up");
    title_is("Lock,-Stock-and-Two-Smoking-Barrels.txt", "", "Lock, Stock and Two Smoking Barrels");
    title_is("After.Life.txt", "", "After.Life");
    title_is("E.T..txt", "", "E.T. the Extra-Terrestrial");
    title_is("48-Hrs..txt", "", "48 Hrs.");
    title_is("Some_Film.fountain", "", "Some Film");
    /* a Fountain title page wins over the file name, unless it shouts */
    title_is("draft3.fountain", "The Quiet Harbour", "The Quiet Harbour");
    title_is("Quiet-Harbour.fountain", "THE QUIET HARBOUR", "Quiet Harbour");
    /* odd input never crashes */
    title_is("", "", "");
    title_is("(draft).txt", "", "");
    title_is("Unclosed-(note.txt", "", "Unclosed");
    char *t = film_title(NULL, NULL);
    CHECK(t && !strcmp(t, ""), "a NULL name gives an empty title");
    free(t);
}

static void test_labels(void) {
    /* headings as scripts write them: scene numbers, "; ", INT./EXT. and stand-ins removed */
    label_is("; PHIL'S ROOM", 20, "PHIL'S ROOM");
    label_is("166-A INT. OFFICE", 20, "OFFICE");
    label_is("SCENE 1", 20, "");
    /* scene numbers, INT/EXT left-overs, leading punctuation */
    label_is("12A EXT. HARBOUR WALL", 20, "HARBOUR WALL");
    label_is("3.INT. BOATHOUSE \xC2\xAD", 20, "BOATHOUSE");
    label_is("B) INT. CHAPEL", 20, "CHAPEL");
    label_is("A INT. CORRIDOR - THE", 20, "CORRIDOR");
    label_is("LIGHTHOUSE/INT", 20, "LIGHTHOUSE");
    label_is("GARAGE - EXT", 20, "GARAGE");
    label_is("QUARRY. DAY. INT", 20, "QUARRY");
    label_is("SCENE 5 - INT. TRAM", 20, "TRAM");
    label_is("SEQ. 040 - EXT", 20, "");
    label_is("EQ. 140 - EXT", 20, "");
    label_is("CUT TO: INT. BAKERY", 20, "BAKERY");
    label_is("BACK TO SCENE -- EXT", 20, "");
    label_is("& EXT ORCHARD", 20, "ORCHARD");
    label_is("* DAYROOM", 20, "DAYROOM");
    label_is("^ 160. INT", 20, "");
    label_is("INT./EXT. VAN", 20, "VAN");
    label_is("I/E TAXI", 20, "TAXI");
    label_is("HARBOUR/INT. BOATSHED", 20, "HARBOUR/BOATSHED");
    label_is("FLASHBACK - EXT", 20, "FLASHBACK");
    label_is("70/71 INT. KITCHEN", 20, "KITCHEN");
    label_is("104AEXT. PIER", 20, "PIER");
    label_is("A 33 INT. GREENHOUSE", 20, "GREENHOUSE");
    label_is("CUT TO INT. HALL", 20, "HALL");
    label_is("TOWER \xC2\xAD DAY", 20, "TOWER");
    label_is("\xC2\x95 THE LIGHTHOUSE", 20, "THE LIGHTHOUSE");
    label_is("\xE2\x80\x9CTHE ANCHOR\xE2\x80\x9D", 20, "THE ANCHOR");
    label_is("GOBBLER ' S KNOB", 20, "GOBBLER'S KNOB");
    label_is("NELL' S HOUSE", 20, "NELL'S HOUSE");
    label_is("THE 'SWAN' INN", 20, "THE 'SWAN' INN");
    label_is("CITY SQUARE (EXT", 20, "CITY SQUARE");
    label_is("THE QUAY (EXT. BOATS AT NIGHT)", 20, "THE QUAY");
    label_is("BUNKER (SECRET)", 20, "BUNKER (SECRET)");
    label_is("LONG GALLERY/INT. WEST WING OF THE HOUSE", 20, "LONG GALLERY/WEST");
    /* what is part of the place stays */
    label_is("747 CABIN", 20, "747 CABIN");
    label_is("MOTEL ROOM 46", 20, "MOTEL ROOM 46");
    label_is("12TH STREET", 20, "12TH STREET");
    label_is("INTERNATIONAL HOTEL", 20, "INTERNATIONAL HOTEL");
    label_is("ESTATE GARDEN", 20, "ESTATE GARDEN");
    label_is("A STREET", 20, "A STREET");
    label_is("\"THE ANCHOR\" PUB", 20, "\"THE ANCHOR\" PUB");
    label_is("GROUNDHOG DAY", 20, "GROUNDHOG DAY");
    label_is("CAF\xC3\x89 TERRACE", 20, "CAF\xC3\x89 TERRACE");
    /* cut on a word end, no dangling small word */
    label_is("ROOF OF THE OLD TOWN HALL", 20, "ROOF OF THE OLD TOWN");
    label_is("BACK ROOM OF THE SHOP", 15, "BACK ROOM");
    label_is("", 20, "");
    char *l = loc_label(NULL, 20);
    CHECK(l && !strcmp(l, ""), "a NULL location gives an empty label");
    free(l);
}

/* Random headings built from pieces the parser leaves behind (and random
 * bytes): never a crash (ASan), never longer than asked, never starting or
 * ending with punctuation or INT/EXT. */
static void test_labels_random(void) {
    static const char *const P[] = {"INT", "EXT", ".", " ", "-", "/", "(", ")", "'", ";", "12", "166-A", "A)", "SCENE",
                                    "SEQ.", "CUT TO:", "ROOM", "HOUSE", "THE", "DAY", "\xC2\xAD", "\xC2\x95", "\xE2\x80\x9C",
                                    "CAF\xC3\x89", "\xF0\x9F\x8E\xB5", "S", "OF", "NIGHT", "I/E", "#", "&"};
    unsigned long long x = 88172645463325252ULL;
    int ok = 1, n_empty = 0;
    char bad[200] = "";
    for (int it = 0; it < 20000 && ok; it++) {
        char in[256];
        size_t o = 0;
        int parts = 1 + (int)((x >> 7) % 9);
        for (int k = 0; k < parts; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            const char *piece = P[x % (sizeof P / sizeof *P)];
            if ((x >> 20) % 11 == 0) { in[o++] = (char)(x >> 32); continue; }   /* a raw byte, any value but 0 */
            size_t L = strlen(piece);
            if (o + L + 1 >= sizeof in) break;
            memcpy(in + o, piece, L);
            o += L;
            if ((x >> 40) % 2) in[o++] = ' ';
        }
        in[o] = 0;
        size_t max = 8 + (size_t)((x >> 50) % 20);
        char *got = loc_label(in, max);
        if (!got) { ok = 0; snprintf(bad, sizeof bad, "NULL for \"%.80s\"", in); break; }
        size_t L = strlen(got);
        if (!L) n_empty++;
        else if (L > max && L > LABEL_HARD_MAX) { ok = 0; snprintf(bad, sizeof bad, "%zu bytes for max %zu", L, max); }
        else if (got[0] == ' ' || got[0] == '.' || got[0] == '-' || got[0] == ';' || got[L - 1] == ' ' || got[L - 1] == '-' ||
                 !strncmp(got, "INT", 3) || !strncmp(got, "EXT", 3)) {
            /* "INT"/"EXT" at the start only as part of a longer word ("INTERNATIONAL") */
            int word = !strncmp(got, "INT", 3) || !strncmp(got, "EXT", 3) ? (L > 3 && ((got[3] >= 'A' && got[3] <= 'Z') || (got[3] >= 'a' && got[3] <= 'z'))) : 0;
            if (!word) { ok = 0; snprintf(bad, sizeof bad, "\"%s\" from \"%.80s\"", got, in); }
        }
        free(got);
        char *t = film_title(in, "");
        if (!t) { ok = 0; snprintf(bad, sizeof bad, "title NULL"); }
        free(t);
    }
    char what[300];
    snprintf(what, sizeof what, "20000 random headings: no crash, no overlong or ragged label (%s)", bad[0] ? bad : "none bad");
    CHECK(ok, what);
    CHECK(n_empty < 20000, "random headings do not all come out empty");
}

int main(void) {
    test_titles();
    test_labels();
    test_labels_random();
    return check_summary();
}
