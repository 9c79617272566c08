/* film_title.c — see film_title.h. */
#include "film_title.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

/* Titles a file name cannot spell, by file name without extension. Kept to
 * what the catalog's screenplays need; each is the title as commonly listed. */
static const struct { const char *id, *title; } KNOWN[] = {
    {"1492-Conquest-of-Paradise", "1492: Conquest of Paradise"},
    {"2001-A-Space-Odyssey", "2001: A Space Odyssey"},
    {"50-50", "50/50"},
    {"500-Days-of-Summer", "(500) Days of Summer"},
    {"Ace-Ventura-Pet-Detective", "Ace Ventura: Pet Detective"},
    {"Airplane", "Airplane!"},
    {"Airplane-2-The-Sequel", "Airplane II: The Sequel"},
    {"American-Shaolin-King-of-Kickboxers-II", "American Shaolin: King of the Kickboxers II"},
    {"American-Werewolf-in-London", "An American Werewolf in London"},
    {"August-Osage-County", "August: Osage County"},
    {"Back-up-Plan,-The", "The Back-up Plan"},
    {"Beavis-and-Butt-head-Do-America", "Beavis and Butt-Head Do America"},
    {"Blade-Trinity", "Blade: Trinity"},
    {"Blast-from-the-Past,-The", "Blast from the Past"},
    {"Bodyguard", "The Bodyguard"},
    {"Bonfire-of-the-Vanities", "The Bonfire of the Vanities"},
    {"Boondock-Saints-2-All-Saints-Day", "The Boondock Saints II: All Saints Day"},
    {"Cable-Guy", "The Cable Guy"},
    {"Change-Up,-The", "The Change-Up"},
    {"Cirque-du-Freak-The-Vampire's-Assistant", "Cirque du Freak: The Vampire's Assistant"},
    {"Crow-City-of-Angels,-The", "The Crow: City of Angels"},
    {"Crow-Salvation,-The", "The Crow: Salvation"},
    {"Crying-Game", "The Crying Game"},
    {"Devil's-Advocate", "The Devil's Advocate"},
    {"E.T.", "E.T. the Extra-Terrestrial"},
    {"Ed-TV", "EDtv"},
    {"Elizabeth-The-Golden-Age", "Elizabeth: The Golden Age"},
    {"Evil-Dead-II-Dead-by-Dawn", "Evil Dead II"},
    {"Face-Off", "Face/Off"},
    {"Friday-the-13th-Part-VIII-Jason-Takes-Manhattan", "Friday the 13th Part VIII: Jason Takes Manhattan"},
    /* two films called Frozen: Disney's (2013) keeps the name, Adam Green's (2010) its year */
    {"Frozen", "Frozen (2010)"},
    {"Frozen-(Disney)", "Frozen"},
    {"G.I.-Joe-The-Rise-of-Cobra", "G.I. Joe: The Rise of Cobra"},
    {"Get-on-Up", "Get On Up"},
    {"Ghostbusters-2", "Ghostbusters II"},
    {"Godfather", "The Godfather"},
    {"Godfather-Part-II", "The Godfather Part II"},
    {"Gremlins-2", "Gremlins 2: The New Batch"},
    {"Halloween-The-Curse-of-Michael-Myers", "Halloween: The Curse of Michael Myers"},
    {"Harold-and-Kumar-Go-to-White-Castle", "Harold & Kumar Go to White Castle"},
    {"Hellbound-Hellraiser-II", "Hellbound: Hellraiser II"},
    {"Hellboy-2-The-Golden-Army", "Hellboy II: The Golden Army"},
    {"Hellraiser-3-Hell-on-Earth", "Hellraiser III: Hell on Earth"},
    {"Hellraiser-Deader", "Hellraiser: Deader"},
    {"Hellraiser-Hellseeker", "Hellraiser: Hellseeker"},
    {"Highlander-Endgame", "Highlander: Endgame"},
    {"Indiana-Jones-and-the-Raiders-of-the-Lost-Ark", "Raiders of the Lost Ark"},
    {"Jurassic-Park-The-Lost-World", "The Lost World: Jurassic Park"},
    {"Kill-Bill-Volume-1-&-2", "Kill Bill: Volume 1 & 2"},
    {"Les-Miserables", "Les Mis\xC3\xA9" "rables"},
    {"Lord-of-the-Rings-Fellowship-of-the-Ring,-The", "The Lord of the Rings: The Fellowship of the Ring"},
    {"Lord-of-the-Rings-Return-of-the-King", "The Lord of the Rings: The Return of the King"},
    {"Mad-Max-2-The-Road-Warrior", "Mad Max 2: The Road Warrior"},
    {"Man-in-the-Iron-Mask", "The Man in the Iron Mask"},
    {"Mighty-Morphin-Power-Rangers-The-Movie", "Mighty Morphin Power Rangers: The Movie"},
    {"Mission-Impossible", "Mission: Impossible"},
    {"Mission-Impossible-II", "Mission: Impossible II"},
    {"Nightmare-on-Elm-Street-The-Final-Chapter", "A Nightmare on Elm Street: The Final Chapter"},
    {"Planet-of-the-Apes,-The", "Planet of the Apes"},
    {"Punch-Drunk-Love", "Punch-Drunk Love"},
    {"Rambo-First-Blood-II-The-Mission", "Rambo: First Blood Part II"},
    {"Robin-Hood-Prince-of-Thieves", "Robin Hood: Prince of Thieves"},
    {"Semi-Pro", "Semi-Pro"},
    {"Silence-of-the-Lambs", "The Silence of the Lambs"},
    {"Spider-Man", "Spider-Man"},
    {"Star-Trek-First-Contact", "Star Trek: First Contact"},
    {"Star-Trek-II-The-Wrath-of-Khan", "Star Trek II: The Wrath of Khan"},
    {"Star-Trek-Nemesis", "Star Trek: Nemesis"},
    {"Star-Trek-The-Motion-Picture", "Star Trek: The Motion Picture"},
    {"Star-Wars-A-New-Hope", "Star Wars: A New Hope"},
    {"Star-Wars-Attack-of-the-Clones", "Star Wars: Attack of the Clones"},
    {"Star-Wars-Return-of-the-Jedi", "Star Wars: Return of the Jedi"},
    {"Star-Wars-Revenge-of-the-Sith", "Star Wars: Revenge of the Sith"},
    {"Star-Wars-The-Empire-Strikes-Back", "Star Wars: The Empire Strikes Back"},
    {"Star-Wars-The-Force-Awakens", "Star Wars: The Force Awakens"},
    {"Star-Wars-The-Phantom-Menace", "Star Wars: The Phantom Menace"},
    {"Sweeney-Todd-The-Demon-Barber-of-Fleet-Street", "Sweeney Todd: The Demon Barber of Fleet Street"},
    {"TRON-Legacy", "TRON: Legacy"},
    {"Terminator", "The Terminator"},
    {"Terminator-2-Judgement-Day", "Terminator 2: Judgment Day"},
    {"The-Rage-Carrie-2", "The Rage: Carrie 2"},
    {"Transformers-The-Movie", "The Transformers: The Movie"},
    {"Twilight-New-Moon", "The Twilight Saga: New Moon"},
    {"Wall-E", "WALL\xC2\xB7" "E"},
    {"Wall-Street-Money-Never-Sleeps", "Wall Street: Money Never Sleeps"},
    {"Wild-Things-Diamonds-in-the-Rough", "Wild Things: Diamonds in the Rough"},
    {"X-Files-Fight-the-Future,-The", "The X-Files: Fight the Future"},
    {"X-Men", "X-Men"},
    {"X-Men-Origins-Wolverine", "X-Men Origins: Wolverine"},
};

/* Length of the file name without a screenplay extension. */
static size_t stem_len(const char *name) {
    static const char *const EXT[] = {".txt", ".fountain", ".spmd", ".srt", ".vtt", NULL};
    size_t n = strlen(name);
    for (int k = 0; EXT[k]; k++) {
        size_t e = strlen(EXT[k]);
        if (n > e && !strcasecmp(name + n - e, EXT[k])) return n - e;
    }
    return n;
}

static int is_upper_only(const char *s) {
    int letters = 0;
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z') return 0;
        if (*s >= 'A' && *s <= 'Z') letters++;
    }
    return letters > 1;
}

static int all_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) if (s[i] < '0' || s[i] > '9') return 0;
    return n > 0;
}

/* In place: collapse runs of spaces, trim both ends. */
static void squeeze(char *b) {
    size_t o = 0;
    for (size_t i = 0; b[i]; i++) {
        if (b[i] == ' ' && (o == 0 || b[o - 1] == ' ')) continue;
        b[o++] = b[i];
    }
    while (o && b[o - 1] == ' ') o--;
    b[o] = 0;
}

/* In place: drop "( ... )" notes other than a year; "(final script)" also
 * when something follows it. */
static void drop_notes(char *b) {
    for (char *open = strchr(b, '('); open; open = strchr(open, '(')) {
        char *close = strchr(open, ')');
        size_t inner = close ? (size_t)(close - open - 1) : strlen(open + 1);
        if (all_digits(open + 1, inner) && inner == 4) { open = close ? close : open + 1; continue; }
        char *rest = close ? close + 1 : open + 1 + inner;
        memmove(open, rest, strlen(rest) + 1);
    }
    squeeze(b);
}

/* In place: "X, The" / "X, The (2012)" → "The X" / "The X (2012)". */
static void front_article(char *b, size_t cap) {
    static const char *const ART[] = {"The", "A", "An", "L'", "La", "Le", "Les", "Il", "El", "Das", "Der", "Die", NULL};
    char *comma = strrchr(b, ',');
    if (!comma || comma[1] != ' ') return;
    char *art = comma + 2;
    for (int k = 0; ART[k]; k++) {
        size_t L = strlen(ART[k]);
        if (strncmp(art, ART[k], L) || (art[L] && art[L] != ' ')) continue;
        const char *rest = art + L;
        while (*rest == ' ') rest++;
        int apos = ART[k][L - 1] == '\'';
        char *out = malloc(cap);
        if (!out) return;
        snprintf(out, cap, "%s%s%.*s%s%s", ART[k], apos ? "" : " ", (int)(comma - b), b, *rest ? " " : "", rest);
        snprintf(b, cap, "%s", out);
        free(out);
        return;
    }
}

static int word_is(const char *w, size_t n, const char *const *list) {
    for (int k = 0; list[k]; k++)
        if (strlen(list[k]) == n && !strncasecmp(w, list[k], n)) return 1;
    return 0;
}

/* Title case of the small words, and the full stop of "Mr", "Dr", "vs". */
static void small_words(char *b, size_t cap) {
    static const char *const SMALL[] = {"a", "an", "the", "and", "but", "or", "nor", "for", "of", "on", "at",
                                        "to", "from", "by", "in", "as", NULL};
    static const char *const VERBS[] = {"is", "am", "are", "not", NULL};
    static const char *const DOT[] = {"Mr", "Mrs", "Dr", "vs", NULL};
    char *out = malloc(cap);
    if (!out) return;
    size_t o = 0, n = strlen(b);
    int after_colon = 1;   /* the first word counts as after a colon */
    for (size_t i = 0; i < n;) {
        if (b[i] == ' ') { if (o + 1 < cap) out[o++] = ' '; i++; continue; }
        size_t j = i;
        while (j < n && b[j] != ' ') j++;
        size_t L = j - i;
        int last = j >= n;
        char w[64];
        if (L < sizeof w) {
            memcpy(w, b + i, L);
            w[L] = 0;
            if (!after_colon && !last && word_is(w, L, SMALL)) {
                for (size_t q = 0; q < L; q++) if (w[q] >= 'A' && w[q] <= 'Z') w[q] = (char)(w[q] + 32);
            } else if (word_is(w, L, VERBS) && w[0] >= 'a' && w[0] <= 'z') {
                w[0] = (char)(w[0] - 32);
            }
            if (word_is(w, L, DOT) && L + 1 < sizeof w) { w[L++] = '.'; w[L] = 0; }
            if (o + L < cap) { memcpy(out + o, w, L); o += L; }
        } else if (o + L < cap) {
            memcpy(out + o, b + i, L);
            o += L;
        }
        after_colon = b[j - 1] == ':';
        i = j;
    }
    out[o < cap ? o : cap - 1] = 0;
    snprintf(b, cap, "%s", out);
    free(out);
}

char *film_title(const char *file_name, const char *title_page) {
    const char *name = file_name ? file_name : "";
    size_t n = stem_len(name);
    for (size_t k = 0; k < sizeof KNOWN / sizeof *KNOWN; k++)
        if (strlen(KNOWN[k].id) == n && !strncmp(KNOWN[k].id, name, n)) return strdup(KNOWN[k].title);

    enum { CAP = 600 };
    char b[CAP];
    if (title_page && title_page[0] && !is_upper_only(title_page)) {
        snprintf(b, sizeof b, "%.*s", (int)utf8_cut(title_page, strlen(title_page), CAP - 100), title_page);
        for (char *p = b; *p; p++) if (*p == '\n' || *p == '\t' || *p == '\r') *p = ' ';
    } else {
        n = utf8_cut(name, n, CAP - 100);
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            if (name[i] == '-' && i + 2 < n && name[i + 1] == '-' && name[i + 2] == '-') {
                b[o++] = ':';
                b[o++] = ' ';
                i += 2;
            } else {
                b[o++] = name[i] == '-' || name[i] == '_' ? ' ' : name[i];
            }
        }
        b[o] = 0;
    }
    squeeze(b);
    drop_notes(b);
    front_article(b, sizeof b);
    small_words(b, sizeof b);
    squeeze(b);
    return strdup(b);
}
