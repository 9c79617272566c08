// stopwords.js — words that say nothing about a library's lyrics: English
// function words (articles, pronouns, auxiliaries, prepositions,
// conjunctions, their apostrophe-less contractions as lyrics sites write
// them) and song metadata that leaks into lyric texts (feat., remix,
// [Chorus] markers). Written for MoodSpace; used by the Taste tab's
// "Words that set your lyrics apart".
const FUNCTION_WORDS = `a about above after again against all am an and any are aren arent as at be because been before
being below between both but by can cant cannot could couldnt did didnt do does doesnt doing dont down during each
few for from further had hadnt has hasnt have havent having he hed hes her here heres hers herself him himself his how
hows i id ill im ive if in into is isnt it its itself lets me more most mustnt my myself no nor not of off on once only
or other ought our ours ourselves out over own same shant she shed shell shes should shouldnt so some such than that
thats the their theirs them themselves then there theres these they theyd theyll theyre theyve this those through to
too under until up upon us very was wasnt we wed well were weve werent what whats when whens where wheres which while
who whos whom why whys will with wont would wouldnt you youd youll youre youve your yours yourself yourselves
also just yet still even ever every else s t d ll m re ve o y ya yo`;
const METADATA = `feat ft featuring prod produced remix remixed mix edit version remaster remastered radio live acoustic
instrumental explicit clean lyrics lyric chorus verse intro outro bridge hook prechorus refrain interlude repeat x2 x3 x4`;

export const STOP_WORDS = new Set(`${FUNCTION_WORDS} ${METADATA}`.split(/\s+/).filter(Boolean));

/** True for a word the Taste tab should not show as distinctive (apostrophes ignored). */
export const isStopWord = (w) => STOP_WORDS.has(String(w).toLowerCase().replace(/['’]/g, ''));
