/* film_title.h — a catalog film's title as people write it, from the
 * screenplay's file name (or its Fountain title page).
 *
 *   film_title("Big-Lebowski,-The.txt", "")   → "The Big Lebowski"
 *   film_title("Godfather.txt", "")           → "The Godfather"
 *   film_title("Wall-E.txt", "")              → "WALL·E"
 *   film_title("Do-The-Right-Thing.txt", "")  → "Do the Right Thing"
 *
 * Rules, in order:
 *   1. a short table of titles a file name cannot spell (hyphens and
 *      middle dots that are part of the name, subtitles after a colon, a
 *      leading article the file name lost, two films of the same name told
 *      apart by year), looked up by the file name without extension;
 *   2. else the title page's title when there is one, else the file name:
 *      '-' and '_' are spaces, "---" is ": ", a parenthesised note is
 *      dropped unless it is a year ("(final script)", "(Spoils of War)"
 *      go, "(2012)" stays), "X, The" becomes "The X";
 *   3. small words inside the title are lower case ("Two for the Money",
 *      "Man on Fire"), except first, last and after a colon; "is", "am",
 *      "are", "not" are capitalised ("The World Is Not Enough"); "Mr", "Dr",
 *      "vs" get their full stop.
 * Returns a malloc'd string (never NULL unless out of memory). */
#ifndef MOODSPACE_FILM_TITLE_H
#define MOODSPACE_FILM_TITLE_H

char *film_title(const char *file_name, const char *title_page);

#endif
