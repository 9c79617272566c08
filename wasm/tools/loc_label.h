/* loc_label.h — a scene's place as a short catalog label, without what the
 * heading parser left around it.
 *
 *   loc_label("; PHIL'S ROOM", 20)         → "PHIL'S ROOM"
 *   loc_label("166-A INT. OFFICE", 20)     → "OFFICE"
 *   loc_label("SOLOMON'S HOUSE/INT", 20)   → "SOLOMON'S HOUSE"
 *   loc_label("SCENE 5 - INT. BUS", 20)    → "BUS"
 *   loc_label("SCENE 2", 20)               → ""   (no place named)
 *
 * Front, repeatedly: punctuation (ASCII, Latin-1 signs and C1 controls,
 * general punctuation such as curly quotes); "SCENE 12" / "SEQ. 020" /
 * "SC 4"; transitions ("CUT TO:", "BACK TO"); scene numbers or a lone
 * letter ("166-A", "2.", "70/71", "A)", "A 33") when INT/EXT follows; INT,
 * EXT, INTERIOR, EXTERIOR, I/E, EST. Inside: an INT/EXT word after a
 * separator goes with the separators after it ("HOUSE/INT. CELLAR" →
 * "HOUSE/CELLAR"). Back, repeatedly: punctuation, INT/EXT, a time of day
 * after " - " or ". ". Then cut to max bytes on a word end (label.h), an
 * unclosed "(" and what follows it dropped, and a dangling small word too
 * ("HALLWAY - THE" → "HALLWAY"). A soft hyphen is a dash, no-break spaces
 * and tabs are spaces, "GOBBLER ' S" is "GOBBLER'S".
 * Returns a malloc'd string, "" when nothing is left (NULL only when out
 * of memory). */
#ifndef MOODSPACE_LOC_LABEL_H
#define MOODSPACE_LOC_LABEL_H

#include <stddef.h>

char *loc_label(const char *loc, size_t max);

#endif
